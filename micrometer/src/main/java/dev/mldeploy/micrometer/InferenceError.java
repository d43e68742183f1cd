package dev.mldeploy.micrometer;

import dev.mldeploy.BadRequestException;
import dev.mldeploy.InvocationException;
import dev.mldeploy.ModelErrorException;
import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.PayloadTooLargeException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * What kind of failure an invocation ended in: the value of the {@code error} tag of
 * {@value MeteredInferenceClient#ERRORS}. A closed set, so the tag's values stay few whatever the exceptions say.
 * Immutable.
 */
public enum InferenceError {
    /** {@link BadRequestException}: the model's server refused the request before the model ran (4xx). */
    BAD_REQUEST,
    /** {@link ModelErrorException}: the model's Python code raised. */
    MODEL_ERROR,
    /** {@link PayloadTooLargeException}: refused by the client, over the target's limit; nothing was sent. */
    PAYLOAD_TOO_LARGE,
    /**
     * No answer in time: {@link OperationTimeoutException} (the SageMaker and Lambda invokers), or an
     * {@link InvocationException} caused by an HTTP, socket or {@link TimeoutException} timeout (the local target).
     */
    TIMEOUT,
    /** Any other {@link InvocationException}: the model or its service could not be reached or answered wrongly. */
    INVOCATION,
    /** Anything else: another {@link dev.mldeploy.MlDeployException} or an unexpected runtime exception. */
    OTHER;

    /** The tag value: the constant's name in lower case ({@code bad_request}, {@code model_error}, ...). */
    public String tagValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind of {@code failure}; subtypes are checked before the types they extend. */
    public static InferenceError of(Throwable failure) {
        if (failure instanceof BadRequestException) {
            return BAD_REQUEST;
        }
        if (failure instanceof ModelErrorException) {
            return MODEL_ERROR;
        }
        if (failure instanceof PayloadTooLargeException) {
            return PAYLOAD_TOO_LARGE;
        }
        if (failure instanceof OperationTimeoutException || causedByTimeout(failure)) {
            return TIMEOUT;
        }
        if (failure instanceof InvocationException) {
            return INVOCATION;
        }
        return OTHER;
    }

    /** Whether a timeout exception is in {@code failure}'s causes (the local target wraps its HTTP timeout). */
    private static boolean causedByTimeout(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure.getCause(); t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof HttpTimeoutException || t instanceof SocketTimeoutException
                    || t instanceof TimeoutException || t instanceof OperationTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
