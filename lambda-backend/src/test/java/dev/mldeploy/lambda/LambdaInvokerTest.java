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
import dev.mldeploy.spi.Json;
import dev.mldeploy.lambda.internal.LambdaInvoker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

    private LambdaInvoker invoker(Duration timeout) {
        return new LambdaInvoker(lambda, "fn", timeout);
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
    void invoke_whenThrottled_leavesRetriesToTheSdk_andThrowsRetryableInvocationException() {
        when(lambda.invoke(any(InvokeRequest.class))).thenThrow(throttled("5"));
        InvocationException e = assertThrows(InvocationException.class,
                () -> invoker(Duration.ofSeconds(3)).invoke(InferenceRequest.json("{}")));
        assertFalse(e instanceof ModelErrorException);
        assertTrue(e.retryable());
        assertEquals(429, e.statusCode().orElseThrow());
        assertTrue(e.getMessage().contains("throttled"), e.getMessage());
        verify(lambda, times(1)).invoke(any(InvokeRequest.class));
    }

    @Test
    void invoke_boundsTheCallByTheTimeout_inOneAttempt() {
        when(lambda.invoke(any(InvokeRequest.class))).thenReturn(ok(LambdaFixtures.envelope("{}")));
        invoker(Duration.ofSeconds(40)).invoke(InferenceRequest.json("{}"));
        ArgumentCaptor<InvokeRequest> sent = ArgumentCaptor.forClass(InvokeRequest.class);
        verify(lambda).invoke(sent.capture());
        var o = sent.getValue().overrideConfiguration().orElseThrow();
        Duration call = o.apiCallTimeout().orElseThrow();
        Duration attempt = o.apiCallAttemptTimeout().orElseThrow();
        assertTrue(call.compareTo(Duration.ofSeconds(40)) <= 0 && call.compareTo(Duration.ofSeconds(30)) > 0,
                call.toString());
        assertEquals(call, attempt, "one attempt may take it all: a slow model is not cut short and run again");
    }

    @Test
    void invoke_whenTheSdkRunsOutOfTime_throwsOperationTimeout() {
        when(lambda.invoke(any(InvokeRequest.class))).thenThrow(
                software.amazon.awssdk.core.exception.ApiCallTimeoutException.create(3000));
        dev.mldeploy.OperationTimeoutException e = assertThrows(dev.mldeploy.OperationTimeoutException.class,
                () -> invoker(Duration.ofSeconds(3)).invoke(InferenceRequest.json("{}")));
        assertTrue(e.getMessage().contains("--timeout"), e.getMessage());
    }

    @Test
    void invoke_whenNoCredentials_throwsInvalidConfigurationSayingHowToGiveThem() {
        when(lambda.invoke(any(InvokeRequest.class))).thenThrow(software.amazon.awssdk.core.exception
                .SdkClientException.create("Unable to load credentials from any of the providers in the chain"));
        dev.mldeploy.InvalidConfigurationException e = assertThrows(dev.mldeploy.InvalidConfigurationException.class,
                () -> invoker(Duration.ofSeconds(3)).invoke(InferenceRequest.json("{}")));
        assertTrue(e.getMessage().contains("AWS_ACCESS_KEY_ID") && !e.getMessage().contains("\n"), e.getMessage());
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
    void maxRequestBytes_isSixMegabytesLessBase64Growth_theFigurePlacementReports() {
        assertEquals((6L * 1024 * 1024 - 1024) / 4 * 3, invoker(Duration.ofSeconds(1)).maxRequestBytes());
        assertEquals(4_717_824L, invoker(Duration.ofSeconds(1)).maxRequestBytes());
        assertEquals(dev.mldeploy.placement.LambdaLimits.MAX_SYNC_RAW_PAYLOAD_BYTES,
                invoker(Duration.ofSeconds(1)).maxRequestBytes());
    }

    @Test
    void invoke_atTheBodyLimit_sendsAnEnvelopeWithinSixMegabytes_andOneByteMoreIsRefusedBeforeAnyCall() {
        when(lambda.invoke(any(InvokeRequest.class))).thenReturn(ok(LambdaFixtures.envelope("{}")));
        int max = (int) invoker(Duration.ofSeconds(1)).maxRequestBytes();
        String longType = "application/x-" + "a".repeat(400);
        invoker(Duration.ofSeconds(5)).invoke(InferenceRequest.builder().body(new byte[max]).contentType(longType)
                .accept("application/x-" + "b".repeat(400)).build());
        ArgumentCaptor<InvokeRequest> sent = ArgumentCaptor.forClass(InvokeRequest.class);
        verify(lambda).invoke(sent.capture());
        assertTrue(sent.getValue().payload().asByteArrayUnsafe().length <= 6 * 1024 * 1024,
                "payload " + sent.getValue().payload().asByteArrayUnsafe().length);

        org.mockito.Mockito.clearInvocations(lambda);
        PayloadTooLargeException e = assertThrows(PayloadTooLargeException.class,
                () -> invoker(Duration.ofSeconds(5)).invoke(InferenceRequest.of(new byte[max + 1], longType)));
        assertEquals(max, e.limitBytes());
        assertEquals(max + 1L, e.sizeBytes());
        org.mockito.Mockito.verifyNoInteractions(lambda);
    }
}
