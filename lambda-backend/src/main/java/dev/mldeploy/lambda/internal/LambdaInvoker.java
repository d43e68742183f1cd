package dev.mldeploy.lambda.internal;

import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.InvocationException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.ModelErrorException;
import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.PayloadTooLargeException;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.spi.Invoker;
import dev.mldeploy.spi.ModelErrorPayload;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.RequestTooLargeException;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/**
 * Invokes the alias {@value LambdaSettings#ALIAS} of one function (RequestResponse) with the {@link Envelope}, each
 * invocation bounded by {@code timeout} (every attempt and retry in it). Throttling is retried by the SDK's standard
 * retry mode, not here; a throttle that outlasts it becomes a retryable {@link InvocationException} (429). A function
 * error, Handled or Unhandled, becomes {@link ModelErrorException} with the Python type and message; anything else
 * {@link InvocationException}. Thread-safe.
 */
public final class LambdaInvoker implements Invoker {
    private final LambdaClient lambda;
    private final String function;
    private final Duration timeout;

    public LambdaInvoker(LambdaClient lambda, String function, Duration timeout) {
        this.lambda = lambda;
        this.function = function;
        this.timeout = timeout;
    }

    /** {@link Envelope#MAX_BODY_BYTES}: the largest body whose envelope fits Lambda's 6 MB. */
    @Override
    public long maxRequestBytes() {
        return Envelope.MAX_BODY_BYTES;
    }

    /** The bound on one invocation. */
    public Duration timeout() {
        return timeout;
    }

    @Override
    public InferenceResponse invoke(InferenceRequest request) {
        SdkBytes payload = SdkBytes.fromByteArrayUnsafe(Envelope.request(request));
        CallBudget budget = CallBudget.of(timeout, "invoking " + function + ":" + LambdaSettings.ALIAS);
        InvokeResponse r;
        try {
            r = lambda.invoke(b -> budget.onWhole(b).functionName(function).qualifier(LambdaSettings.ALIAS)
                    .invocationType(InvocationType.REQUEST_RESPONSE).payload(payload));
        } catch (TooManyRequestsException e) {
            throw new InvocationException("function " + function + " is throttled (" + LambdaErrors.message(e)
                    + ") beyond the SDK's retries; raise its concurrency (reserved or provisioned) or send fewer "
                    + "requests", e, 429, true);
        } catch (RequestTooLargeException e) {
            throw new PayloadTooLargeException(LambdaSettings.NAME, request.size(), Envelope.MAX_BODY_BYTES);
        } catch (MlDeployException e) {
            throw e;
        } catch (AwsServiceException e) {
            String hint = LambdaErrors.isNotFound(e) ? "; is it deployed? (mldeploy deploy --target lambda)" : "";
            throw new InvocationException("invoking " + function + ":" + LambdaSettings.ALIAS + " failed: "
                    + LambdaErrors.code(e) + ": " + LambdaErrors.message(e) + hint, e, e.statusCode(),
                    e.isThrottlingException() || e.statusCode() >= 500);
        } catch (SdkException e) {
            if (LambdaErrors.isTimeout(e)) {
                throw new OperationTimeoutException("invoking " + function + ":" + LambdaSettings.ALIAS + " got no "
                        + "answer within " + timeout.toMillis() / 1000.0 + " s; raise the timeout (--timeout, "
                        + "LambdaTarget.builder().callTimeout(...)) or check the network and the endpoint");
            }
            if (LambdaErrors.isMissingCredentials(e)) {
                throw LambdaErrors.missingCredentials(e);
            }
            throw new InvocationException("invoking " + function + " failed: " + e.getMessage(), e, -1,
                    e.retryable());
        }
        return answer(r);
    }

    private InferenceResponse answer(InvokeResponse r) {
        byte[] body = r.payload() == null ? new byte[0] : r.payload().asByteArray();
        if (r.functionError() != null) {
            throw ModelErrorPayload.parse(LambdaSettings.NAME, r.statusCode() == null ? 200 : r.statusCode(), body,
                    "/aws/lambda/" + function, null).orElseGet(() -> new ModelErrorException(LambdaSettings.NAME,
                    r.functionError(), new String(body, StandardCharsets.UTF_8), r.statusCode() == null ? 200
                    : r.statusCode(), "/aws/lambda/" + function, null));
        }
        return Envelope.response(body, function, r.executedVersion());
    }
}
