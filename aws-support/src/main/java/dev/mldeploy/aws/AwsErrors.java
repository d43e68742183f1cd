package dev.mldeploy.aws;

import dev.mldeploy.ConflictException;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.OperationTimeoutException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The translation of AWS SDK exceptions into mldeploy's typed ones that every AWS service shares (the AWS one
 * stays the cause): timeouts, missing credentials or region, access refused, conflicts (409, a refused revision),
 * throttling and server errors (retryable). A backend adds its service's own codes in a thin layer on top.
 * Stateless.
 */
public final class AwsErrors {
    private static final Set<String> NOT_FOUND = Set.of("ResourceNotFound", "ResourceNotFoundException", "NoSuchKey",
            "NoSuchBucket", "NoSuchUpload", "NotFound", "NoSuchEntity");
    private static final Set<String> CONFLICT = Set.of("ResourceConflictException", "EntityAlreadyExists",
            "ConflictException", "PreconditionFailed", "PreconditionFailedException");
    private static final Set<String> DENIED = Set.of("UnrecognizedClientException", "InvalidClientTokenId",
            "ExpiredToken", "ExpiredTokenException", "SignatureDoesNotMatch", "InvalidAccessKeyId");

    private AwsErrors() {
    }

    /** The AWS error code, or "" when {@code e} carries none. */
    public static String code(Throwable e) {
        return e instanceof AwsServiceException ase && ase.awsErrorDetails() != null
                && ase.awsErrorDetails().errorCode() != null ? ase.awsErrorDetails().errorCode() : "";
    }

    /** The AWS error message without the SDK's request-id suffix, else the exception's message. */
    public static String message(Throwable e) {
        if (e instanceof AwsServiceException ase && ase.awsErrorDetails() != null
                && ase.awsErrorDetails().errorMessage() != null) {
            return ase.awsErrorDetails().errorMessage();
        }
        return String.valueOf(e.getMessage());
    }

    private static int status(Throwable e) {
        return e instanceof AwsServiceException ase ? ase.statusCode() : 0;
    }

    /** A 404 or a not-found code of any service (NoSuchKey, NoSuchBucket, ResourceNotFoundException, ...). */
    public static boolean isNotFound(Throwable e) {
        return e instanceof AwsServiceException && (status(e) == 404 || NOT_FOUND.contains(code(e)));
    }

    /** A 409 or 412, or a conflict code: the name is taken, an update is in progress, a revision no longer holds. */
    public static boolean isConflict(Throwable e) {
        return e instanceof AwsServiceException && (status(e) == 409 || status(e) == 412
                || CONFLICT.contains(code(e)));
    }

    /** The SDK gave up because the call's or an attempt's time budget ran out (anywhere in the causes). */
    public static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** Throttling or a server-side error, or a client failure (connection): the same call may get past it later. */
    public static boolean isRetryable(Throwable e) {
        if (e instanceof AwsServiceException ase) {
            return ase.isThrottlingException() || ase.statusCode() >= 500;
        }
        return e instanceof SdkException sdk && (e instanceof SdkClientException || sdk.retryable());
    }

    /** AWS refused the credentials or their permissions. */
    public static boolean isAccessDenied(Throwable e) {
        return e instanceof AwsServiceException && (status(e) == 403 || code(e).startsWith("AccessDenied")
                || DENIED.contains(code(e)));
    }

    /**
     * The configuration error for the SDK failing to find credentials or a region (nothing was sent), or null
     * when {@code e} is another failure.
     *
     * @param builder the target's builder, for the advice ("LambdaTarget.builder()")
     */
    public static InvalidConfigurationException missingConfiguration(Throwable e, String builder) {
        if (!(e instanceof SdkClientException) || e.getMessage() == null) {
            return null;
        }
        String m = e.getMessage();
        if (m.contains("Unable to load credentials") || m.contains("Unable to load AWS credentials")) {
            return new InvalidConfigurationException("no AWS credentials found; set " + AwsEnvironment.ACCESS_KEY_ID
                    + " and " + AwsEnvironment.SECRET_ACCESS_KEY + ", or " + AwsEnvironment.PROFILE + " with a "
                    + "profile in ~/.aws/credentials (or run 'aws configure'), or give " + builder
                    + ".credentialsProvider(...)", e);
        }
        if (m.contains("Unable to load region")) {
            return noRegion(builder, e);
        }
        return null;
    }

    /** The configuration error for no region anywhere. */
    public static InvalidConfigurationException noRegion(String builder, Throwable cause) {
        return new InvalidConfigurationException("no AWS region is configured; set " + AwsEnvironment.REGION
                + ", a region in ~/.aws/config, or " + builder + ".region(...)", cause);
    }

    /**
     * The mldeploy exception for a failed call: {@code action} says what was done ("create endpoint x",
     * "uploading s3://b/k"). An mldeploy exception passes through; timeouts become {@link OperationTimeoutException}
     * (with {@link CallBudget#current()}'s advice), missing credentials or region and refused access
     * {@link InvalidConfigurationException}, conflicts {@link ConflictException}, the rest
     * {@link DeploymentFailedException} (retryable when throttled, a server error, or a call that never got an
     * answer).
     */
    public static MlDeployException translate(String action, Throwable e, String builder) {
        if (e instanceof MlDeployException m) {
            return m;
        }
        if (isTimeout(e)) {
            return new OperationTimeoutException("timed out: " + action + " did not answer within the time left; "
                    + CallBudget.current().advice());
        }
        InvalidConfigurationException missing = missingConfiguration(e, builder);
        if (missing != null) {
            return missing;
        }
        if (e instanceof AwsServiceException ase) {
            String code = code(e);
            String what = (code.isEmpty() ? "" : code + ": ") + message(e) + " (HTTP " + ase.statusCode() + ")";
            if (isConflict(e)) {
                return new ConflictException(action + " was refused: another deploy of this name is running or "
                        + "changed it meanwhile (" + what + "); wait for it to finish, then retry", e);
            }
            if (code.equals("NoSuchBucket")) {
                return new InvalidConfigurationException(action + " failed: the bucket does not exist (" + what
                        + "); create it, or set createBucket(true) / " + AwsEnvironment.CREATE_BUCKET + "=true", e);
            }
            if (isAccessDenied(e)) {
                return new InvalidConfigurationException(action + " failed: AWS denied the call (" + what
                        + "); check the credentials and their IAM permissions", e);
            }
            return new DeploymentFailedException(action + " failed: " + what, e, isRetryable(e));
        }
        return new DeploymentFailedException(action + " failed: " + e.getMessage()
                + (e instanceof SdkClientException ? " (is the endpoint reachable?)" : ""), e, isRetryable(e));
    }
}
