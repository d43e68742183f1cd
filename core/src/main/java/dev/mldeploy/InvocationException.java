package dev.mldeploy;

import java.util.OptionalInt;

/** An invocation failed: the request could not be sent, or the target answered with an error. */
public class InvocationException extends MlDeployException {
    private static final long serialVersionUID = 1L;
    private final int statusCode;

    public InvocationException(String message) {
        this(message, null, -1, false);
    }

    public InvocationException(String message, Throwable cause) {
        this(message, cause, -1, false);
    }

    public InvocationException(String message, Throwable cause, int statusCode, boolean retryable) {
        super(message, cause, retryable);
        this.statusCode = statusCode;
    }

    /** The HTTP status the model or the service answered with, when there was one. */
    public OptionalInt statusCode() {
        return statusCode < 0 ? OptionalInt.empty() : OptionalInt.of(statusCode);
    }
}
