package dev.mldeploy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.ModelDeployer;
import dev.mldeploy.micrometer.MeteredInferenceClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics example against the local target: what it prints is what the registry holds, and nothing is left. */
class MetricsExampleIT {
    @TempDir
    Path tmp;

    @Test
    void run_recordsThreeAnswersAndOneModelError_andUndeploys() throws IOException {
        Path model = Files.createDirectories(tmp.resolve("sentiment"));
        for (String f : List.of("inference.py", "weights.json")) {
            Files.copy(Path.of("models/sentiment").resolve(f), model.resolve(f));
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        StringWriter out = new StringWriter();
        try (ModelDeployer deployer = ModelDeployer.builder()
                .environment(Map.of("MLDEPLOY_HOME", tmp.resolve("home").toString())).build()) {
            MetricsExample.run(deployer, model, registry, new PrintWriter(out, true));
            assertEquals(List.of(), deployer.list(), "undeployed");
        }

        assertEquals(3, registry.get(MeteredInferenceClient.TIMER).tags("outcome", "success", "target", "local",
                "application", "metrics-example").timer().count());
        assertEquals(1.0, registry.get(MeteredInferenceClient.ERRORS).tag("error", "model_error").counter().count());
        assertTrue(out.toString().contains("mldeploy.inference{outcome=success}: 3 calls"), out.toString());
        assertTrue(out.toString().contains("mldeploy.inference.errors{error=model_error}: 1"), out.toString());
    }
}
