package dev.mldeploy.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelErrorException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.PayloadTooLargeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample sentiment model ({@code examples/models/sentiment}) deployed to the local target, invoked through the
 * metered client: the registry holds what the calls did.
 */
class MeteredLocalClientIT {
    @TempDir
    Path home;
    @TempDir
    Path dir;

    ModelDeployer deployer;

    /** The sample model, copied so the test never writes into the source tree. */
    private Path sentiment() throws IOException {
        Path source = Path.of("..", "examples", "models", "sentiment");
        Path m = dir.resolve("sentiment");
        Files.createDirectories(m);
        for (String f : List.of("inference.py", "weights.json")) {
            Files.copy(source.resolve(f), m.resolve(f));
        }
        return m;
    }

    @AfterEach
    void undeploy() {
        if (deployer != null) {
            try {
                deployer.list().forEach(d -> deployer.undeploy(d.name()));
                assertEquals(List.of(), deployer.list(), "nothing left running");
            } finally {
                deployer.close();
            }
        }
    }

    @Test
    void wrappedLocalClient_recordsSuccessesAndEachKindOfFailure() throws IOException {
        deployer = ModelDeployer.builder().environment(Map.of("MLDEPLOY_HOME", home.toString())).build();
        ModelSpec spec = ModelSpec.builder("sentiment").source(sentiment()).build();
        deployer.deploy(spec, DeployOptions.builder().timeout(Duration.ofMinutes(2)).build());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        try (InferenceClient client = MeteredInferenceClient.wrap(deployer.client("sentiment"), registry,
                Tags.of("application", "it"))) {
            assertTrue(client.invokeJson("{\"text\": \"What a lovely day\"}").contains("\"label\""));
            assertTrue(client.invokeJson("{\"text\": \"The food was awful\"}").contains("\"label\""));
            // the model's input_fn raises ValueError for a document it does not understand
            assertThrows(ModelErrorException.class, () -> client.invokeJson("{\"words\": 3}"));
            // over the target's request limit: refused by the client, nothing sent
            byte[] huge = new byte[(int) client.maxRequestBytes() + 1];
            assertThrows(PayloadTooLargeException.class, () -> client.invoke(InferenceRequest.of(huge,
                    "application/octet-stream")));
        }

        Timer ok = registry.find(MeteredInferenceClient.TIMER).tags("application", "it", "deployment", "sentiment",
                "target", "local", "variant", "default", "outcome", "success").timer();
        assertEquals(2, ok.count());
        assertTrue(ok.totalTime(TimeUnit.NANOSECONDS) > 0, "the calls took some time");
        Timer failed = registry.find(MeteredInferenceClient.TIMER).tags("outcome", "error").timer();
        assertEquals(2, failed.count());
        assertEquals("unknown", failed.getId().getTag("variant"));
        Counter modelErrors = registry.find(MeteredInferenceClient.ERRORS).tags("target", "local", "error",
                "model_error", "exception", "ModelErrorException").counter();
        assertEquals(1.0, modelErrors.count());
        Counter tooLarge = registry.find(MeteredInferenceClient.ERRORS).tags("target", "local", "error",
                "payload_too_large", "exception", "PayloadTooLargeException").counter();
        assertEquals(1.0, tooLarge.count());
        assertEquals(2, registry.find(MeteredInferenceClient.ERRORS).counters().size());
    }
}
