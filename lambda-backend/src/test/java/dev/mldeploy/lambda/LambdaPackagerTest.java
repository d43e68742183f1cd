package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.bundle.SourceTree;
import dev.mldeploy.lambda.internal.LambdaLimits;
import dev.mldeploy.lambda.internal.LambdaPackager;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deterministic zip: same content same bytes, sorted entries, fixed times, POSIX modes, size limits. */
class LambdaPackagerTest {
    @TempDir
    Path dir;

    private Path model(String name) throws Exception {
        Path m = LambdaFixtures.echoModel(dir, name);
        Files.createDirectories(m.resolve("data/sub"));
        Files.writeString(m.resolve("data/sub/z.txt"), "z");
        Files.writeString(m.resolve("data/a.txt"), "a");
        Path tool = m.resolve("run.sh");
        Files.writeString(tool, "#!/bin/sh\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-x---"));
        return m;
    }

    private LambdaPackager.Package build(Path model, String out) {
        return LambdaPackager.build("m", SourceTree.of(model), dir.resolve(out));
    }

    @Test
    void build_sameContentTwice_givesTheSameBytesAndCodeSha256() throws Exception {
        Path model = model("m");
        LambdaPackager.Package a = build(model, "a.zip");
        Files.setLastModifiedTime(model.resolve("inference.py"), FileTime.fromMillis(0)); // mtimes do not matter
        LambdaPackager.Package b = build(model, "b.zip");
        assertArrayEquals(Files.readAllBytes(a.zip()), Files.readAllBytes(b.zip()));
        assertEquals(a.codeSha256(), b.codeSha256());
        assertEquals(44, a.codeSha256().length(), "base64 of 32 bytes, as Lambda reports CodeSha256");
    }

    @Test
    void build_differentContent_givesADifferentHash() throws Exception {
        Path model = model("m");
        LambdaPackager.Package a = build(model, "a.zip");
        Files.writeString(model.resolve("data/a.txt"), "b");
        LambdaPackager.Package b = build(model, "b.zip");
        assertNotEquals(a.codeSha256(), b.codeSha256());
    }

    @Test
    void build_writesSortedEntries_fixedTimes_adapterAtRoot_andPosixModes() throws Exception {
        LambdaPackager.Package p = build(model("m"), "m.zip");
        List<String> names = new ArrayList<>();
        try (ZipFile zip = new ZipFile(p.zip().toFile())) {
            Enumeration<? extends ZipEntry> en = zip.entries();
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                names.add(e.getName());
                assertEquals(java.time.LocalDateTime.of(1980, 1, 1, 0, 0), e.getTimeLocal(), e.getName());
            }
            assertEquals(LambdaFixtures.ECHO, new String(zip.getInputStream(zip.getEntry("inference.py"))
                    .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
        List<String> expected = new java.util.ArrayList<>(List.of("data/a.txt", "data/sub/z.txt", "inference.py",
                "run.sh"));
        expected.addAll(dev.mldeploy.bundle.AdapterFiles.NAMES);
        java.util.Collections.sort(expected);
        assertEquals(expected, names);
        assertTrue(names.contains("mldeploy_adapter/lambda_handler.py"), names.toString());
        try (FileSystem fs = FileSystems.newFileSystem(URI.create("jar:" + p.zip().toUri()),
                Map.of("enablePosixFileAttributes", "true"))) {
            Set<PosixFilePermission> exec = Files.getPosixFilePermissions(fs.getPath("run.sh"));
            assertEquals(PosixFilePermissions.fromString("rwxr-xr-x"), exec);
            assertEquals(PosixFilePermissions.fromString("rw-r--r--"),
                    Files.getPosixFilePermissions(fs.getPath("mldeploy_lambda.py")));
        }
    }

    @Test
    void build_whenUnzippedOverLimit_refusesNamingTheImageOptionAndSageMaker() throws Exception {
        Path model = LambdaFixtures.echoModel(dir, "huge");
        try (RandomAccessFile f = new RandomAccessFile(model.resolve("weights.bin").toFile(), "rw")) {
            f.setLength(LambdaLimits.UNZIPPED_BYTES); // sparse; with the adapter it is just over
        }
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> build(model, "huge.zip"));
        assertTrue(e.getMessage().contains("250.0 MB"), e.getMessage());
        assertTrue(e.getMessage().contains("imageUri"), e.getMessage());
        assertTrue(e.getMessage().contains("SageMaker"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("huge.zip")), "nothing written");
    }

    @Test
    void build_whenModelHasAnAdapterFileName_refuses() throws Exception {
        Path model = LambdaFixtures.echoModel(dir, "clash");
        Files.writeString(model.resolve("mldeploy_lambda.py"), "# mine");
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> build(model, "c.zip"));
        assertTrue(e.getMessage().contains("rename"), e.getMessage());
    }

    @Test
    void packager_writesTheZipWithoutAnyAwsCall() throws Exception {
        ModelSpec spec = ModelSpec.builder("pkg").source(model("pkg")).build();
        LambdaTarget target = LambdaTarget.builder().build(); // no clients, no region: nothing could be called
        List<Path> files = LambdaTargetProvider.of(target).packager().orElseThrow().write(spec, dir.resolve("out"));
        assertEquals(List.of(dir.resolve("out/pkg-lambda.zip")), files);
        LambdaPackager.Package again = LambdaPackager.build("pkg", SourceTree.of(spec.requireSource()),
                dir.resolve("again.zip"));
        assertArrayEquals(Files.readAllBytes(again.zip()), Files.readAllBytes(files.get(0)),
                "the packaged zip is the one a deploy uploads");
    }

    @Test
    void directUploadLimit_defaultsToLambdas50Megabytes() {
        assertEquals(52_428_800L, LambdaTarget.builder().build().directUploadLimitBytes());
        assertEquals(262_144_000L, LambdaLimits.UNZIPPED_BYTES);
    }
}
