package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.ConflictException;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.OperationTimeoutException;
import java.util.Locale;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** Turns AWS SDK exceptions of the control plane into mldeploy's typed exceptions (the AWS one as cause). */
public final class ErrorTranslator {
    private ErrorTranslator() {
    }

    /** The AWS error code, or empty. */
    public static String code(AwsServiceException e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? ""
                : e.awsErrorDetails().errorCode();
    }

    /** The AWS error message, or the exception's. */
    public static String message(AwsServiceException e) {
        return e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                ? e.awsErrorDetails().errorMessage() : e.getMessage();
    }

    /** Whether {@code e} says the resource does not exist (SageMaker answers ValidationException "Could not find"). */
    public static boolean isNotFound(SdkException e) {
        if (!(e instanceof AwsServiceException ase)) {
            return false;
        }
        String code = code(ase);
        String msg = message(ase) == null ? "" : message(ase).toLowerCase(Locale.ROOT);
        return ase.statusCode() == 404 || code.equals("ResourceNotFound") || code.equals("NoSuchKey")
                || code.equals("NoSuchBucket") || code.equals("NoSuchUpload") || code.equals("NotFound")
                || (code.equals("ValidationException") && (msg.contains("could not find")
                || msg.contains("does not exist") || msg.contains("no scalable target")
                || msg.contains("no scaling policy")));
    }

    /** Whether {@code e} is throttling or a server-side error that the same call may get past later. */
    public static boolean isRetryable(SdkException e) {
        if (e instanceof SdkClientException) {
            return true;
        }
        if (e instanceof AwsServiceException ase) {
            return ase.isThrottlingException() || ase.statusCode() >= 500;
        }
        return e.retryable();
    }

    /** Whether {@code e} is the SDK giving up on a call that ran out of its apiCallTimeout or attempt timeout. */
    public static boolean isTimeout(Throwable e) {
        return e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException;
    }

    /**
     * The configuration error for the SDK failing to find credentials or a region, or null when {@code e} is
     * another failure.
     */
    public static InvalidConfigurationException missingConfiguration(SdkException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (!(e instanceof SdkClientException)) {
            return null;
        }
        if (m.contains("Unable to load credentials") || m.contains("Unable to load AWS credentials")) {
            return new InvalidConfigurationException("no AWS credentials found; set AWS_ACCESS_KEY_ID and "
                    + "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with a profile in ~/.aws/credentials, or give "
                    + "SageMakerTarget.builder().credentialsProvider(...)", e);
        }
        if (m.contains("Unable to load region")) {
            return new InvalidConfigurationException("no AWS region is configured; set AWS_REGION, a region in "
                    + "~/.aws/config, or SageMakerTarget.builder().region(...)", e);
        }
        return null;
    }

    /** Whether {@code e} is SageMaker refusing a call because another operation holds the endpoint. */
    public static boolean isConflict(SdkException e) {
        if (!(e instanceof AwsServiceException ase) || !code(ase).equals("ValidationException")) {
            return false;
        }
        String msg = message(ase) == null ? "" : message(ase).toLowerCase(Locale.ROOT);
        return msg.contains("already existing endpoint") || msg.contains("in-progress endpoint")
                || msg.contains("update in progress");
    }

    /** The mldeploy exception for a failed {@code action} ("create endpoint x"). */
    public static MlDeployException translate(String action, SdkException e) {
        if (isTimeout(e)) {
            return new OperationTimeoutException("timed out: " + action + " did not answer within the time left; "
                    + CallBudget.current().advice());
        }
        InvalidConfigurationException missing = missingConfiguration(e);
        if (missing != null) {
            return missing;
        }
        if (isConflict(e)) {
            return new ConflictException("cannot " + action + ": another deploy of this endpoint is running ("
                    + message((AwsServiceException) e) + "); retry after it finishes", e);
        }
        if (e instanceof AwsServiceException ase) {
            String code = code(ase);
            String msg = message(ase);
            if (code.equals("ResourceLimitExceeded")) {
                return new DeploymentFailedException("cannot " + action + ": SageMaker quota reached (" + msg
                        + "); request a quota increase in Service Quotas or choose another instance type", e, false);
            }
            if (code.startsWith("AccessDenied") || code.equals("UnrecognizedClientException")
                    || code.equals("InvalidClientTokenId") || code.equals("ExpiredToken")
                    || ase.statusCode() == 403) {
                return new InvalidConfigurationException("cannot " + action + ": AWS denied the call (" + code
                        + ": " + msg + "); check the credentials and their IAM permissions", e);
            }
            if (code.equals("NoSuchBucket")) {
                return new InvalidConfigurationException("cannot " + action + ": the bucket does not exist (" + msg
                        + "); create it or set createBucket(true) / MLDEPLOY_CREATE_BUCKET=true", e);
            }
            return new DeploymentFailedException("cannot " + action + ": " + (code.isEmpty() ? "" : code + ": ")
                    + msg + " (HTTP " + ase.statusCode() + ")", e, isRetryable(e));
        }
        return new MlDeployException("cannot " + action + ": " + e.getMessage()
                + (e instanceof SdkClientException ? " (is the endpoint reachable?)" : ""), e, isRetryable(e));
    }
}
