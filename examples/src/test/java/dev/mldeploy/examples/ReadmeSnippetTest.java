package dev.mldeploy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's first-five-minutes snippet is the region of {@link QuickStart#run} between the snippet markers. */
class ReadmeSnippetTest {
    static final String NAME = "first-five-minutes";
    static final Path QUICKSTART = Path.of("src/main/java/dev/mldeploy/examples/QuickStart.java");
    static final Path README = Path.of("../README.md");

    /** The lines between {@code // snippet:NAME} and {@code // end-snippet}, without their common indentation. */
    static List<String> sourceRegion(List<String> lines) {
        int start = indexOf(lines, "// snippet:" + NAME, 0);
        int end = indexOf(lines, "// end-snippet", start + 1);
        return dedent(lines.subList(start + 1, end));
    }

    /** The fenced block between {@code <!-- snippet:NAME -->} and {@code <!-- end-snippet -->}, without fences. */
    static List<String> readmeRegion(List<String> lines) {
        int start = indexOf(lines, "<!-- snippet:" + NAME + " -->", 0);
        int end = indexOf(lines, "<!-- end-snippet -->", start + 1);
        List<String> block = new ArrayList<>(lines.subList(start + 1, end));
        assertTrue(block.size() >= 2 && block.get(0).trim().equals("```java")
                && block.get(block.size() - 1).trim().equals("```"), "the README snippet is one ```java block");
        return dedent(block.subList(1, block.size() - 1));
    }

    private static int indexOf(List<String> lines, String marker, int from) {
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).trim().equals(marker)) {
                return i;
            }
        }
        throw new AssertionError("marker '" + marker + "' not found");
    }

    static List<String> dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent).stripTrailing()).toList();
    }

    @Test
    void readmeSnippet_isTheQuickStartRegion() throws IOException {
        List<String> code = sourceRegion(Files.readAllLines(QUICKSTART));
        List<String> readme = readmeRegion(Files.readAllLines(README));
        assertFalse(code.isEmpty());
        assertEquals(String.join("\n", code), String.join("\n", readme),
                "README.md's " + NAME + " snippet differs from " + QUICKSTART + "; copy the region between the "
                        + "markers into the README");
    }

    @Test
    void regions_comparedAfterRemovingCommonIndentation_butNotInnerIndentation() {
        assertEquals(List.of("a {", "    b;", "", "}"), dedent(List.of("    a {", "        b;", "  ", "    }")));
        List<String> readme = List.of("x", "<!-- snippet:" + NAME + " -->", "```java", "a {", "    b;", "}", "```",
                "<!-- end-snippet -->");
        List<String> source = List.of("// snippet:" + NAME, "        a {", "            c;", "        }",
                "// end-snippet");
        org.junit.jupiter.api.Assertions.assertNotEquals(sourceRegion(source), readmeRegion(readme),
                "a changed line inside the region is a difference");
    }
}
