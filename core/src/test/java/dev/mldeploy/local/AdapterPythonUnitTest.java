package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the Python adapter's unit tests ({@code src/test/python}: decoders and encoders, the hook contract, the
 * Lambda handler, the server's workers, limits, identity and signals) with {@code python3 -m unittest discover},
 * against the adapter as the jar ships it ({@link dev.mldeploy.bundle.AdapterFiles}, written the way the local target
 * writes it), so a file missing from the shipped list fails here. Fails with unittest's output.
 */
class AdapterPythonUnitTest {
    private static final Path TESTS = Path.of("src/test/python");
    /** The test models as the build assembles them: core's own and the kit's (whose home is test-kit's sources). */
    private static final Path MODELS = modelsDirectory();

    @TempDir
    Path tmp;

    @Test
    void adapterPythonTests_pass() throws Exception {
        assertTrue(Files.isDirectory(TESTS), "run from the core module's directory: " + TESTS.toAbsolutePath());
        Path adapter = tmp.resolve("adapter");
        LocalStarter.writeAdapter(adapter);
        ProcessBuilder pb = new ProcessBuilder(System.getenv().getOrDefault("MLDEPLOY_PYTHON", "python3"), "-B",
                "-m", "unittest", "discover", "-v", "-s", TESTS.toString(), "-t", TESTS.toString())
                .redirectErrorStream(true);
        pb.environment().put("MLDEPLOY_ADAPTER_DIR", adapter.toString());
        pb.environment().put("MLDEPLOY_TEST_MODELS", MODELS.toAbsolutePath().toString());
        pb.environment().put("PYTHONPATH", adapter.toString());
        pb.environment().remove("SAGEMAKER_MODEL_SERVER_WORKERS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), out);

        assertEquals(0, p.exitValue(), out);
        Matcher ran = Pattern.compile("Ran (\\d+) tests").matcher(out);
        assertTrue(ran.find(), out);
        assertTrue(Integer.parseInt(ran.group(1)) >= 60, "every adapter test ran: " + out);
    }

    private static Path modelsDirectory() {
        try {
            return Path.of(AdapterPythonUnitTest.class.getResource("/models/echo").toURI()).getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
