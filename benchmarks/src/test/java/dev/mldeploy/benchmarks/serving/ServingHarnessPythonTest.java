package dev.mldeploy.benchmarks.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the serving benchmark's own unit tests ({@code serving/tests}: reading wrk's report, medians, ratios and
 * targets, the table, the messages for a missing gunicorn or wrk) with {@code python3 -m unittest discover}, so the
 * harness is checked by the build although the benchmark itself is run by hand. Fails with unittest's output.
 */
class ServingHarnessPythonTest {
    private static final Path TESTS = Path.of("serving/tests");

    @Test
    void servingHarnessPythonTests_pass() throws Exception {
        assertTrue(Files.isDirectory(TESTS), "run from the benchmarks module's directory: " + TESTS.toAbsolutePath());
        Process p = new ProcessBuilder(System.getenv().getOrDefault("MLDEPLOY_PYTHON", "python3"), "-B", "-m",
                "unittest", "discover", "-v", "-s", TESTS.toString(), "-t", TESTS.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);

        assertEquals(0, p.exitValue(), out);
        Matcher ran = Pattern.compile("Ran (\\d+) tests").matcher(out);
        assertTrue(ran.find(), out);
        assertTrue(Integer.parseInt(ran.group(1)) >= 12, "every harness test ran: " + out);
    }
}
