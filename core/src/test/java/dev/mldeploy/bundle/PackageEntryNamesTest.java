package dev.mldeploy.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidSpecException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PackageEntryNamesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/etc/passwd|is absolute",
            "C:x.txt|is absolute",
            "../x|'..' segment",
            "code/../../x|'..' segment",
            "a/./b|'.' segment",
            "a//b|empty path segment",
            "a/|empty path segment",
            "..\\..\\..\\x|backslash",
            "code/dir\\x|backslash"})
    void problem_whenNameCouldEscape_saysWhy(String name, String why) {
        Optional<String> problem = PackageEntryNames.problem(name);

        assertTrue(problem.isPresent(), name);
        assertTrue(problem.get().contains(why), problem.get());
    }

    @Test
    void problem_controlCharactersAndUndecodableText_areRefused() {
        assertTrue(PackageEntryNames.problem("a\nb").get().contains("control character (U+000A)"));
        assertTrue(PackageEntryNames.problem("a\u001b[31m").get().contains("U+001B"));
        assertTrue(PackageEntryNames.problem("a\u0085").get().contains("control character"));
        assertTrue(PackageEntryNames.problem("bad-\uFFFD.txt").get().contains("not valid UTF-8"));
        assertTrue(PackageEntryNames.problem("lone-\uD800.txt").get().contains("unpaired surrogate"));
        assertTrue(PackageEntryNames.problem("").get().contains("empty"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"inference.py", "code/inference.py", "a..b", "...", "..x", "x..", "caf\u00e9/\u6a21\u578b.bin",
            "emoji-\uD83D\uDE00.txt", "with space.txt", "-rf", "ab:c", "weights/v1.2/model.onnx"})
    void problem_whenNameIsOrdinary_isEmpty(String name) {
        assertEquals(Optional.empty(), PackageEntryNames.problem(name));
        assertEquals(name, PackageEntryNames.requireSafe(name));
    }

    @Test
    void requireSafe_throwsInvalidSpec_namingTheEntryEscaped() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> PackageEntryNames.requireSafe("..\\..\\x\u001b"));

        assertTrue(e.getMessage().contains("\"..\\\\..\\\\x\\u001b\""), e.getMessage());
        assertTrue(e.getMessage().contains("backslash"), e.getMessage());
    }

    @Test
    void display_escapesWhatATerminalWouldInterpret() {
        assertEquals("\"a\\u000ab\\u001b\\\\\\\"\"", PackageEntryNames.display("a\nb\u001b\\\""));
        assertEquals("\"plain\"", PackageEntryNames.display("plain"));
    }
}
