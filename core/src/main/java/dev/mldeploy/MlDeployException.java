package dev.mldeploy;

/**
 * Root of every exception mldeploy throws. Unchecked; subtypes say what a caller can act on.
 * AWS SDK exceptions appear only as causes.
 */
public class MlDeployException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean retryable;

    public MlDeployException(String message) {
        this(message, null, false);
    }

    public MlDeployException(String message, Throwable cause) {
        this(message, cause, false);
    }

    public MlDeployException(String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** Whether the same call may succeed if made again unchanged (throttling, a transient service error). */
    public boolean retryable() {
        return retryable;
    }
}
