package dev.mldeploy.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The public packaging entry (used by the upload benchmark) against moto: uploads once, then finds its artifact. */
@ExtendWith(AwsEndpointExtension.class)
class SageMakerArtifactsIT {
    @TempDir
    Path dir;
    private MotoResources moto;

    @BeforeEach
    void setUp(AwsEndpoint aws) {
        moto = new MotoResources(aws);
        moto.s3.createBucket(r -> r.bucket(MotoResources.BUCKET));
    }

    @AfterEach
    void tearDown() {
        moto.close();
    }

    @Test
    void upload_twice_uploadsTheArchiveOnce_whereADeployLooks() throws Exception {
        Path model = MotoResources.model(dir.resolve("m"), "weights v1");
        try (SageMakerArtifacts artifacts = SageMakerArtifacts.builder().s3Client(moto.s3).build()) {
            SageMakerArtifacts.Upload first = artifacts.upload(model, MotoResources.BUCKET, "stage", "m", false);
            assertTrue(first.uploaded());
            assertTrue(first.bytes() > 0);
            assertTrue(first.s3Uri().startsWith("s3://" + MotoResources.BUCKET + "/stage/m/"), first.s3Uri());
            assertTrue(first.s3Uri().endsWith("/model.tar.gz"), first.s3Uri());
            String key = first.s3Uri().substring(("s3://" + MotoResources.BUCKET + "/").length());
            assertEquals(first.bytes(), moto.s3.headObject(r -> r.bucket(MotoResources.BUCKET).key(key))
                    .contentLength());

            SageMakerArtifacts.Upload again = artifacts.upload(model, MotoResources.BUCKET, "stage", "m", false);
            assertFalse(again.uploaded());
            assertEquals(0, again.bytes());
            assertEquals(first.s3Uri(), again.s3Uri());
        }
    }

    @Test
    void upload_uncompressed_putsTheFilesUnderAPrefix() throws Exception {
        Path model = MotoResources.model(dir.resolve("m"), "weights v1");
        try (SageMakerArtifacts artifacts = SageMakerArtifacts.builder().s3Client(moto.s3).build()) {
            SageMakerArtifacts.Upload up = artifacts.upload(model, MotoResources.BUCKET, "stage", "flat", true);
            assertTrue(up.uploaded());
            assertTrue(up.s3Uri().endsWith("/"), up.s3Uri());
            String prefix = up.s3Uri().substring(("s3://" + MotoResources.BUCKET + "/").length());
            assertTrue(moto.s3.listObjectsV2(r -> r.bucket(MotoResources.BUCKET).prefix(prefix)).contents()
                    .stream().anyMatch(o -> o.key().endsWith("inference.py")));
        }
    }
}
