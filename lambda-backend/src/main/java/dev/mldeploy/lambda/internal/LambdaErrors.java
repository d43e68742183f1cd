package dev.mldeploy.lambda.internal;

import dev.mldeploy.ConflictException;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.OperationTimeoutException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.PreconditionFailedException;

/** Turns AWS SDK exceptions into mldeploy's, keeping the AWS error as the cause. Stateless. */
public final class LambdaErrors {
    /** What a conflict message says, so a caller knows to wait and retry. */
    static final String ANOTHER_DEPLOY = "another deploy of this name is running (or ran meanwhile)";

    private LambdaErrors() {
    }

    /** Lambda's answer while a new role has not propagated yet. */
    public static boolean isRoleNotAssumable(Throwable e) {
        return e instanceof InvalidParameterValueException ipv && ipv.getMessage() != null
                && ipv.getMessage().contains("cannot be assumed");
    }

    /** A 404 from any service (ResourceNotFound, NoSuchEntity, NoSuchKey, ...). */
    public static boolean isNotFound(Throwable e) {
        return e instanceof AwsServiceException ase && (ase.statusCode() == 404
                || "ResourceNotFoundException".equals(code(ase)) || "NoSuchEntity".equals(code(ase)));
    }

    /** Lambda refused a RevisionId or CodeSha256 that no longer matches: someone changed the function meanwhile. */
    public static boolean isPreconditionFailed(Throwable e) {
        return e instanceof PreconditionFailedException
                || e instanceof AwsServiceException ase && "PreconditionFailedException".equals(code(ase))
                || e instanceof InvalidParameterValueException ipv && ipv.getMessage() != null
                && ipv.getMessage().contains("CodeSha256");
    }

    /** A 409: the name is taken (CreateFunction, CreateAlias) or an update is in progress. */
    public static boolean isConflict(Throwable e) {
        return e instanceof AwsServiceException ase && (ase.statusCode() == 409
                || "ResourceConflictException".equals(code(ase)) || "EntityAlreadyExists".equals(code(ase)));
    }

    /** The SDK gave up because the call's or an attempt's time budget ran out. */
    public static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** The SDK found no credentials in any provider of its chain (no request was sent). */
    public static boolean isMissingCredentials(Throwable e) {
        return e instanceof SdkClientException && e.getMessage() != null
                && e.getMessage().contains("Unable to load credentials");
    }

    /** The one-line message for missing credentials. */
    public static InvalidConfigurationException missingCredentials(Throwable cause) {
        return new InvalidConfigurationException("no AWS credentials for the lambda target: set AWS_ACCESS_KEY_ID "
                + "and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE, or run 'aws configure'), or pass "
                + "LambdaTarget.builder().credentialsProvider(...)", cause);
    }

    /** The AWS error code, or the exception's simple name. */
    public static String code(Throwable e) {
        if (e instanceof AwsServiceException ase && ase.awsErrorDetails() != null
                && ase.awsErrorDetails().errorCode() != null) {
            return ase.awsErrorDetails().errorCode();
        }
        return e.getClass().getSimpleName();
    }

    /** The AWS error message without the SDK's request-id suffix. */
    public static String message(Throwable e) {
        if (e instanceof AwsServiceException ase && ase.awsErrorDetails() != null
                && ase.awsErrorDetails().errorMessage() != null) {
            return ase.awsErrorDetails().errorMessage();
        }
        return String.valueOf(e.getMessage());
    }

    /** The conflict a deploy reports when it finds another deploy changed the function under it. */
    public static ConflictException conflict(String name, String what, Throwable cause) {
        return new ConflictException(ANOTHER_DEPLOY + ": " + what + " of function " + name + " changed while this "
                + "deploy ran, so it stopped without applying its spec; wait for the other deploy, then deploy again",
                cause);
    }

    /**
     * A call failed: {@code doing} is a phrase ("creating function x"). Timeouts become
     * {@link OperationTimeoutException}, missing credentials {@link InvalidConfigurationException}, refused
     * revisions {@link ConflictException}, the rest {@link DeploymentFailedException}.
     */
    public static MlDeployException failed(String doing, RuntimeException e) {
        if (e instanceof MlDeployException m) {
            return m;
        }
        if (isTimeout(e)) {
            return new OperationTimeoutException("timed out " + doing + ": AWS did not answer within the time "
                    + "left; raise the timeout (DeployOptions.timeout, --timeout) or check the network and endpoint");
        }
        if (isMissingCredentials(e)) {
            return missingCredentials(e);
        }
        if (isPreconditionFailed(e)) {
            return new ConflictException(ANOTHER_DEPLOY + ": Lambda refused " + doing + " because the function "
                    + "changed since this deploy read it; wait for the other deploy, then deploy again", e);
        }
        boolean retryable = e instanceof SdkException sdk && sdk.retryable()
                || e instanceof AwsServiceException ase && (ase.isThrottlingException() || ase.statusCode() >= 500);
        return new DeploymentFailedException(doing + " failed: " + code(e) + ": " + message(e), e, retryable);
    }
}
