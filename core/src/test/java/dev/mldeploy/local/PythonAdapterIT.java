package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.kit.TestModels;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the Python adapter's own tests ({@code adapter-tests/test_adapter.py}: default hooks, error shape, Lambda
 * handler, the server's keep-alive, limits, ping and signals) with python3 against the adapter as the jar ships it.
 */
class PythonAdapterIT {
    @TempDir
    Path tmp;

    @Test
    void adapterTests_pass() throws Exception {
        Path adapter = tmp.resolve("adapter");
        LocalStarter.writeAdapter(adapter);
        Path models = tmp.resolve("models");
        for (String m : new String[] {TestModels.ECHO, TestModels.FAILS_ON_PREDICT, TestModels.SLOW_LOAD}) {
            TestModels.copy(m, models);
        }
        Path test = tmp.resolve("test_adapter.py");
        try (InputStream in = getClass().getResourceAsStream("/adapter-tests/test_adapter.py")) {
            Files.copy(in, test);
        }
        ProcessBuilder pb = new ProcessBuilder("python3", "-B", "-m", "unittest", "-v", "test_adapter")
                .directory(tmp.toFile()).redirectErrorStream(true);
        pb.environment().put("MLDEPLOY_ADAPTER_DIR", adapter.toString());
        pb.environment().put("MLDEPLOY_TEST_MODELS", models.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);

        assertEquals(0, p.exitValue(), out);
        Matcher ran = Pattern.compile("Ran (\\d+) tests").matcher(out);
        assertTrue(ran.find(), out);
        assertTrue(Integer.parseInt(ran.group(1)) >= 18, "every adapter test ran: " + out);
    }
}
