package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.InvocationException;
import dev.mldeploy.ModelErrorException;
import dev.mldeploy.PayloadTooLargeException;
import dev.mldeploy.internal.Json;
import dev.mldeploy.lambda.internal.LambdaInvoker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.RequestTooLargeException;
import software.amazon.awssdk.services.lambda.model.ServiceException;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/** The invoker with a mocked client: envelope, function errors, throttling, other errors, the size rule. */
class LambdaInvokerTest {
    final LambdaClient lambda = MockLambda.lambda();
    final List<Duration> sleeps = new ArrayList<>();

    private LambdaInvoker invoker(Duration throttleBound) {
        return new LambdaInvoker(lambda, "fn", throttleBound, sleeps::add);
    }

    private static InvokeResponse ok(String payload) {
        return InvokeResponse.builder().statusCode(200).executedVersion("7")
                .payload(SdkBytes.fromString(payload, StandardCharsets.UTF_8)).build();
    }

    private static TooManyRequestsException throttled(String retryAfter) {
        return (TooManyRequestsException) TooManyRequestsException.builder().statusCode(429)
                .retryAfterSeconds(retryAfter).awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("TooManyRequestsException").errorMessage("Rate exceeded").build()).build();
    }

    @Test
    void invoke_callsTheAliasSynchronously_withTheEnvelope() {
        when(lambda.invoke(any(InvokeRequest.class))).thenReturn(ok(LambdaFixtures.envelope("{\"a\": 1}")));
        InferenceResponse r = invoker(Duration.ofSeconds(1)).invoke(InferenceRequest.json("{\"x\": 2}"));

        assertEquals("{\"a\": 1}", r.bodyAsString());
        assertEquals("application/json", r.contentType());
        assertEquals("7", r.variant().orElseThrow());
        ArgumentCaptor<InvokeRequest> req = ArgumentCaptor.forClass(InvokeRequest.class);
        verify(lambda).invoke(req.capture());
        assertEquals("live", req.getValue().qualifier());
        assertEquals("RequestResponse", req.getValue().invocationTypeAsString());
        Map<String, Object> event = Json.parseObject(req.getValue().payload().asUtf8String());
        assertEquals(Map.of("body", "{\"x\": 2}", "isBase64Encoded", false, "contentType", "application/json",
                "accept", "application/json"), event);
    }

    @Test
    void invoke_whenFunctionErrorHandled_throwsModelErrorWithPythonTypeAndMessage() {
        when(lambda.invoke(any(InvokeRequest.class))).thenReturn(ok("{\"errorType\": \"KeyError\", "
                + "\"errorMessage\": \"'text'\", \"stackTrace\": [\"  File inference.py\"]}").toBuilder()
                .functionError("Handled").build());
        ModelErrorException e = assertThrows(ModelErrorException.class,
                () -> invoker(Duration.ofSeconds(1)).invoke(InferenceRequest.json("{}")));
        assertEquals("KeyError", e.errorType());
        assertEquals("'text'", e.errorMessage());
        assertEquals("/aws/lambda/fn", e.logReference().orElseThrow());
    }

    @Test
    void invoke_whenFunctionErrorUnhandled_throwsModelError() {
        when(lambda.invoke(any(InvokeRequest.class))).thenReturn(ok("{\"errorType\": \"Runtime.ExitError\", "
                + "\"errorMessage\": \"signal: killed\"}").toBuilder().functionError("Unhandled").build());
        ModelErrorException e = assertThrows(ModelErrorException.class,
                () -> invoker(Duration.ofSeconds(1)).invoke(InferenceRequest.json("{}")));
        assertEquals("Runtime.ExitError", e.errorType());
        assertEquals("signal: killed", e.errorMessage());
    }

    @Test
    void invoke_whenFunctionErrorBodyIsNotJson_usesTheFunctionErrorAsType() {
        when(lambda.invoke(any(InvokeRequest.class))).thenReturn(ok("Task timed out after 10.00 seconds")
                .toBuilder().functionError("Unhandled").build());
        ModelErrorException e = assertThrows(ModelErrorException.class,
                () -> invoker(Duration.ofSeconds(1)).invoke(InferenceRequest.json("{}")));
        assertEquals("Unhandled", e.errorType());
        assertTrue(e.errorMessage().contains("timed out"), e.errorMessage());
    }

    @Test
    void invoke_whenThrottled_retriesHonouringRetryAfter() {
        when(lambda.invoke(any(InvokeRequest.class))).thenThrow(throttled("2")).thenThrow(throttled(null))
                .thenReturn(ok(LambdaFixtures.envelope("{}")));
        assertEquals("{}", invoker(Duration.ofSeconds(30)).invoke(InferenceRequest.json("{}")).bodyAsString());
        verify(lambda, times(3)).invoke(any(InvokeRequest.class));
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofMillis(200)), sleeps,
                "the retry-after first, then the doubling backoff");
    }

    @Test
    void invoke_whenThrottledBeyondTheBound_throwsRetryableInvocationException() {
        when(lambda.invoke(any(InvokeRequest.class))).thenThrow(throttled("5"));
        InvocationException e = assertThrows(InvocationException.class,
                () -> invoker(Duration.ofSeconds(3)).invoke(InferenceRequest.json("{}")));
        assertFalse(e instanceof ModelErrorException);
        assertTrue(e.retryable());
        assertEquals(429, e.statusCode().orElseThrow());
        assertTrue(e.getMessage().contains("throttled"), e.getMessage());
        assertEquals(List.of(), sleeps, "a retry-after beyond the bound is not waited for");
    }

    @Test
    void invoke_whenServiceFails_throwsInvocationExceptionWithStatus() {
        when(lambda.invoke(any(InvokeRequest.class))).thenThrow(ServiceException.builder().statusCode(500)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ServiceException").errorMessage("oops").build())
                .build());
        InvocationException e = assertThrows(InvocationException.class,
                () -> invoker(Duration.ofSeconds(1)).invoke(InferenceRequest.json("{}")));
        assertFalse(e instanceof ModelErrorException);
        assertEquals(500, e.statusCode().orElseThrow());
        assertTrue(e.retryable());
    }

    @Test
    void invoke_whenLambdaSaysTooLarge_throwsPayloadTooLarge() {
        when(lambda.invoke(any(InvokeRequest.class))).thenThrow(RequestTooLargeException.builder().statusCode(413)
                .message("too large").build());
        assertThrows(PayloadTooLargeException.class,
                () -> invoker(Duration.ofSeconds(1)).invoke(InferenceRequest.json("{}")));
    }

    @Test
    void invoke_binaryAnswer_isDecoded() {
        when(lambda.invoke(any(InvokeRequest.class))).thenReturn(ok("{\"statusCode\": 200, \"body\": \"AAEC\", "
                + "\"isBase64Encoded\": true, \"contentType\": \"image/png\"}"));
        InferenceResponse r = invoker(Duration.ofSeconds(1)).invoke(InferenceRequest.json("{}"));
        assertArrayEquals(new byte[] {0, 1, 2}, r.body());
        assertEquals("image/png", r.contentType());
    }

    @Test
    void maxRequestBytes_isSixMegabytesLessBase64Growth() {
        assertEquals((6L * 1024 * 1024 - 1024) / 4 * 3, invoker(Duration.ZERO).maxRequestBytes());
        assertEquals(4_717_824L, invoker(Duration.ZERO).maxRequestBytes());
    }
}
