package dev.mldeploy.kit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Files whose names could escape an archive's extraction directory or fool a terminal, made in a model directory
 * for tests: a Windows-style traversal, names with control characters, a Windows drive prefix, and a name whose
 * bytes are not UTF-8 (made with python3's {@code os.open} on bytes, since Java cannot name such a file).
 */
public final class HostileNames {
    /** Names Java can create on Linux, each a single file name (no '/'), each unsafe in a package. */
    public static final List<String> JAVA_NAMES = List.of(
            "..\\..\\..\\escaped-by-backslash",
            "dir\\..\\..\\x",
            "new\nline.txt",
            "esc\u001b[31mred.txt",
            "tab\there",
            "del\u007f.txt",
            "C:evil.txt");
    /** The raw bytes of the file name that is not UTF-8 ({@code bad-\xff\xfe.txt}). */
    public static final byte[] INVALID_UTF8_NAME = {'b', 'a', 'd', '-', (byte) 0xff, (byte) 0xfe, '.', 't', 'x', 't'};
    /** The start of that name as Java shows it, for assertions on messages. */
    public static final String INVALID_UTF8_PREFIX = "bad-";

    private HostileNames() {
    }

    /** Writes each of {@link #JAVA_NAMES} into {@code dir}; returns the names made (all of them on Linux). */
    public static List<String> createJavaNames(Path dir) {
        List<String> made = new ArrayList<>();
        for (String name : JAVA_NAMES) {
            try {
                Files.writeString(dir.resolve(name), "hostile");
                made.add(name);
            } catch (IOException | java.nio.file.InvalidPathException e) {
                // a file system that refuses the name cannot hold it in a model directory either
            }
        }
        return made;
    }

    /**
     * Makes a file named {@link #INVALID_UTF8_NAME} in {@code dir} with python3; false when the file system refuses
     * such a name (the caller then skips with an assumption).
     */
    public static boolean createInvalidUtf8Name(Path dir) {
        String script = "import os,sys\n"
                + "d=os.fsencode(sys.argv[1])\n"
                + "try:\n"
                + "    fd=os.open(os.path.join(d, bytes.fromhex(sys.argv[2])), os.O_CREAT|os.O_WRONLY, 0o644)\n"
                + "except OSError as e:\n"
                + "    print('refused', e); sys.exit(3)\n"
                + "os.write(fd, b'hostile'); os.close(fd)\n";
        StringBuilder hex = new StringBuilder();
        for (byte b : INVALID_UTF8_NAME) {
            hex.append(String.format("%02x", b & 0xff));
        }
        try {
            Process p = new ProcessBuilder("python3", "-c", script, dir.toString(), hex.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("python3 did not create the file in 60 s");
            }
            if (p.exitValue() == 3) {
                return false;
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("python3 failed: " + out);
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
