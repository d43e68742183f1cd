package dev.mldeploy.spi;

import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;

/**
 * Sends one request to one deployment; what a backend implements behind {@link dev.mldeploy.InferenceClient}.
 * The core client checks the payload limit before calling and measures latency. Must be thread-safe.
 *
 * <p>Errors: a Python exception raised by the model becomes {@link dev.mldeploy.ModelErrorException} (see
 * {@link ModelErrorPayload}); the adapter's 4xx answer to a request it cannot decode or encode becomes
 * {@link dev.mldeploy.BadRequestException} ({@link ModelErrorPayload#translate}); anything else
 * {@link dev.mldeploy.InvocationException}.
 */
public interface Invoker extends AutoCloseable {

    InferenceResponse invoke(InferenceRequest request);

    /** The largest request body the deployment accepts, in bytes. */
    long maxRequestBytes();

    @Override
    default void close() {
    }
}
