package dev.mldeploy.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.spi.TargetContext;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The environment keys of {@code --image build} and {@code --base-image}, as the CLI sets them. */
class SageMakerImageBuildProviderTest {
    @Test
    void targetFrom_whenImageIsBuild_buildsTheImageOnTheGivenBase() {
        SageMakerTarget t = SageMakerTargetProvider.targetFrom(new TargetContext(Map.of("MLDEPLOY_IMAGE", "build",
                "MLDEPLOY_BASE_IMAGE", "127.0.0.1:5000/base:1")));
        assertTrue(t.buildImage());
        assertEquals(Optional.empty(), t.image());
        assertEquals(Optional.of("127.0.0.1:5000/base:1"), t.baseImage());
    }

    @Test
    void targetFrom_whenImageIsAUri_usesIt() {
        SageMakerTarget t = SageMakerTargetProvider.targetFrom(new TargetContext(Map.of("MLDEPLOY_IMAGE",
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1")));
        assertFalse(t.buildImage());
        assertEquals(Optional.of("123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1"), t.image());
    }
}
