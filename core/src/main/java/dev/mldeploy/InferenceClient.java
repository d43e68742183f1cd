package dev.mldeploy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Invokes one deployed model, whatever its target. Thread-safe: share one instance across threads.
 * {@link #close()} releases its connections and threads.
 *
 * <p>A body over the target's limit is rejected with {@link PayloadTooLargeException} before anything is sent.
 * An exception raised by the model's Python code arrives as {@link ModelErrorException}; a request the model's
 * server refused before the model ran (malformed body, unsupported content type or accept: HTTP 400, 415, 406) as
 * {@link BadRequestException}; any other failure as {@link InvocationException}.
 */
public interface InferenceClient extends AutoCloseable {

    /** The deployment this client invokes. */
    String deploymentName();

    /** The target that serves it. */
    String target();

    /** The largest request body the target accepts, in bytes. */
    long maxRequestBytes();

    /** Sends {@code request} and waits for the answer. */
    InferenceResponse invoke(InferenceRequest request);

    /** Sends {@code request} without blocking the caller. */
    CompletableFuture<InferenceResponse> invokeAsync(InferenceRequest request);

    /** Sends a JSON document and returns the JSON answer as a string. */
    default String invokeJson(String json) {
        return invoke(InferenceRequest.json(json)).bodyAsString();
    }

    /** Sends {@code body} as {@code text/plain; charset=utf-8} and returns the answer decoded as UTF-8. */
    default String invokeText(String body) {
        return invoke(InferenceRequest.builder().body(body.getBytes(StandardCharsets.UTF_8))
                .contentType("text/plain; charset=utf-8").accept("*/*").build()).bodyAsString();
    }

    @Override
    void close();
}
