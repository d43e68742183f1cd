package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.ConflictException;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.aws.AwsErrors;
import java.util.Locale;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * SageMaker's own error codes on top of {@link AwsErrors} (which translates what every service shares):
 * SageMaker answers a missing resource and a concurrent create or update with a {@code ValidationException} whose
 * message says which, and a quota with {@code ResourceLimitExceeded}.
 */
public final class ErrorTranslator {
    private ErrorTranslator() {
    }

    /** The AWS error code, or empty. */
    public static String code(AwsServiceException e) {
        return AwsErrors.code(e);
    }

    /** The AWS error message, or the exception's. */
    public static String message(AwsServiceException e) {
        return AwsErrors.message(e);
    }

    /** Whether {@code e} says the resource does not exist (SageMaker answers ValidationException "Could not find"). */
    public static boolean isNotFound(SdkException e) {
        if (AwsErrors.isNotFound(e)) {
            return true;
        }
        String msg = validationMessage(e);
        return msg.contains("could not find") || msg.contains("does not exist") || msg.contains("no scalable target")
                || msg.contains("no scaling policy");
    }

    /** Whether {@code e} is throttling or a server-side error that the same call may get past later. */
    public static boolean isRetryable(SdkException e) {
        return AwsErrors.isRetryable(e);
    }

    /** Whether {@code e} is the SDK giving up on a call that ran out of its apiCallTimeout or attempt timeout. */
    public static boolean isTimeout(Throwable e) {
        return AwsErrors.isTimeout(e);
    }

    /** The configuration error for the SDK failing to find credentials or a region, or null. */
    public static InvalidConfigurationException missingConfiguration(SdkException e) {
        return AwsErrors.missingConfiguration(e, AwsClients.BUILDER);
    }

    /** Whether {@code e} is SageMaker refusing a call because another operation holds the endpoint. */
    public static boolean isConflict(SdkException e) {
        String msg = validationMessage(e);
        return msg.contains("already existing endpoint") || msg.contains("in-progress endpoint")
                || msg.contains("update in progress");
    }

    private static String validationMessage(SdkException e) {
        return e instanceof AwsServiceException && AwsErrors.code(e).equals("ValidationException")
                ? AwsErrors.message(e).toLowerCase(Locale.ROOT) : "";
    }

    /** The mldeploy exception for a failed {@code action} ("create endpoint x"). */
    public static MlDeployException translate(String action, SdkException e) {
        if (isConflict(e)) {
            return new ConflictException("cannot " + action + ": another deploy of this endpoint is running ("
                    + AwsErrors.message(e) + "); retry after it finishes", e);
        }
        if (AwsErrors.code(e).equals("ResourceLimitExceeded")) {
            return new DeploymentFailedException("cannot " + action + ": SageMaker quota reached ("
                    + AwsErrors.message(e) + "); request a quota increase in Service Quotas or choose another "
                    + "instance type", e, false);
        }
        return AwsErrors.translate(action, e, AwsClients.BUILDER);
    }
}
