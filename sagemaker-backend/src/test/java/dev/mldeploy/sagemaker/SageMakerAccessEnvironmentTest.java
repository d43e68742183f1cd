package dev.mldeploy.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.aws.http.HttpAccess;
import dev.mldeploy.spi.TargetContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The environment keys of the created role and the front door, as the CLI passes them to the provider. */
class SageMakerAccessEnvironmentTest {
    @Test
    void targetFrom_readsCreateRoleAndHttp() {
        SageMakerTarget t = SageMakerTargetProvider.targetFrom(new TargetContext(Map.of(
                "MLDEPLOY_SAGEMAKER_CREATE_ROLE", "true", "MLDEPLOY_HTTP", "true", "MLDEPLOY_HTTP_AUTH", "api-key",
                "MLDEPLOY_HTTP_RATE", "3", "MLDEPLOY_HTTP_BURST", "6")));
        assertTrue(t.createRole());
        assertEquals(HttpAccess.apiKey(3, 6), t.http().orElseThrow());
        SageMakerTarget plain = SageMakerTargetProvider.targetFrom(new TargetContext(Map.of()));
        assertFalse(plain.createRole());
        assertTrue(plain.http().isEmpty());
    }

    @Test
    void targetFrom_refusesARoleArnWithCreateRole_andAnOpenFrontDoor() {
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> SageMakerTargetProvider.targetFrom(
                new TargetContext(Map.of("MLDEPLOY_SAGEMAKER_CREATE_ROLE", "true",
                        "MLDEPLOY_ROLE_ARN", "arn:aws:iam::123456789012:role/r")))).getMessage().contains("not both"));
        assertThrows(InvalidConfigurationException.class, () -> SageMakerTargetProvider.targetFrom(
                new TargetContext(Map.of("MLDEPLOY_HTTP", "true", "MLDEPLOY_HTTP_AUTH", "none"))));
    }
}
