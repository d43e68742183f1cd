package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InvocationException;
import dev.mldeploy.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The spec's maximum inference time bounds a request in the local server, as SAGEMAKER_MODEL_SERVER_TIMEOUT does. */
class LocalInferenceTimeoutIT extends LocalItBase {
    private static final String SLEEPS = """
            import time
            def model_fn(model_dir):
                return None
            def predict_fn(data, model):
                time.sleep(data["sleep"])
                return {"slept": data["sleep"]}
            """;

    @Test
    void invoke_whenTheModelIsSlowerThanTheSpecsMaxInferenceTime_throwsTheTimeoutErrorAndTheNextRequestIsServed()
            throws Exception {
        Path dir = Files.createDirectories(models.resolve("sleeps"));
        Files.writeString(dir.resolve("inference.py"), SLEEPS);
        // 1.2 s rounds up to a 2 s server timeout; the client waits 10 s longer, so the answer is the server's
        deploy(ModelSpec.builder("sleeps").source(dir).maxInferenceTime(Duration.ofMillis(1200)).build());
        try (InferenceClient client = deployer.client("sleeps")) {
            InvocationException e = assertThrows(InvocationException.class,
                    () -> client.invoke(InferenceRequest.json("{\"sleep\": 6}")));
            assertEquals(504, e.statusCode().orElse(-1), e.getMessage());
            assertTrue(e.getMessage().contains("did not answer within its maximum inference time"), e.getMessage());
            assertTrue(e.getMessage().contains("SAGEMAKER_MODEL_SERVER_TIMEOUT"), e.getMessage());
            assertTrue(!e.retryable(), "the same request would time out again");

            assertEquals("{\"slept\": 1}", client.invoke(InferenceRequest.json("{\"sleep\": 1}")).bodyAsString(),
                    "a request within the limit is served (by a replacement worker, if need be)");
        }
        String log = Files.readString(stateDir("sleeps").resolve(LocalStarter.LOG_FILE));
        assertTrue(log.contains("ran past SAGEMAKER_MODEL_SERVER_TIMEOUT=2 s"), log);
    }
}
