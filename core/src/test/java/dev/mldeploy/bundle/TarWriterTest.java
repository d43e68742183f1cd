package dev.mldeploy.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mldeploy.InvalidSpecException;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarWriterTest {
    @TempDir
    Path tmp;

    @Test
    void paxRecord_countsItsOwnLength() {
        String r = TarWriter.paxRecord("path", "x".repeat(95));
        assertEquals(r.getBytes(StandardCharsets.UTF_8).length, Integer.parseInt(r.substring(0, r.indexOf(' '))));
        String r2 = TarWriter.paxRecord("path", "x".repeat(2));
        assertEquals(r2.getBytes(StandardCharsets.UTF_8).length, Integer.parseInt(r2.substring(0, r2.indexOf(' '))));
    }

    /**
     * The archive's bytes are pinned: the digest is that of the same entries written by the writer as it was before
     * it moved into this package (uncompressed, so no zlib version can change it). A layout change shows here.
     */
    @Test
    void write_sameEntries_giveTheBytesTheWriterHasAlwaysGiven() throws Exception {
        byte[] weights = new byte[70_000];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (byte) (i * 31 + (i >> 7));
        }
        Path file = Files.write(tmp.resolve("weights.bin"), weights);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter tar = new TarWriter(out);
        tar.addBytes("code/inference.py", "def model_fn(d):\n    return 1\n".getBytes(StandardCharsets.UTF_8), false);
        tar.addBytes("code/run.sh", "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8), true);
        tar.addBytes("code/" + "d/".repeat(60) + "deep.txt", "deep".getBytes(StandardCharsets.UTF_8), false);
        try (InputStream in = Files.newInputStream(file)) {
            tar.addFile("code/weights.bin", weights.length, false, in);
        }
        tar.finish();

        assertEquals("a797113012027e55e0200a336529d3e9c0c3c254b7facc9eccecb8178328e028",
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(out.toByteArray())));
    }

    @Test
    void addBytes_whenNameLeavesTheArchive_refusesNamingIt() {
        TarWriter tar = new TarWriter(new ByteArrayOutputStream());
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> tar.addBytes("code/../../etc/x", new byte[] {1}, false));
        assertEquals(true, e.getMessage().contains("\"code/../../etc/x\""), e.getMessage());
    }
}
