package dev.mldeploy.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;

/**
 * Every call and wait ends by the caller's timeout, against a server that accepts connections and never answers
 * (the SDK's own defaults would wait minutes). Wall-clock bounds here are generous: they tell a bounded call
 * from the SDK's default behaviour, not one millisecond from another.
 */
@ExtendWith(AwsEndpointExtension.class)
class SageMakerTimeoutIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    /** Far below what an unbounded call takes against a silent server (over 90 s), far above 3 s. */
    private static final Duration GENEROUS = Duration.ofSeconds(30);
    private static final StaticCredentialsProvider TEST_KEYS = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("test", "test"));

    @TempDir
    Path tmp;
    private SilentServer silent;
    private ModelDeployer deployer;
    private ModelSpec spec;

    @BeforeEach
    void setUp() throws Exception {
        spec = ModelSpec.builder("slow").source(MotoResources.model(tmp.resolve("m"), "v1")).build();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (deployer != null) {
            deployer.close();
        }
        if (silent != null) {
            silent.close();
        }
    }

    private SageMakerTarget.Builder silentTarget() {
        return SageMakerTarget.builder().endpointOverride(silent.endpoint()).region("us-east-1")
                .credentialsProvider(TEST_KEYS).roleArn(MotoResources.ROLE).bucket(MotoResources.BUCKET)
                .image("123456789012.dkr.ecr.us-east-1.amazonaws.com/mldeploy-serve:it").instanceType("ml.m5.large");
    }

    private ModelDeployer deployer(SageMakerTarget target) {
        deployer = ModelDeployer.builder().discoverProviders(false).provider(SageMakerTargetProvider.of(target)).defaultTarget("sagemaker")
                .environment(Map.of()).build();
        return deployer;
    }

    private static OperationTimeoutException timesOutWithinBound(Executable call) {
        long start = System.nanoTime();
        OperationTimeoutException e = assertThrows(OperationTimeoutException.class, call);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(GENEROUS) < 0, "took " + took + ": " + e.getMessage());
        return e;
    }

    @Test
    void deploy_againstAnEndpointThatNeverAnswers_failsWithOperationTimeoutByTheTimeout() throws Exception {
        silent = new SilentServer(false);
        ModelDeployer d = deployer(silentTarget().build());

        OperationTimeoutException e = timesOutWithinBound(() -> d.deploy(spec, o -> o.timeout(TIMEOUT)));

        assertTrue(e.getMessage().contains("--timeout"), e.getMessage());
        assertTrue(!silent.requestLines().isEmpty(), "the request reached the silent server");
    }

    @Test
    void deploy_whenTheArtifactUploadNeverAnswers_failsWithOperationTimeoutByTheTimeout(AwsEndpoint aws)
            throws Exception {
        aws.assumeSupports("sagemaker");
        silent = new SilentServer(true);
        try (MotoResources moto = new MotoResources(aws);
             S3Client silentS3 = S3Client.builder().endpointOverride(silent.endpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(TEST_KEYS).forcePathStyle(true).build()) {
            ModelDeployer d = deployer(moto.target().s3Client(silentS3).build());

            OperationTimeoutException e = timesOutWithinBound(() -> d.deploy(spec, o -> o.timeout(TIMEOUT)));

            assertTrue(silent.requestLines().stream().anyMatch(l -> l.startsWith("PUT ")), silent.requestLines()
                    + ": " + e.getMessage());
            assertEquals(java.util.List.of(), moto.models(), "nothing was created after the upload timed out");
        }
    }

    @Test
    void describeAndList_againstAnEndpointThatNeverAnswers_failWithOperationTimeoutByTheCallTimeout()
            throws Exception {
        silent = new SilentServer(false);
        ModelDeployer d = deployer(silentTarget().callTimeout(TIMEOUT).build());

        timesOutWithinBound(() -> d.describe("slow"));
        timesOutWithinBound(d::list);
    }

    @Test
    void undeploy_againstAnEndpointThatNeverAnswers_failsWithOperationTimeoutByTheTargetTimeout() throws Exception {
        silent = new SilentServer(false);
        ModelDeployer d = deployer(silentTarget().timeout(TIMEOUT).build());

        timesOutWithinBound(() -> d.undeploy("slow"));
    }

    @Test
    void invoke_whenTheEndpointNeverAnswers_failsWithOperationTimeoutByTheCallTimeout(AwsEndpoint aws)
            throws Exception {
        aws.assumeSupports("sagemaker");
        silent = new SilentServer(false);
        try (MotoResources moto = new MotoResources(aws);
             SageMakerRuntimeClient silentRuntime = SageMakerRuntimeClient.builder().endpointOverride(silent.endpoint())
                     .region(Region.US_EAST_1).credentialsProvider(TEST_KEYS).build()) {
            ModelDeployer d = deployer(moto.target().runtimeClient(silentRuntime).callTimeout(TIMEOUT).build());
            d.deploy(spec);

            try (InferenceClient client = d.client("slow")) {
                OperationTimeoutException e = timesOutWithinBound(() -> client.invoke(InferenceRequest.json("{}")));
                assertTrue(e.getMessage().contains("MLDEPLOY_CALL_TIMEOUT"), e.getMessage());
            }
            d.undeploy("slow");
        }
    }
}
