package dev.mldeploy.sagemaker.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.bundle.SourceTree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParallelGzipOutputStreamTest {
    @TempDir
    Path tmp;

    private static byte[] input() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] noise = new byte[2 * ParallelGzipOutputStream.BLOCK + 12345];
        new Random(3).nextBytes(noise);
        b.writeBytes("header text that repeats. ".repeat(50_000).getBytes(StandardCharsets.UTF_8));
        b.writeBytes(noise);
        b.writeBytes("tail text that repeats too. ".repeat(90_000).getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    private static byte[] gzip(byte[] data, int threads) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, 6, threads);
        int third = data.length / 3;
        gz.write(data, 0, third);
        gz.level(0);
        gz.write(data, third, 7); // small writes and level switches mid-stream
        gz.level(1);
        for (int i = third + 7; i < data.length; i += 100_003) {
            gz.write(data, i, Math.min(100_003, data.length - i));
        }
        gz.close();
        return out.toByteArray();
    }

    @Test
    void output_isStandardGzipThatDecompressesToTheInput() throws Exception {
        byte[] data = input();
        byte[] gz = gzip(data, 2);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            assertArrayEquals(data, in.readAllBytes());
        }
        assertTrue(gz.length < data.length, "text was compressed: " + gz.length + " of " + data.length);
    }

    @Test
    void output_isTheSameWhateverTheNumberOfThreads() throws Exception {
        byte[] data = input();
        byte[] one = gzip(data, 1);
        assertArrayEquals(one, gzip(data, 2));
        assertArrayEquals(one, gzip(data, 5));
    }

    @Test
    void modelArchive_isTheSameWhateverTheNumberOfThreads() throws Exception {
        Path model = Fixtures.model(tmp.resolve("m"), "w");
        byte[] noise = new byte[3 * 1024 * 1024];
        new Random(9).nextBytes(noise);
        Files.write(model.resolve("a.bin"), noise);
        Files.writeString(model.resolve("b.txt"), "some words again and again\n".repeat(200_000));
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        new ModelPackager(1, true, 1).writeTarGz(SourceTree.of(model), one);
        ByteArrayOutputStream four = new ByteArrayOutputStream();
        new ModelPackager(1, true, 4).writeTarGz(SourceTree.of(model), four);
        assertArrayEquals(one.toByteArray(), four.toByteArray());
    }
}
