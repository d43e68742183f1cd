package dev.mldeploy.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployResult;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelErrorException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.PayloadTooLargeException;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;

@ExtendWith(AwsEndpointExtension.class)
class SageMakerFailureIT {
    @TempDir
    Path tmp;
    private MotoResources moto;
    private ModelDeployer deployer;
    private ModelSpec spec;

    @BeforeEach
    void setUp(AwsEndpoint aws) throws Exception {
        aws.assumeSupports("sagemaker");
        moto = new MotoResources(aws);
        spec = ModelSpec.builder("fragile").source(MotoResources.model(tmp.resolve("m"), "v1")).build();
    }

    @AfterEach
    void tearDown() {
        if (deployer != null) {
            deployer.close();
        }
        moto.close();
    }

    private ModelDeployer deployer(SageMakerTarget target) {
        deployer = ModelDeployer.builder().discoverProviders(false).provider(SageMakerTargetProvider.of(target)).defaultTarget("sagemaker")
                .environment(Map.of()).build();
        return deployer;
    }

    private static SageMakerException sageMakerError(int status, String code, String message) {
        return (SageMakerException) SageMakerException.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }

    private void assertNothingCreated() {
        assertEquals(List.of(), moto.endpoints());
        assertEquals(List.of(), moto.endpointConfigs());
        assertEquals(List.of(), moto.models());
    }

    @Test
    void deploy_whenCreateEndpointFailsMidway_removesTheModelAndConfigAndARetrySucceeds() {
        ModelDeployer d = deployer(moto.target().build());
        moto.faults.failNext("CreateEndpoint", 1, () -> sageMakerError(400, "ValidationException",
                "Cannot create endpoint: injected failure"));

        DeploymentFailedException e = assertThrows(DeploymentFailedException.class, () -> d.deploy(spec));

        assertTrue(e.getMessage().contains("injected failure"), e.getMessage());
        assertTrue(moto.faults.calls().containsAll(List.of("CreateModel", "CreateEndpointConfig", "DeleteModel",
                "DeleteEndpointConfig")), moto.faults.calls().toString());
        assertNothingCreated();
        assertEquals(DeployResult.Change.CREATED, d.deploy(spec).change());
        assertEquals(List.of("fragile"), moto.endpoints());
    }

    @Test
    void deploy_whenCreateModelIsThrottled_retriesAndSucceeds() {
        ModelDeployer d = deployer(moto.target().build());
        moto.faults.failNext("CreateModel", 2, () -> sageMakerError(400, "ThrottlingException", "Rate exceeded"));

        assertEquals(DeployResult.Change.CREATED, d.deploy(spec).change());

        assertEquals(3, moto.faults.attempts("CreateModel"));
        assertEquals(1, moto.faults.count("CreateModel"));
        assertEquals(1, moto.models().size());
    }

    @Test
    void invoke_whenTheModelRaises_throwsModelErrorWithThePythonError() {
        ModelDeployer d = deployer(moto.target().build());
        d.deploy(spec);
        moto.faults.failNext("InvokeEndpoint", 1, () ->
                (RuntimeException) software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException
                        .builder().statusCode(424).originalStatusCode(500)
                        .originalMessage("{\"errorType\": \"KeyError\", \"errorMessage\": \"'text'\"}")
                        .logStreamArn("arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/fragile")
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ModelError")
                                .errorMessage("Received server error (500) from primary").build()).build());

        try (InferenceClient client = d.client("fragile")) {
            ModelErrorException e = assertThrows(ModelErrorException.class,
                    () -> client.invoke(InferenceRequest.json("{}")));
            assertEquals("KeyError", e.errorType());
            assertEquals("'text'", e.errorMessage());
            assertEquals(500, e.statusCode().orElseThrow());
            assertTrue(e.logReference().orElseThrow().endsWith("/aws/sagemaker/Endpoints/fragile"));
        }
        assertEquals(1, moto.faults.attempts("InvokeEndpoint"), "a model error is not retried");
    }

    @Test
    void invoke_withAnOversizedPayload_failsBeforeSendingAnything() {
        ModelDeployer d = deployer(moto.target().build());
        d.deploy(spec);
        moto.faults.clear();

        try (InferenceClient client = d.client("fragile")) {
            assertThrows(PayloadTooLargeException.class, () -> client.invoke(InferenceRequest.of(
                    new byte[6 * 1024 * 1024 + 1], "application/octet-stream")));
        }
        assertEquals(0, moto.faults.count("InvokeEndpoint"));
    }

    @Test
    void build_withABadRoleArn_failsBeforeAnyResourceIsCreated() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> moto.target().roleArn("arn:aws:iam::123:role/short-account").build());
        assertTrue(e.getMessage().contains("12-digit account id"), e.getMessage());
        assertEquals(List.of(), moto.faults.calls());
        assertNothingCreated();
        assertFalse(moto.bucketExists());
    }

    @Test
    void deploy_withAMissingBucket_failsBeforeAnyResourceIsCreated() {
        ModelDeployer d = deployer(moto.target().createBucket(false).build());

        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> d.deploy(spec));

        assertTrue(e.getMessage().contains(MotoResources.BUCKET) && e.getMessage().contains("createBucket"),
                e.getMessage());
        assertEquals(List.of("HeadBucket"), moto.faults.calls());
        assertNothingCreated();
        assertFalse(moto.bucketExists());
    }

    @Test
    void deploy_withoutAnImageAndAnUnknownPrebuiltVersion_failsBeforeAnyCallListingTheKnownVersions() {
        SageMakerTarget.Builder b = moto.target();
        // without an image the model goes onto AWS's prebuilt sklearn image (CPU model); 0.20.0 is not in the table
        SageMakerTarget noImage = SageMakerTarget.builder().endpointOverride(moto.aws.endpoint())
                .region(moto.aws.region()).credentialsProvider(moto.aws.credentialsProvider())
                .clientOverride(o -> o.addExecutionInterceptor(moto.faults)).roleArn(MotoResources.ROLE)
                .bucket(MotoResources.BUCKET).createBucket(true).frameworkVersion("0.20.0").build();
        ModelDeployer d = deployer(noImage);

        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> d.deploy(spec));

        assertTrue(e.getMessage().startsWith("sklearn version '0.20.0' is not one mldeploy knows")
                && e.getMessage().contains("known sklearn versions: 0.23-1, 1.0-1, 1.2-1, 1.4-2-py312"),
                e.getMessage());
        assertEquals(List.of(), moto.faults.calls());
        assertFalse(moto.bucketExists());
        assertTrue(b.build().image().isPresent());
    }
}
