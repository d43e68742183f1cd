package dev.mldeploy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The interpreter the iris example runs with: Debian's {@code /usr/bin/python3} with {@code python3-sklearn}
 * (the {@code python3} on the PATH may be another one, without scikit-learn). {@code .ci/run} installs the package,
 * so CI runs these tests; elsewhere they are skipped, saying how to run them.
 */
final class SklearnPython {
    static final String PYTHON = "/usr/bin/python3";
    static final Path IRIS = Path.of("models/iris");

    private static Boolean available;

    private SklearnPython() {
    }

    /** Skips the calling test unless {@link #PYTHON} imports scikit-learn and numpy. */
    static synchronized void assumeAvailable() {
        if (available == null) {
            available = imports();
        }
        Assumptions.assumeTrue(available, PYTHON + " cannot import sklearn and numpy; install Debian's"
                + " python3-sklearn (apt-get install -y python3-sklearn, as .ci/run does) to run the iris example's tests");
    }

    private static boolean imports() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import sklearn, numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;  // no such interpreter
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs {@link #PYTHON} {@code args} in {@code dir} (no .pyc written), asserts it exits 0, returns its output. */
    static String run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, "-B"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python finished");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
