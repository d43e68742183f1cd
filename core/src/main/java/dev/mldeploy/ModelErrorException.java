package dev.mldeploy;

import java.util.Optional;

/**
 * The model's own Python code raised an exception while handling the request. Whatever the target, this carries
 * the Python error type (for example {@code ValueError}) and its message.
 */
public class ModelErrorException extends InvocationException {
    private static final long serialVersionUID = 1L;
    private final String errorType;
    private final String errorMessage;
    private final String target;
    private final String logReference;

    public ModelErrorException(String target, String errorType, String errorMessage, int statusCode,
                               String logReference, Throwable cause) {
        super("model raised " + errorType + ": " + errorMessage + " (target " + target + ")",
                cause, statusCode, false);
        this.target = target;
        this.errorType = errorType;
        this.errorMessage = errorMessage;
        this.logReference = logReference;
    }

    /** The Python exception's type name, for example {@code ValueError}. */
    public String errorType() {
        return errorType;
    }

    /** The Python exception's message. */
    public String errorMessage() {
        return errorMessage;
    }

    /** The target that ran the model ({@code local}, {@code sagemaker}, {@code lambda}). */
    public String target() {
        return target;
    }

    /** Where the model's log is (a CloudWatch log stream ARN, a local log file), when known. */
    public Optional<String> logReference() {
        return Optional.ofNullable(logReference);
    }
}
