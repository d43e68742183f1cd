package dev.mldeploy.sagemaker.internal;

import static dev.mldeploy.sagemaker.internal.Fixtures.awsError;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.ConflictException;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.OperationTimeoutException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
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

    @Test
    void translate_missingCredentialsIsAConfigurationErrorSayingHowToProvideThem() {
        MlDeployException e = ErrorTranslator.translate("check bucket b", SdkClientException.create("Unable to load "
                + "credentials from any of the providers in the chain AwsCredentialsProviderChain(credentialsProviders="
                + "[SystemPropertyCredentialsProvider(), EnvironmentVariableCredentialsProvider()]) : [...]"));
        assertInstanceOf(InvalidConfigurationException.class, e);
        assertTrue(e.getMessage().contains("AWS_ACCESS_KEY_ID") && e.getMessage().contains("AWS_PROFILE"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertFalse(e.getMessage().contains("SystemPropertyCredentialsProvider"), e.getMessage());
    }

    @Test
    void translate_missingRegionIsAConfigurationError() {
        assertInstanceOf(InvalidConfigurationException.class, ErrorTranslator.translate("x",
                SdkClientException.create("Unable to load region from any of the providers in the chain")));
    }

    @Test
    void translate_anSdkCallTimeoutIsAnOperationTimeout() {
        assertInstanceOf(OperationTimeoutException.class, ErrorTranslator.translate("describe endpoint m",
                ApiCallTimeoutException.create(3000)));
        assertInstanceOf(OperationTimeoutException.class, ErrorTranslator.translate("describe endpoint m",
                ApiCallAttemptTimeoutException.create(1500)));
    }

    @Test
    void translate_sageMakersRefusalsOfAConcurrentCreateOrUpdateAreConflicts() {
        assertInstanceOf(ConflictException.class, ErrorTranslator.translate("create endpoint m", awsError(400,
                "ValidationException", "Cannot create already existing endpoint \"arn:aws:sagemaker:us-east-1:1:endpoint/m\".")));
        assertInstanceOf(ConflictException.class, ErrorTranslator.translate("update endpoint m", awsError(400,
                "ValidationException", "Cannot update in-progress endpoint \"arn:aws:sagemaker:us-east-1:1:endpoint/m\".")));
        assertInstanceOf(DeploymentFailedException.class, ErrorTranslator.translate("create endpoint m",
                awsError(400, "ValidationException", "Invalid instance type")));
    }
}
