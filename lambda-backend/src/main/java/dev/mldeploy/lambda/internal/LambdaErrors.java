package dev.mldeploy.lambda.internal;

import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.MlDeployException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;

/** Turns AWS SDK exceptions into mldeploy's, keeping the AWS error as the cause. Stateless. */
public final class LambdaErrors {
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

    /** A deploy step failed: {@code doing} is a phrase ("creating function x"). */
    public static MlDeployException failed(String doing, RuntimeException e) {
        if (e instanceof MlDeployException m) {
            return m;
        }
        boolean retryable = e instanceof SdkException sdk && sdk.retryable()
                || e instanceof AwsServiceException ase && (ase.isThrottlingException() || ase.statusCode() >= 500);
        return new DeploymentFailedException(doing + " failed: " + code(e) + ": " + message(e), e, retryable);
    }
}
