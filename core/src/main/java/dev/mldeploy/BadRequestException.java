package dev.mldeploy;

/**
 * The model's server refused the request as sent, before the model saw it: a body its decoder cannot read
 * (malformed JSON: HTTP 400), a content type no decoder handles (415) or an accept no encoder writes (406). Unlike
 * {@link ModelErrorException} the model did not fail: change the request (its body, {@code Content-Type} or
 * {@code Accept}), or give the model an {@code input_fn} / {@code output_fn} for that type. Not retryable.
 */
public class BadRequestException extends InvocationException {
    private static final long serialVersionUID = 1L;
    private final String target;
    private final String errorType;
    private final String reason;

    public BadRequestException(String target, int statusCode, String errorType, String reason, Throwable cause) {
        super("the model server refused the request (HTTP " + statusCode + " " + errorType + "): " + reason
                + " (target " + target + ")", cause, statusCode, false);
        this.target = target;
        this.errorType = errorType;
        this.reason = reason;
    }

    /** The target that answered ({@code local}, {@code sagemaker}, {@code lambda}). */
    public String target() {
        return target;
    }

    /** What was wrong: {@code MalformedRequest}, {@code UnsupportedContentType}, {@code UnsupportedAccept}, ... */
    public String errorType() {
        return errorType;
    }

    /** The server's reason, naming what it supports. */
    public String reason() {
        return reason;
    }
}
