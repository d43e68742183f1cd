package dev.mldeploy;

/** Another operation on the same deployment is in progress; retry after it finishes. */
public class ConflictException extends MlDeployException {
    public ConflictException(String message) {
        super(message);
    }

    public ConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
