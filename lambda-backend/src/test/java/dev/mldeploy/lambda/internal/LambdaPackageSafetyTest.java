package dev.mldeploy.lambda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.bundle.AdapterFiles;
import dev.mldeploy.bundle.DeterministicZip;
import dev.mldeploy.bundle.PackageEntryNames;
import dev.mldeploy.kit.HostileNames;
import dev.mldeploy.kit.PythonExtract;
import dev.mldeploy.kit.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Lambda zip holds nothing that lands outside the directory it is extracted to. */
class LambdaPackageSafetyTest {
    /** The packager the lambda target offers, as the CLI reaches it. */
    private static final dev.mldeploy.spi.Packager PACKAGER = dev.mldeploy.lambda.LambdaTargetProvider.of(
            dev.mldeploy.lambda.LambdaTarget.builder().build())
            .packager().orElseThrow();
    private static final List<String> ODD_BUT_SAFE = List.of("a..b.txt", "...", "..x", "x..", "with space.txt",
            "-rf", "caf\u00e9", "\u6a21\u578b.bin", "sub/deeper/..hidden");

    @TempDir
    Path tmp;

    private Path model() {
        return TestModels.copy(TestModels.ECHO, tmp);
    }

    private static ModelSpec spec(Path dir) {
        return ModelSpec.builder("m").source(dir).build();
    }

    private static List<String> filesIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void lambdaZip_fromADirectoryFullOfHostileNames_isRefusedNamingEach_andWritesNothing() {
        Path model = model();
        List<String> hostile = HostileNames.createJavaNames(model);
        boolean withInvalidUtf8 = HostileNames.createInvalidUtf8Name(model);
        Path out = tmp.resolve("out");

        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> PACKAGER.write(spec(model), out));

        for (String name : hostile) {
            assertTrue(e.getMessage().contains(PackageEntryNames.display(name)), name + " not named: " + e.getMessage());
        }
        if (withInvalidUtf8) {
            assertTrue(e.getMessage().contains("\"" + HostileNames.INVALID_UTF8_PREFIX), e.getMessage());
        }
        assertFalse(Files.exists(out), "nothing is written, not even the output directory");
    }

    @Test
    void lambdaZip_withOddButSafeNamesAndExcludedHostileOnes_extractsOnlyInsideWithPythonZipfile() throws Exception {
        Path model = model();
        for (String name : ODD_BUT_SAFE) {
            Path f = model.resolve(name);
            Files.createDirectories(f.getParent());
            Files.writeString(f, name);
        }
        Path junk = Files.createDirectories(model.resolve("junk"));
        HostileNames.createJavaNames(junk);
        HostileNames.createInvalidUtf8Name(junk);
        Files.createDirectories(model.resolve(".aws"));
        Files.writeString(model.resolve(".aws/credentials"), "[default]\naws_secret_access_key=x\n");
        Files.writeString(model.resolve(".mldeployignore"), "junk/\n");

        List<Path> written = PACKAGER.write(spec(model), tmp.resolve("out"));
        PythonExtract.Result r = PythonExtract.zip(written.get(0), tmp.resolve("scope"));

        assertEquals(List.of(), r.escaping(), "no member resolves outside the extraction directory");
        assertTrue(r.allInsideDestination(), "files outside the extraction directory: " + r.files());
        TreeSet<String> expected = new TreeSet<>();
        for (String f : filesIn(model)) {
            if (!f.startsWith("junk/") && !f.startsWith(".aws/") && !f.equals(".mldeployignore")) {
                expected.add(r.destination() + "/" + f);
            }
        }
        AdapterFiles.NAMES.forEach(n -> expected.add(r.destination() + "/" + n));
        assertEquals(new ArrayList<>(expected), r.files());
        for (String name : ODD_BUT_SAFE) {
            assertTrue(r.members().contains(name), name + " is kept as it is: " + r.members());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/../../x", "/etc/x", "..\\..\\x", "a\nb", "\u001b[2J", "a//b", "./x",
            "bad-\uFFFD", "C:x"})
    void deterministicZip_refusesAnUnsafeName_whateverTheCallerChecked(String name) {
        Path zip = tmp.resolve("x.zip");

        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> DeterministicZip.write(List.of(DeterministicZip.Entry.ofBytes(name, new byte[] {1})), zip));

        assertTrue(e.getMessage().contains(PackageEntryNames.display(name)), e.getMessage());
        assertFalse(Files.exists(zip));
    }

    @Test
    void lambdaZip_whenOutIsInsideTheModelDirectory_isRefusedBeforeWriting() {
        Path model = model();

        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> PACKAGER.write(spec(model), model.resolve("dist")));

        assertTrue(e.getMessage().contains("is inside the model directory"), e.getMessage());
        assertFalse(Files.exists(model.resolve("dist")));
    }
}
