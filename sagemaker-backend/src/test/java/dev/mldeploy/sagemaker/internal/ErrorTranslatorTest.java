package dev.mldeploy.sagemaker.internal;

import static dev.mldeploy.sagemaker.internal.Fixtures.awsError;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.MlDeployException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

class ErrorTranslatorTest {
    @Test
    void isNotFound_recognisesSageMakersValidationExceptionForMissingResources() {
        assertTrue(ErrorTranslator.isNotFound(awsError(400, "ValidationException",
                "Could not find endpoint \"arn:aws:sagemaker:us-east-1:1:endpoint/x\".")));
        assertFalse(ErrorTranslator.isNotFound(awsError(400, "ValidationException",
                "Cannot create already existing endpoint")));
    }

    @Test
    void translate_quotaErrorSaysToRequestAnIncrease() {
        MlDeployException e = ErrorTranslator.translate("create endpoint m", awsError(400, "ResourceLimitExceeded",
                "limit is 0"));
        assertInstanceOf(DeploymentFailedException.class, e);
        assertTrue(e.getMessage().contains("quota increase"), e.getMessage());
        assertFalse(e.retryable());
    }

    @Test
    void translate_accessDeniedIsAConfigurationError() {
        assertInstanceOf(InvalidConfigurationException.class, ErrorTranslator.translate("create model m",
                awsError(400, "AccessDeniedException", "not authorized")));
    }

    @Test
    void translate_throttlingAndServerErrorsAreRetryable() {
        assertTrue(ErrorTranslator.translate("x", awsError(400, "ThrottlingException", "Rate exceeded")).retryable());
        assertTrue(ErrorTranslator.translate("x", awsError(500, "InternalFailure", "oops")).retryable());
        assertTrue(ErrorTranslator.translate("x", SdkClientException.create("connection refused")).retryable());
        assertFalse(ErrorTranslator.translate("x", awsError(400, "ValidationException", "bad")).retryable());
    }
}
