package dev.mldeploy.aws;

import static dev.mldeploy.aws.SdkMocks.awsError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.ConflictException;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.OperationTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

class AwsErrorsTest {
    private static final String BUILDER = "FooTarget.builder()";

    @Test
    void translate_whenTheSdkRanOutOfTime_isAnOperationTimeoutWithTheBudgetsAdvice() {
        try (CallBudget.Scope s = CallBudget.open(CallBudget.perCall(Duration.ofSeconds(1), "raise --call-x"))) {
            MlDeployException e = AwsErrors.translate("describe x", ApiCallTimeoutException.create(1000), BUILDER);
            assertInstanceOf(OperationTimeoutException.class, e);
            assertTrue(e.getMessage().contains("describe x") && e.getMessage().contains("raise --call-x"),
                    e.getMessage());
        }
        SdkClientException wrapped = SdkClientException.builder().message("x")
                .cause(ApiCallAttemptTimeoutException.create(500)).build();
        assertInstanceOf(OperationTimeoutException.class, AwsErrors.translate("describe x", wrapped, BUILDER));
    }

    @Test
    void translate_whenNoCredentialsOrRegionAreFound_isAConfigurationErrorNamingTheKeysAndTheBuilder() {
        MlDeployException creds = AwsErrors.translate("create x", SdkClientException.create("Unable to load "
                + "credentials from any of the providers in the chain AwsCredentialsProviderChain(...)"), BUILDER);
        assertInstanceOf(InvalidConfigurationException.class, creds);
        assertTrue(creds.getMessage().contains("AWS_ACCESS_KEY_ID") && creds.getMessage().contains("AWS_PROFILE")
                && creds.getMessage().contains(BUILDER + ".credentialsProvider"), creds.getMessage());
        assertFalse(creds.getMessage().contains("AwsCredentialsProviderChain"), creds.getMessage());

        MlDeployException region = AwsErrors.translate("create x", SdkClientException.create("Unable to load region "
                + "from any of the providers in the chain"), BUILDER);
        assertInstanceOf(InvalidConfigurationException.class, region);
        assertTrue(region.getMessage().contains("AWS_REGION"), region.getMessage());
    }

    @Test
    void translate_when409Or412_isAConflict() {
        assertInstanceOf(ConflictException.class, AwsErrors.translate("create function f",
                awsError(409, "ResourceConflictException", "Function already exist: f"), BUILDER));
        assertInstanceOf(ConflictException.class, AwsErrors.translate("update function f",
                awsError(412, "PreconditionFailedException", "The Revision Id provided does not match"), BUILDER));
    }

    @Test
    void translate_whenThrottledOrAServerErrorOrUnreachable_isRetryable() {
        assertTrue(AwsErrors.translate("x", awsError(429, "TooManyRequestsException", "Rate exceeded"), BUILDER)
                .retryable());
        assertTrue(AwsErrors.translate("x", awsError(400, "ThrottlingException", "Rate exceeded"), BUILDER)
                .retryable());
        assertTrue(AwsErrors.translate("x", awsError(503, "ServiceUnavailable", "later"), BUILDER).retryable());
        assertTrue(AwsErrors.translate("x", SdkClientException.create("Connection refused"), BUILDER).retryable());
        MlDeployException bad = AwsErrors.translate("x", awsError(400, "ValidationException", "bad"), BUILDER);
        assertInstanceOf(DeploymentFailedException.class, bad);
        assertFalse(bad.retryable());
    }

    @Test
    void translate_whenAccessIsDeniedOrTheBucketIsMissing_isAConfigurationError() {
        assertInstanceOf(InvalidConfigurationException.class, AwsErrors.translate("create model m",
                awsError(400, "AccessDeniedException", "not authorized"), BUILDER));
        assertInstanceOf(InvalidConfigurationException.class, AwsErrors.translate("put",
                awsError(403, "SignatureDoesNotMatch", "sig"), BUILDER));
        MlDeployException bucket = AwsErrors.translate("put", awsError(404, "NoSuchBucket", "gone"), BUILDER);
        assertInstanceOf(InvalidConfigurationException.class, bucket);
        assertTrue(bucket.getMessage().contains("MLDEPLOY_CREATE_BUCKET"), bucket.getMessage());
    }

    @Test
    void translate_whenAlreadyAnMlDeployException_passesItThrough() {
        InvalidSpecException spec = new InvalidSpecException("bad");
        assertSame(spec, AwsErrors.translate("x", spec, BUILDER));
    }

    @Test
    void isNotFound_recognisesEveryServicesMissingResource() {
        assertTrue(AwsErrors.isNotFound(awsError(404, "", "")));
        assertTrue(AwsErrors.isNotFound(awsError(400, "ResourceNotFoundException", "no function")));
        assertTrue(AwsErrors.isNotFound(awsError(404, "NoSuchEntity", "no role")));
        assertFalse(AwsErrors.isNotFound(awsError(400, "ValidationException", "bad")));
        assertFalse(AwsErrors.isNotFound(SdkClientException.create("Connection refused")));
    }

    @Test
    void codeAndMessage_comeFromTheErrorDetails() {
        assertEquals("NoSuchKey", AwsErrors.code(awsError(404, "NoSuchKey", "The key does not exist")));
        assertEquals("The key does not exist", AwsErrors.message(awsError(404, "NoSuchKey", "The key does not exist")));
        assertEquals("", AwsErrors.code(SdkClientException.create("x")));
        assertNull(AwsErrors.missingConfiguration(SdkClientException.create("Connection refused"), BUILDER));
    }
}
