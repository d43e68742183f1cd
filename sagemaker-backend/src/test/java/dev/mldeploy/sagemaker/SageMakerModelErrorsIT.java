package dev.mldeploy.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.BadRequestException;
import dev.mldeploy.DeployOptions;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelErrorException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.bundle.AdapterFiles;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;

/**
 * A request the model refuses and a model that fails reach Java as different exceptions through the real SDK: the
 * endpoint is deployed on moto, and InvokeEndpoint goes to {@link RuntimeFrontEnd}, which runs it on the real adapter
 * (mldeploy_serve.py, the container's entry point) serving a real model, and answers as SageMaker does (moto's own
 * InvokeEndpoint answers 200 whatever the model does).
 */
@ExtendWith(AwsEndpointExtension.class)
class SageMakerModelErrorsIT {
    @TempDir
    Path tmp;
    private MotoResources moto;
    private Process container;
    private RuntimeFrontEnd frontEnd;
    private SageMakerRuntimeClient runtime;
    private ModelDeployer deployer;

    private static final String MODEL = """
            def model_fn(model_dir):
                return {"ready": True}


            def predict_fn(data, model):
                if data.get("fail"):
                    raise ValueError("the model cannot score " + data["fail"])
                return {"echo": data, "ready": model["ready"]}
            """;

    @BeforeEach
    void setUp(AwsEndpoint aws) throws Exception {
        aws.assumeSupports("sagemaker");
        moto = new MotoResources(aws);
        Path model = Files.createDirectories(tmp.resolve("model"));
        Files.writeString(model.resolve("inference.py"), MODEL);
        container = startContainer(model);
        frontEnd = new RuntimeFrontEnd(URI.create("http://127.0.0.1:" + port));
        runtime = SageMakerRuntimeClient.builder().endpointOverride(frontEnd.uri()).region(aws.awsRegion())
                .credentialsProvider(aws.credentialsProvider()).build();
        ModelSpec spec = ModelSpec.builder("scorer").source(model).build();
        try (ModelDeployer first = deployer(moto.target().build())) {
            first.deploy(spec, DeployOptions.builder().timeout(Duration.ofMinutes(2)).build());
        }
        deployer = deployer(moto.target().runtimeClient(runtime).build());
    }

    @AfterEach
    void tearDown() {
        if (deployer != null) {
            deployer.undeploy("scorer");
            deployer.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (frontEnd != null) {
            frontEnd.close();
        }
        if (container != null) {
            container.destroyForcibly();
        }
        moto.close();
    }

    private static ModelDeployer deployer(SageMakerTarget target) {
        return ModelDeployer.builder().discoverProviders(false).provider(SageMakerTargetProvider.of(target))
                .defaultTarget("sagemaker").environment(Map.of()).build();
    }

    private int port;

    /** The adapter as the serving image holds it, serving {@code model} on 127.0.0.1 (one worker). */
    private Process startContainer(Path model) throws Exception {
        Path program = tmp.resolve("program");
        for (Map.Entry<String, byte[]> f : AdapterFiles.files().entrySet()) {
            Path to = program.resolve(f.getKey());
            Files.createDirectories(to.getParent());
            Files.write(to, f.getValue());
        }
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(System.getenv().getOrDefault("MLDEPLOY_PYTHON", "python3"),
                program.resolve(AdapterFiles.SERVE_MODULE).toString(), "serve", "--model-dir", model.toString(),
                "--host", "127.0.0.1", "--port", String.valueOf(port));
        pb.environment().put("SAGEMAKER_MODEL_SERVER_WORKERS", "1");
        pb.redirectErrorStream(true).redirectOutput(tmp.resolve("container.log").toFile());
        Process p = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("the adapter exited: " + Files.readString(tmp.resolve("container.log")));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/ping").toURL()
                        .openConnection();
                c.setConnectTimeout(1000);
                if (c.getResponseCode() == 200) {
                    return p;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new AssertionError("the adapter did not answer /ping: " + Files.readString(tmp.resolve("container.log")));
    }

    @Test
    void invoke_whenTheModelAnswers_returnsItsBodyAndVariant() {
        try (InferenceClient client = deployer.client("scorer")) {
            InferenceResponse r = client.invoke(InferenceRequest.json("{\"x\": 1}"));
            assertEquals("{\"echo\": {\"x\": 1}, \"ready\": true}", r.bodyAsString());
            assertEquals("AllTraffic", r.variant().orElseThrow());
        }
        assertEquals(List.of("scorer"), frontEnd.endpointsCalled(), "InvokeEndpoint went to the endpoint deployed");
    }

    @Test
    void invoke_aRequestTheModelCannotDecode_isABadRequestWithTheAdaptersReason_notAModelError() {
        try (InferenceClient client = deployer.client("scorer")) {
            BadRequestException malformed = assertThrows(BadRequestException.class,
                    () -> client.invoke(InferenceRequest.json("{nope")));
            assertEquals(400, malformed.statusCode().orElseThrow());
            assertEquals("MalformedRequest", malformed.errorType());
            assertFalse(malformed.retryable());

            BadRequestException accept = assertThrows(BadRequestException.class, () -> client.invoke(
                    InferenceRequest.builder().body("{\"x\": 1}").contentType("application/json")
                            .accept("image/png").build()));
            assertEquals(406, accept.statusCode().orElseThrow());
            assertEquals("UnsupportedAccept", accept.errorType());
        }
    }

    @Test
    void invoke_whenTheModelRaises_isAModelErrorWithThePythonErrorAndTheLogStream() {
        try (InferenceClient client = deployer.client("scorer")) {
            ModelErrorException e = assertThrows(ModelErrorException.class,
                    () -> client.invoke(InferenceRequest.json("{\"fail\": \"this\"}")));
            assertEquals("ValueError", e.errorType());
            assertTrue(e.errorMessage().contains("the model cannot score this"), e.errorMessage());
            assertEquals(500, e.statusCode().orElseThrow());
            assertTrue(e.logReference().orElseThrow().contains("/aws/sagemaker/Endpoints/"), e.getMessage());
        }
    }
}
