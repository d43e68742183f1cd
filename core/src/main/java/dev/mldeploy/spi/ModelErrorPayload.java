package dev.mldeploy.spi;

import dev.mldeploy.ModelErrorException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The adapter's error body, {@code {"errorType": "ValueError", "errorMessage": "...", "stackTrace": [...]}}:
 * the same shape Lambda uses for a Python exception. Every backend turns it into {@link ModelErrorException}.
 */
public final class ModelErrorPayload {
    private ModelErrorPayload() {
    }

    /**
     * The exception for {@code body}, or empty when the body is not an adapter error.
     *
     * @param target       the target that answered
     * @param statusCode   the model's HTTP status (the container's, or 200 for a Lambda function error)
     * @param body         the error body
     * @param logReference where the model's log is, or null
     * @param cause        the underlying exception (an AWS one), or null
     */
    public static Optional<ModelErrorException> parse(String target, int statusCode, byte[] body, String logReference,
                                                      Throwable cause) {
        if (body == null || body.length == 0) {
            return Optional.empty();
        }
        Object parsed;
        try {
            parsed = Json.parse(new String(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (parsed instanceof Map<?, ?> map && map.get("errorType") instanceof String type) {
            Object message = map.get("errorMessage");
            return Optional.of(new ModelErrorException(target, type, message == null ? "" : message.toString(),
                    statusCode, logReference, cause));
        }
        return Optional.empty();
    }
}
