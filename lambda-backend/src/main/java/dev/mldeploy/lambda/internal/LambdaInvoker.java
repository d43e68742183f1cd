package dev.mldeploy.lambda.internal;

import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.InvocationException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.ModelErrorException;
import dev.mldeploy.PayloadTooLargeException;
import dev.mldeploy.lambda.LambdaTarget;
import dev.mldeploy.spi.Invoker;
import dev.mldeploy.spi.ModelErrorPayload;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.RequestTooLargeException;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/**
 * Invokes the alias {@value LambdaTarget#ALIAS} of one function (RequestResponse) with the {@link Envelope}.
 * A function error, Handled or Unhandled, becomes {@link ModelErrorException} with the Python type and message;
 * {@code TooManyRequestsException} is retried after its retry-after (or a doubling backoff) within a bounded time;
 * anything else becomes {@link InvocationException}. Thread-safe.
 */
public final class LambdaInvoker implements Invoker {
    private static final Logger LOG = LoggerFactory.getLogger(LambdaInvoker.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);

    /** How the invoker waits between throttled attempts (a test records instead of sleeping). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final LambdaClient lambda;
    private final String function;
    private final Duration throttleBound;
    private final Sleeper sleeper;

    public LambdaInvoker(LambdaClient lambda, String function, Duration throttleBound, Sleeper sleeper) {
        this.lambda = lambda;
        this.function = function;
        this.throttleBound = throttleBound;
        this.sleeper = sleeper;
    }

    public LambdaInvoker(LambdaClient lambda, String function, Duration throttleBound) {
        this(lambda, function, throttleBound, d -> Thread.sleep(d.toMillis()));
    }

    /** {@link Envelope#MAX_BODY_BYTES}: 6 MB less the envelope's base64 growth. */
    @Override
    public long maxRequestBytes() {
        return Envelope.MAX_BODY_BYTES;
    }

    @Override
    public InferenceResponse invoke(InferenceRequest request) {
        SdkBytes payload = SdkBytes.fromByteArrayUnsafe(Envelope.request(request));
        long start = System.nanoTime();
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            InvokeResponse r;
            try {
                r = lambda.invoke(b -> b.functionName(function).qualifier(LambdaTarget.ALIAS)
                        .invocationType(InvocationType.REQUEST_RESPONSE).payload(payload));
            } catch (TooManyRequestsException e) {
                Duration wait = retryAfter(e).orElse(backoff);
                Duration waited = Duration.ofNanos(System.nanoTime() - start);
                if (waited.plus(wait).compareTo(throttleBound) > 0) {
                    throw new InvocationException("function " + function + " is throttled (" + LambdaErrors.message(e)
                            + ") and stayed so for " + waited.toMillis() + " ms; raise its concurrency "
                            + "(reserved or provisioned) or send fewer requests", e, 429, true);
                }
                LOG.debug("{} throttled; retrying in {} ms", function, wait.toMillis());
                sleep(wait);
                backoff = backoff.multipliedBy(2);
                continue;
            } catch (RequestTooLargeException e) {
                throw new PayloadTooLargeException(LambdaTarget.NAME, payload.asByteArrayUnsafe().length,
                        LambdaLimits.PAYLOAD_BYTES);
            } catch (MlDeployException e) {
                throw e;
            } catch (AwsServiceException e) {
                String hint = LambdaErrors.isNotFound(e) ? "; is it deployed? (mldeploy deploy --target lambda)" : "";
                throw new InvocationException("invoking " + function + ":" + LambdaTarget.ALIAS + " failed: "
                        + LambdaErrors.code(e) + ": " + LambdaErrors.message(e) + hint, e, e.statusCode(),
                        e.isThrottlingException() || e.statusCode() >= 500);
            } catch (SdkException e) {
                throw new InvocationException("invoking " + function + " failed: " + e.getMessage(), e, -1,
                        e.retryable());
            }
            return answer(r);
        }
    }

    private InferenceResponse answer(InvokeResponse r) {
        byte[] body = r.payload() == null ? new byte[0] : r.payload().asByteArray();
        if (r.functionError() != null) {
            throw ModelErrorPayload.parse(LambdaTarget.NAME, r.statusCode() == null ? 200 : r.statusCode(), body,
                    "/aws/lambda/" + function, null).orElseGet(() -> new ModelErrorException(LambdaTarget.NAME,
                    r.functionError(), new String(body, StandardCharsets.UTF_8), r.statusCode() == null ? 200
                    : r.statusCode(), "/aws/lambda/" + function, null));
        }
        return Envelope.response(body, function, r.executedVersion());
    }

    private static java.util.Optional<Duration> retryAfter(TooManyRequestsException e) {
        String s = e.retryAfterSeconds();
        if (s == null || s.isBlank()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Duration.ofMillis((long) (Double.parseDouble(s.trim()) * 1000)));
        } catch (NumberFormatException ex) {
            return java.util.Optional.empty();
        }
    }

    private void sleep(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InvocationException("interrupted while waiting to retry a throttled invocation of " + function,
                    e);
        }
    }
}
