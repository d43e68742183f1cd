package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.BadRequestException;
import dev.mldeploy.DeployResult;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelErrorException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.kit.TestModels;
import dev.mldeploy.spi.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The local target's server as the endpoint runs it: worker processes behind the deployment's identity, the
 * inference toolkit's hook contract, and a refused request (4xx) reaching Java as another exception than a model
 * error (500).
 */
class LocalServingIT extends LocalItBase {
    private static final String SLOW = """
            import os, time
            def model_fn(model_dir):
                return None
            def predict_fn(data, model):
                start = time.time()
                time.sleep(data.get("sleep", 0))
                return {"pid": os.getpid(), "start": start, "end": time.time()}
            """;
    private static final String TRANSFORM_ONLY = """
            import json
            def model_fn(model_dir, context):
                return {"scale": 3}
            def transform_fn(model, data, content_type, accept, context):
                return json.dumps([v * model["scale"] for v in json.loads(data)]), "application/json"
            """;

    private Path inline(String name, String code) throws IOException {
        Path dir = Files.createDirectories(models.resolve(name));
        Files.writeString(dir.resolve("inference.py"), code);
        return dir;
    }

    @Test
    @SuppressWarnings("unchecked")
    void deploy_withTwoWorkers_servesTwoRequestsAtOnceInTwoProcessesBehindOneIdentity() throws Exception {
        try (ModelDeployer twoWorkers = newDeployer(LocalTarget.builder().workers(2))) {
            DeployResult r = twoWorkers.deploy(ModelSpec.builder("slow").source(inline("slow", SLOW)).build());
            long parent = pid(r);
            assertEquals(2, ProcessHandle.of(parent).orElseThrow().children().count(), "two workers");
            try (InferenceClient client = twoWorkers.client("slow")) {
                List<CompletableFuture<InferenceResponse>> calls = List.of(
                        CompletableFuture.supplyAsync(() -> client.invoke(InferenceRequest.json("{\"sleep\": 1.0}"))),
                        CompletableFuture.supplyAsync(() -> client.invoke(InferenceRequest.json("{\"sleep\": 1.0}"))));
                Map<String, Object> a = (Map<String, Object>) Json.parse(calls.get(0).join().bodyAsString());
                Map<String, Object> b = (Map<String, Object>) Json.parse(calls.get(1).join().bodyAsString());
                assertNotEquals(a.get("pid"), b.get("pid"), "each ran in its own worker: " + a + " " + b);
                assertNotEquals(parent, ((Number) a.get("pid")).longValue(), "a worker, not the parent, served");
                double aStart = ((Number) a.get("start")).doubleValue();
                double aEnd = ((Number) a.get("end")).doubleValue();
                double bStart = ((Number) b.get("start")).doubleValue();
                double bEnd = ((Number) b.get("end")).doubleValue();
                assertTrue(aStart < bEnd && bStart < aEnd, "the two requests overlapped: " + a + " " + b);
            }
        }
    }

    @Test
    void invoke_whenTheRequestCannotBeDecodedOrEncoded_throwsBadRequestNotAModelError() {
        deploy(spec("echo", TestModels.ECHO).build());
        try (InferenceClient client = deployer.client("echo")) {
            BadRequestException malformed = assertThrows(BadRequestException.class,
                    () -> client.invoke(InferenceRequest.json("{not json")));
            assertEquals(400, malformed.statusCode().orElseThrow());
            assertEquals("MalformedRequest", malformed.errorType());
            assertTrue(malformed.getMessage().contains("not valid JSON"), malformed.getMessage());

            BadRequestException type = assertThrows(BadRequestException.class, () -> client.invoke(
                    InferenceRequest.builder().body(new byte[] {1}).contentType("image/png").build()));
            assertEquals(415, type.statusCode().orElseThrow());
            assertTrue(type.reason().contains("image/png") && type.reason().contains("input_fn"), type.reason());

            BadRequestException accept = assertThrows(BadRequestException.class, () -> client.invoke(
                    InferenceRequest.builder().body("{\"text\": \"x\"}").contentType("application/json")
                            .accept("image/png").build()));
            assertEquals(406, accept.statusCode().orElseThrow());
            assertEquals("UnsupportedAccept", accept.errorType());
        }
    }

    @Test
    void invoke_throughTheLambdaContract_whenTheRequestCannotBeDecoded_throwsBadRequestToo() {
        try (ModelDeployer lambda = newDeployer(LocalTarget.builder().contract(LocalTarget.Contract.LAMBDA))) {
            lambda.deploy(ModelSpec.builder("echo-l").source(model(TestModels.ECHO)).build());
            try (InferenceClient client = lambda.client("echo-l")) {
                BadRequestException e = assertThrows(BadRequestException.class, () -> client.invoke(
                        InferenceRequest.builder().body(new byte[] {1}).contentType("image/png").build()));
                assertEquals(415, e.statusCode().orElseThrow());
                assertEquals("UnsupportedContentType", e.errorType());
            }
        }
    }

    @Test
    void invoke_whenTheModelRaises_throwsModelErrorNotBadRequest() {
        deploy(spec("fails", TestModels.FAILS_ON_PREDICT).build());
        try (InferenceClient client = deployer.client("fails")) {
            ModelErrorException e = assertThrows(ModelErrorException.class,
                    () -> client.invoke(InferenceRequest.json("{\"q\": 1}")));
            assertEquals(500, e.statusCode().orElseThrow());
            assertEquals("ValueError", e.errorType());
        }
    }

    @Test
    void deploy_aTransformFnModelWithContext_isServedUnchangedThroughBothContracts() throws Exception {
        Path model = inline("transform", TRANSFORM_ONLY);
        for (LocalTarget.Contract contract : LocalTarget.Contract.values()) {
            try (ModelDeployer d = newDeployer(LocalTarget.builder().contract(contract).workers(1))) {
                d.deploy(ModelSpec.builder("t-" + contract.id()).source(model).build());
                try (InferenceClient client = d.client("t-" + contract.id())) {
                    assertEquals(List.of(3L, 6L), Json.parse(client.invoke(InferenceRequest.json("[1, 2]"))
                            .bodyAsString()), contract.id());
                }
            }
        }
    }
}
