package dev.mldeploy;

/**
 * A deploy or undeploy failed after it started. The message carries the target's own reason (SageMaker's
 * FailureReason, the tail of a local model's stderr, ...). What that deploy created has been removed, or left
 * reusable, so that a retry can succeed.
 */
public class DeploymentFailedException extends MlDeployException {
    private static final long serialVersionUID = 1L;

    public DeploymentFailedException(String message) {
        super(message);
    }

    public DeploymentFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    public DeploymentFailedException(String message, Throwable cause, boolean retryable) {
        super(message, cause, retryable);
    }
}
