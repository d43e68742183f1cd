package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.InvocationException;
import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.PayloadTooLargeException;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.spi.Invoker;
import dev.mldeploy.spi.ModelErrorPayload;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointRequest;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException;

/**
 * Sends requests to one endpoint with {@code InvokeEndpoint}. Throttling and 5xx answers are retried by the
 * client's retry strategy (standard mode on clients the target builds). A {@code ModelError} (HTTP 424) whose
 * original message is the adapter's error body becomes {@link dev.mldeploy.ModelErrorException} with the
 * container's status and the log stream, or {@link dev.mldeploy.BadRequestException} when that status is 4xx (the
 * adapter refused the request: malformed body, unsupported content type or accept); other errors become {@link InvocationException} with the status.
 * Thread-safe. Not API.
 */
public final class SageMakerInvoker implements Invoker {
    private final SageMakerRuntimeClient runtime;
    private final String endpointName;
    private final long maxRequestBytes;
    private final CallBudget budget;

    public SageMakerInvoker(SageMakerRuntimeClient runtime, String endpointName, boolean serverless) {
        this(runtime, endpointName, serverless, CallBudget.unbounded());
    }

    /** @param budget how long one invocation may take, retries included */
    public SageMakerInvoker(SageMakerRuntimeClient runtime, String endpointName, boolean serverless,
                            CallBudget budget) {
        this.budget = budget;
        this.runtime = runtime;
        this.endpointName = endpointName;
        this.maxRequestBytes = serverless ? Limits.SERVERLESS_MAX_REQUEST_BYTES : Limits.REALTIME_MAX_REQUEST_BYTES;
    }

    @Override
    public InferenceResponse invoke(InferenceRequest request) {
        if (request.size() > maxRequestBytes) {
            throw new PayloadTooLargeException(SageMakerSettings.NAME, request.size(), maxRequestBytes);
        }
        InvokeEndpointRequest.Builder b = InvokeEndpointRequest.builder().endpointName(endpointName)
                .contentType(request.contentType()).accept(request.accept())
                .body(SdkBytes.fromByteArrayUnsafe(request.bodyUnsafe()));
        request.targetVariant().ifPresent(b::targetVariant);
        budget.on(b);
        InvokeEndpointResponse r;
        try {
            r = runtime.invokeEndpoint(b.build());
        } catch (ModelErrorException e) {
            throw translateModelError(e);
        } catch (AwsServiceException e) {
            throw new InvocationException("invoking sagemaker endpoint " + endpointName + " failed: "
                    + ErrorTranslator.code(e) + ": " + ErrorTranslator.message(e) + " (HTTP " + e.statusCode() + ")",
                    e, e.statusCode(), ErrorTranslator.isRetryable(e));
        } catch (SdkClientException e) {
            if (ErrorTranslator.isTimeout(e)) {
                throw new OperationTimeoutException("invoking sagemaker endpoint " + endpointName + " timed out: no "
                        + "answer within the call timeout; " + budget.advice());
            }
            InvalidConfigurationException missing = ErrorTranslator.missingConfiguration(e);
            if (missing != null) {
                throw missing;
            }
            throw new InvocationException("cannot reach sagemaker endpoint " + endpointName + ": " + e.getMessage(),
                    e, -1, true);
        } catch (SdkException e) {
            throw new InvocationException("invoking sagemaker endpoint " + endpointName + " failed: "
                    + e.getMessage(), e, -1, e.retryable());
        }
        byte[] body = r.body() == null ? new byte[0] : r.body().asByteArrayUnsafe();
        return new InferenceResponse(body, r.contentType(), SageMakerSettings.NAME, r.invokedProductionVariant(), null);
    }

    /** The typed exception for a ModelError: the adapter's error when the body is one, else the status. */
    static InvocationException translateModelError(ModelErrorException e) {
        int status = e.originalStatusCode() == null ? e.statusCode() : e.originalStatusCode();
        String original = e.originalMessage() == null ? "" : e.originalMessage();
        // a 4xx of the container with the adapter's body is a refused request (BadRequestException)
        return ModelErrorPayload.translate(SageMakerSettings.NAME, status, original.getBytes(StandardCharsets.UTF_8),
                        e.logStreamArn(), e)
                .orElseGet(() -> new InvocationException("the model container answered HTTP " + status
                        + " (ModelError" + (e.logStreamArn() == null ? "" : "; log stream " + e.logStreamArn())
                        + "): " + truncate(original), e, status, false));
    }

    private static String truncate(String s) {
        return s.length() <= 500 ? s : s.substring(0, 500) + "...";
    }

    @Override
    public long maxRequestBytes() {
        return maxRequestBytes;
    }
}
