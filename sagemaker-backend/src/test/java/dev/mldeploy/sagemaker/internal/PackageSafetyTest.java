package dev.mldeploy.sagemaker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.bundle.AdapterFiles;
import dev.mldeploy.bundle.PackageEntryNames;
import dev.mldeploy.bundle.SourceTree;
import dev.mldeploy.bundle.TarWriter;
import dev.mldeploy.kit.HostileNames;
import dev.mldeploy.kit.PythonExtract;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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

/** model.tar.gz and the SageMaker package hold nothing that lands outside the directory they are extracted to. */
class PackageSafetyTest {
    /** Names that look odd but are safe: they must survive packaging unchanged and extract where they belong. */
    private static final List<String> ODD_BUT_SAFE = List.of("a..b.txt", "...", "..x", "x..", "with space.txt",
            "-rf", "caf\u00e9", "\u6a21\u578b.bin", "sub/deeper/..hidden");

    @TempDir
    Path tmp;

    private ModelSpec spec(Path dir) {
        return ModelSpec.builder("m").source(dir).build();
    }

    private static List<String> filesIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void sagemakerPackage_fromADirectoryFullOfHostileNames_isRefusedNamingEach_andWritesNoArchive() throws Exception {
        Path model = Fixtures.model(tmp.resolve("m"), "w");
        List<String> hostile = HostileNames.createJavaNames(model);
        boolean withInvalidUtf8 = HostileNames.createInvalidUtf8Name(model);
        Path out = tmp.resolve("out");

        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> new SageMakerPackager(1).write(spec(model), out));

        for (String name : hostile) {
            assertTrue(e.getMessage().contains(PackageEntryNames.display(name)), name + " not named: " + e.getMessage());
        }
        if (withInvalidUtf8) {
            assertTrue(e.getMessage().contains("\"" + HostileNames.INVALID_UTF8_PREFIX), e.getMessage());
        }
        assertFalse(Files.exists(out), "nothing is written, not even the output directory");
        // the uncompressed S3 prefix lists its files from the same tree, so it is refused the same way
        assertThrows(InvalidSpecException.class, () -> new ModelPackager(1).entries(SourceTree.of(model)));
    }

    @Test
    void modelTarGz_withOddButSafeNamesAndExcludedHostileOnes_extractsOnlyInsideWithPythonTarfile() throws Exception {
        Path model = Fixtures.model(tmp.resolve("m"), "w");
        for (String name : ODD_BUT_SAFE) {
            Path f = model.resolve(name);
            Files.createDirectories(f.getParent());
            Files.writeString(f, name);
        }
        Path junk = Files.createDirectories(model.resolve("junk"));
        HostileNames.createJavaNames(junk);
        HostileNames.createInvalidUtf8Name(junk);
        Files.writeString(model.resolve(".env"), "SECRET=1");
        Files.writeString(model.resolve(".mldeployignore"), "junk/\n");
        Path out = tmp.resolve("out");

        List<Path> written = new SageMakerPackager(1).write(spec(model), out);
        Path archive = out.resolve(ModelPackager.ARCHIVE_NAME);
        assertTrue(written.contains(archive));
        PythonExtract.Result r = PythonExtract.tar(archive, tmp.resolve("scope"));

        assertEquals(List.of(), r.escaping(), "no member resolves outside the extraction directory");
        assertTrue(r.allInsideDestination(), "files outside the extraction directory: " + r.files());
        TreeSet<String> expected = new TreeSet<>();
        for (String f : filesIn(model)) {
            if (!f.startsWith("junk/") && !f.equals(".env") && !f.equals(".mldeployignore")) {
                expected.add(r.destination() + "/code/" + f);
            }
        }
        AdapterFiles.NAMES.forEach(n -> expected.add(r.destination() + "/code/" + n));
        assertEquals(new ArrayList<>(expected), r.files());
        for (String name : ODD_BUT_SAFE) {
            assertEquals(name, Files.readString(tmp.resolve("scope").resolve(r.destination()).resolve("code/" + name)),
                    "names are kept as they are");
        }
    }

    @Test
    void modelTarGz_extractedWithPython_hasTheSameFilesAsTheTree() throws Exception {
        Path model = Fixtures.model(tmp.resolve("m"), "w");
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path archive = new ModelPackager(1).writeTarGz(SourceTree.of(model), out);

        PythonExtract.Result r = PythonExtract.tar(archive, tmp.resolve("scope"));

        assertTrue(r.members().contains("code/inference.py"), r.members().toString());
        assertTrue(r.allInsideDestination() && r.escaping().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "code/../../x", "/etc/cron.d/x", "code/..\\..\\x", "code/a\nb", "code/\u001b]0;x",
            "code//x", "code/./x", "code/bad-\uFFFD"})
    void tarWriter_refusesAnUnsafeName_whateverTheCallerChecked(String name) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        TarWriter tar = new TarWriter(sink);

        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> tar.addFile(name, 1, false, new ByteArrayInputStream(new byte[] {1})));

        assertTrue(e.getMessage().contains(PackageEntryNames.display(name)), e.getMessage());
        assertEquals(0, sink.size(), "nothing is written for a refused entry");
        assertThrows(InvalidSpecException.class, () -> tar.addBytes(name, new byte[0], false));
    }

    @Test
    void sagemakerPackage_whenOutIsInsideTheModelDirectory_isRefusedBeforeWriting() throws Exception {
        Path model = Fixtures.model(tmp.resolve("m"), "w");

        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> new SageMakerPackager(1).write(spec(model), model.resolve("dist")));

        assertTrue(e.getMessage().contains("is inside the model directory"), e.getMessage());
        assertFalse(Files.exists(model.resolve("dist")));
        assertThrows(InvalidSpecException.class, () -> new SageMakerPackager(1).write(spec(model), tmp));
    }

    @Test
    void sagemakerPackage_leavesAnExcludedRequirementsFileOutOfTheBuildContext() throws Exception {
        Path model = Fixtures.model(tmp.resolve("m"), "w");
        Files.writeString(model.resolve("requirements.txt"), "numpy\n");
        Path out = tmp.resolve("out");

        new SageMakerPackager(1).write(ModelSpec.builder("m").source(model).exclude("requirements.txt").build(), out);

        assertFalse(Files.exists(out.resolve("requirements.txt")));
        assertFalse(Files.readString(out.resolve("Dockerfile")).contains("requirements.txt"));
    }
}
