package dev.mldeploy.sagemaker;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.InvalidSpecException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/** Bad input to the public packaging entry fails typed, saying what to change, before any S3 call. */
class SageMakerArtifactsTest {
    @TempDir
    Path dir;

    @Test
    void build_withoutClientOrWithBadLevel_failsSayingWhatToSet() {
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> SageMakerArtifacts.builder().build())
                .getMessage().contains("s3Client"));
        S3Client s3 = mock(S3Client.class);
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> SageMakerArtifacts.builder()
                .s3Client(s3).compressionLevel(10).build()).getMessage().contains("compression level 10"));
        verifyNoInteractions(s3);
    }

    @Test
    void upload_withBadBucketPrefixOrName_failsBeforeAnyS3Call() throws Exception {
        S3Client s3 = mock(S3Client.class);
        Path model = MotoResources.model(dir.resolve("m"), "w");
        try (SageMakerArtifacts artifacts = SageMakerArtifacts.builder().s3Client(s3).build()) {
            assertTrue(assertThrows(InvalidConfigurationException.class,
                    () -> artifacts.upload(model, "Bad_Bucket", "p", "m", false)).getMessage().contains("bucket"));
            assertTrue(assertThrows(InvalidConfigurationException.class,
                    () -> artifacts.upload(model, "models", "/p/", "m", false)).getMessage().contains("prefix"));
            assertThrows(InvalidSpecException.class, () -> artifacts.upload(model, "models", "p", "no_underscores",
                    false));
        }
        verifyNoInteractions(s3);
    }
}
