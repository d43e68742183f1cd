package dev.mldeploy.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployResult;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;

/**
 * Faults in the middle of a deploy against the emulator, then a full inventory (S3 objects, incomplete multipart
 * uploads, models, configs, endpoints, scalable targets): what a failure leaves is what its message says, and
 * {@code undeploy NAME} removes all of it, even when no model, config or endpoint was ever created.
 */
@ExtendWith(AwsEndpointExtension.class)
class SageMakerCleanupIT {
    @TempDir
    Path tmp;
    private MotoResources moto;
    private ModelDeployer deployer;
    private ModelSpec spec;

    @BeforeEach
    void setUp(AwsEndpoint aws) throws Exception {
        aws.assumeSupports("sagemaker");
        moto = new MotoResources(aws);
        spec = ModelSpec.builder("orphans").source(MotoResources.model(tmp.resolve("m"), "v1")).build();
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

    private static SageMakerException sageMakerError(String code, String message) {
        return (SageMakerException) SageMakerException.builder().statusCode(400).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }

    private static S3Exception s3Error(String code, String message) {
        return (S3Exception) S3Exception.builder().statusCode(400).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }

    /** A model whose weights do not compress, large enough for a multipart upload of several parts. */
    private ModelSpec largeSpec() throws Exception {
        Path dir = MotoResources.model(tmp.resolve("large"), "v1");
        byte[] weights = new byte[36 * 1024 * 1024];
        new Random(7).nextBytes(weights);
        Files.write(dir.resolve("weights.bin"), weights);
        return ModelSpec.builder("orphans").source(dir).build();
    }

    @Test
    void deploy_whenCreateEndpointConfigIsRefused_removesTheModelAndTheArtifactAndARetrySucceeds() {
        ModelDeployer d = deployer(moto.target().build());
        moto.faults.failNext("CreateEndpointConfig", 1, () -> sageMakerError("ValidationException",
                "injected refusal of the endpoint config"));

        DeploymentFailedException e = assertThrows(DeploymentFailedException.class, () -> d.deploy(spec));

        assertTrue(e.getMessage().contains("injected refusal"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing is left"), e.getMessage());
        assertEquals(MotoResources.NOTHING, moto.everything());
        assertEquals(DeployResult.Change.CREATED, d.deploy(spec).change());
        assertTrue(d.undeploy("orphans"));
        assertEquals(MotoResources.NOTHING, moto.everything());
    }

    @Test
    void undeploy_afterARefusedConfigWhoseCleanupFailed_removesTheArtifactNoModelOrConfigPointsTo() {
        ModelDeployer d = deployer(moto.target().build());
        moto.faults.failNext("CreateEndpointConfig", 1, () -> sageMakerError("ValidationException", "refused"));
        moto.faults.failNext("DeleteObjects", 1, () -> s3Error("InvalidRequest", "injected: cannot delete now"));

        DeploymentFailedException e = assertThrows(DeploymentFailedException.class, () -> d.deploy(spec));

        assertTrue(e.getMessage().contains("left: artifact s3://" + MotoResources.BUCKET + "/mldeploy/orphans/"),
                e.getMessage());
        assertTrue(e.getMessage().contains("'undeploy orphans' removes them"), e.getMessage());
        assertEquals(List.of(), moto.models(), "the model was removed");
        assertEquals(1, moto.artifacts().size(), moto.artifacts().toString());

        assertTrue(d.undeploy("orphans"), "undeploy found the artifact by the name's prefix");

        assertEquals(MotoResources.NOTHING, moto.everything());
        assertEquals(DeployResult.Change.CREATED, d.deploy(spec).change());
    }

    @Test
    void deploy_whenAPartFailsMidUpload_abortsTheMultipartUploadAndLeavesNothing() throws Exception {
        ModelSpec large = largeSpec();
        ModelDeployer d = deployer(moto.target().build());
        moto.faults.failNext("UploadPart", 1, () -> s3Error("InvalidRequest", "injected part failure"));

        MlDeployException e = assertThrows(MlDeployException.class, () -> d.deploy(large));

        assertTrue(e.getMessage().contains("injected part failure"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing of the upload is left"), e.getMessage());
        assertTrue(moto.faults.count("CreateMultipartUpload") >= 1, moto.faults.calls().toString());
        assertEquals(1, moto.faults.count("AbortMultipartUpload"));
        assertEquals(MotoResources.NOTHING, moto.everything());
        assertEquals(DeployResult.Change.CREATED, d.deploy(large).change());
        assertTrue(d.undeploy("orphans"));
        assertEquals(MotoResources.NOTHING, moto.everything());
    }

    @Test
    void undeploy_afterAMidUploadFailureWhoseAbortFailed_abortsTheIncompleteUpload() throws Exception {
        ModelSpec large = largeSpec();
        ModelDeployer d = deployer(moto.target().build());
        moto.faults.failNext("UploadPart", 1, () -> s3Error("InvalidRequest", "injected part failure"));
        moto.faults.failNext("AbortMultipartUpload", 2, () -> s3Error("InvalidRequest", "injected abort failure"));

        MlDeployException e = assertThrows(MlDeployException.class, () -> d.deploy(large));

        assertTrue(e.getMessage().contains("could not be aborted; undeploy aborts it"), e.getMessage());
        assertFalse(e.getMessage().contains("nothing of the upload is left"), e.getMessage());
        assertEquals(1, moto.multipartUploads().size(), "the incomplete upload is left, as the message says");
        moto.faults.clear(); // S3 takes aborts again

        assertTrue(d.undeploy("orphans"), "undeploy found the incomplete upload under the name's prefix");

        assertEquals(MotoResources.NOTHING, moto.everything());
        assertEquals(DeployResult.Change.CREATED, d.deploy(large).change());
        assertTrue(d.undeploy("orphans"));
        assertEquals(MotoResources.NOTHING, moto.everything());
    }

    @Test
    void undeploy_ofANameWithNothingLeft_saysNothingWasRemoved() {
        ModelDeployer d = deployer(moto.target().build());
        assertFalse(d.undeploy("orphans"));
        assertEquals(MotoResources.NOTHING, moto.everything());
    }
}
