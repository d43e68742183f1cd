package dev.mldeploy.sagemaker.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.bundle.AdapterFiles;
import dev.mldeploy.bundle.ModelBundle;
import dev.mldeploy.bundle.SourceTree;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPackagerTest {
    @TempDir
    Path tmp;

    private final ModelPackager packager = new ModelPackager(1);

    private byte[] tarGz(Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        packager.writeTarGz(SourceTree.of(dir), out);
        return out.toByteArray();
    }

    @Test
    void writeTarGz_sameContentInAnotherDirectoryWithOtherTimes_givesTheSameBytesAndKey() throws Exception {
        Path a = Fixtures.model(tmp.resolve("a"), "weights");
        Path b = Fixtures.model(tmp.resolve("b"), "weights");
        Files.setLastModifiedTime(b.resolve("weights.txt"), FileTime.fromMillis(1_000));
        Files.createDirectories(a.resolve("sub"));
        Files.createDirectories(b.resolve("sub"));
        Files.writeString(b.resolve("sub/z.txt"), "z"); // written in the other order
        Files.writeString(b.resolve("sub/y.txt"), "y");
        Files.writeString(a.resolve("sub/y.txt"), "y");
        Files.writeString(a.resolve("sub/z.txt"), "z");

        assertArrayEquals(tarGz(a), tarGz(b));
        assertEquals(packager.contentKey(SourceTree.of(a), false), packager.contentKey(SourceTree.of(b), false));
    }

    @Test
    void writeTarGz_changedContent_changesBytesAndKey() throws Exception {
        Path a = Fixtures.model(tmp.resolve("a"), "weights-1");
        Path b = Fixtures.model(tmp.resolve("b"), "weights-2");
        assertFalse(java.util.Arrays.equals(tarGz(a), tarGz(b)));
        assertNotEquals(packager.contentKey(SourceTree.of(a), false), packager.contentKey(SourceTree.of(b), false));
        assertNotEquals(packager.contentKey(SourceTree.of(a), false), packager.contentKey(SourceTree.of(a), true));
    }

    @Test
    void writeTarGz_gzipHeaderHasNoTimestamp() throws Exception {
        byte[] gz = tarGz(Fixtures.model(tmp.resolve("a"), "w"));
        assertEquals((byte) 0x1f, gz[0]);
        assertEquals((byte) 0x8b, gz[1]);
        assertArrayEquals(new byte[4], java.util.Arrays.copyOfRange(gz, 4, 8), "MTIME must be 0");
    }

    @Test
    void writeTarGz_isReadByTarWithUserCodeAndAdapterUnderCode() throws Exception {
        Path model = Fixtures.model(tmp.resolve("m"), "w");
        String longName = "d".repeat(60) + "/" + "f".repeat(70) + ".bin";
        Files.createDirectories(model.resolve(longName).getParent());
        Files.writeString(model.resolve(longName), "long");
        Path archive = packager.writeTarGz(SourceTree.of(model), Files.createDirectories(tmp.resolve("out")));
        Path extracted = Files.createDirectories(tmp.resolve("x"));
        Process p = new ProcessBuilder("tar", "xzf", archive.toString(), "-C", extracted.toString())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));

        assertEquals(Files.readString(model.resolve("inference.py")),
                Files.readString(extracted.resolve("code/inference.py")));
        assertEquals("long", Files.readString(extracted.resolve("code/" + longName)));
        for (String adapter : AdapterFiles.NAMES) {
            assertArrayEquals(AdapterFiles.file(adapter), Files.readAllBytes(extracted.resolve("code/" + adapter)));
        }
        List<String> listed = packager.entries(SourceTree.of(model)).stream().map(ModelBundle.Entry::path).toList();
        assertEquals(listed.stream().sorted().toList(), listed);
        assertTrue(listed.stream().allMatch(n -> n.startsWith("code/")));
    }

    @Test
    void writeTarGz_storesIncompressibleFilesAndCompressesTheRest_andTarReadsBoth() throws Exception {
        Path model = Fixtures.model(tmp.resolve("m"), "w");
        byte[] noise = new byte[3 * 1024 * 1024];
        new java.util.Random(1).nextBytes(noise);
        Files.write(model.resolve("a-weights.bin"), noise);
        Files.writeString(model.resolve("z-vocab.txt"), "the quick brown fox jumps over the lazy dog\n".repeat(70_000));
        long raw = Files.size(model.resolve("z-vocab.txt")) + noise.length;

        byte[] adaptive = tarGz(model);
        ByteArrayOutputStream forced = new ByteArrayOutputStream();
        new ModelPackager(1, false).writeTarGz(SourceTree.of(model), forced);

        assertTrue(adaptive.length < noise.length + 200_000, "text compressed: " + adaptive.length + " of " + raw);
        assertTrue(adaptive.length > noise.length, "noise stored: " + adaptive.length);
        assertArrayEquals(adaptive, tarGz(model), "deterministic with level switches");
        assertNotEquals(packager.contentKey(SourceTree.of(model), false),
                new ModelPackager(1, false).contentKey(SourceTree.of(model), false));
        Path archive = Files.write(tmp.resolve("a.tar.gz"), adaptive);
        Path extracted = Files.createDirectories(tmp.resolve("x"));
        Process p = new ProcessBuilder("tar", "xzf", archive.toString(), "-C", extracted.toString())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertArrayEquals(noise, Files.readAllBytes(extracted.resolve("code/a-weights.bin")));
        assertEquals(Files.readString(model.resolve("z-vocab.txt")), Files.readString(extracted.resolve(
                "code/z-vocab.txt")));
        assertTrue(forced.size() > 0);
    }

    @Test
    void entries_whenModelHasAFileNamedLikeTheAdapter_refusesWithWhatToRename() throws Exception {
        Path model = Fixtures.model(tmp.resolve("m"), "w");
        Files.writeString(model.resolve("mldeploy_serve.py"), "x");
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> packager.entries(SourceTree.of(model)));
        assertTrue(e.getMessage().contains("rename"), e.getMessage());
    }

    @Test
    void packager_writesArchiveDockerfileAndAdapterWithoutAnyRemoteCall() throws Exception {
        Path model = Fixtures.model(tmp.resolve("m"), "w");
        Files.writeString(model.resolve("requirements.txt"), "numpy\n");
        ModelSpec spec = ModelSpec.builder("m").source(model).pythonVersion("3.11").build();
        List<Path> written = new SageMakerPackager(6).write(spec, tmp.resolve("out"));

        List<String> names = written.stream().map(p -> tmp.resolve("out").relativize(p).toString()).toList();
        List<String> expected = new java.util.ArrayList<>(List.of("Dockerfile"));
        expected.addAll(AdapterFiles.SERVING_IMAGE_NAMES);
        expected.addAll(List.of("model.tar.gz", "prebuilt/model.tar.gz", "requirements.txt"));
        assertEquals(expected, names);
        assertTrue(names.contains("mldeploy_adapter/serve.py") && !names.contains("mldeploy_lambda.py"), names.toString());
        for (String adapter : AdapterFiles.SERVING_IMAGE_NAMES) {
            assertArrayEquals(AdapterFiles.file(adapter), Files.readAllBytes(tmp.resolve("out").resolve(adapter)));
        }
        String dockerfile = Files.readString(tmp.resolve("out/Dockerfile"));
        assertTrue(dockerfile.contains("FROM public.ecr.aws/docker/library/python:3.11-slim"), dockerfile);
        assertTrue(dockerfile.contains("COPY mldeploy_serve.py /opt/program/\n"
                + "COPY mldeploy_adapter/ /opt/program/mldeploy_adapter/\n"), dockerfile);
        assertTrue(dockerfile.contains("ENTRYPOINT [\"python3\", \"/opt/program/mldeploy_serve.py\"]"), dockerfile);
        assertTrue(dockerfile.contains("CMD [\"serve\"]"), dockerfile);
        assertTrue(dockerfile.contains("EXPOSE 8080"), dockerfile);
        assertTrue(dockerfile.contains("pip install --no-cache-dir -r /opt/program/requirements.txt"), dockerfile);
    }
}
