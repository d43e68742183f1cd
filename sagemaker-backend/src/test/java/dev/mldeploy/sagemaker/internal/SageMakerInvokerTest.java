package dev.mldeploy.sagemaker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.sun.net.httpserver.HttpServer;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.InvocationException;
import dev.mldeploy.PayloadTooLargeException;
import dev.mldeploy.sagemaker.SageMakerTarget;
import dev.mldeploy.spi.TargetContext;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointRequest;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;

class SageMakerInvokerTest {
    private final SageMakerRuntimeClient runtime = Fixtures.sdkMock(SageMakerRuntimeClient.class);

    private static software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException modelError(
            String originalMessage) {
        return (software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException)
                software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException.builder().statusCode(424).originalStatusCode(500).originalMessage(originalMessage)
                .logStreamArn("arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/m")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ModelError").errorMessage("Received server error "
                        + "(500) from primary").build()).build();
    }

    @Test
    void invoke_sendsContentTypeAcceptAndVariant_andReportsTheInvokedVariant() {
        when(runtime.invokeEndpoint(any(InvokeEndpointRequest.class))).thenReturn(InvokeEndpointResponse.builder()
                .body(SdkBytes.fromUtf8String("{\"label\":\"positive\"}")).contentType("application/json")
                .invokedProductionVariant("b").build());
        SageMakerInvoker invoker = new SageMakerInvoker(runtime, "m", false);

        InferenceResponse r = invoker.invoke(InferenceRequest.builder().body("a,b").contentType("text/csv")
                .accept("application/json").targetVariant("b").build());

        assertEquals("{\"label\":\"positive\"}", r.bodyAsString());
        assertEquals("b", r.variant().orElseThrow());
        assertEquals("sagemaker", r.target());
        verify(runtime).invokeEndpoint(org.mockito.ArgumentMatchers.<InvokeEndpointRequest>argThat(q ->
                q.endpointName().equals("m") && q.contentType().equals("text/csv")
                        && q.accept().equals("application/json") && q.targetVariant().equals("b")));
    }

    @Test
    void maxRequestBytes_isSixMbRealTimeAndFourMbServerless() {
        assertEquals(6L * 1024 * 1024, new SageMakerInvoker(runtime, "m", false).maxRequestBytes());
        assertEquals(4L * 1024 * 1024, new SageMakerInvoker(runtime, "m", true).maxRequestBytes());
    }

    @Test
    void invoke_overTheLimit_failsBeforeSending() {
        SageMakerInvoker invoker = new SageMakerInvoker(runtime, "m", true);
        PayloadTooLargeException e = assertThrows(PayloadTooLargeException.class, () ->
                invoker.invoke(InferenceRequest.of(new byte[4 * 1024 * 1024 + 1], "application/octet-stream")));
        assertEquals(4L * 1024 * 1024, e.limitBytes());
        verify(runtime, never()).invokeEndpoint(any(InvokeEndpointRequest.class));
    }

    @Test
    void invoke_whenModelRaises_becomesModelErrorWithPythonTypeStatusAndLogStream() {
        when(runtime.invokeEndpoint(any(InvokeEndpointRequest.class))).thenThrow(modelError(
                "{\"errorType\": \"ValueError\", \"errorMessage\": \"text is empty\", \"stackTrace\": []}"));
        SageMakerInvoker invoker = new SageMakerInvoker(runtime, "m", false);

        dev.mldeploy.ModelErrorException e = assertThrows(dev.mldeploy.ModelErrorException.class,
                () -> invoker.invoke(InferenceRequest.json("{}")));

        assertEquals("ValueError", e.errorType());
        assertEquals("text is empty", e.errorMessage());
        assertEquals(500, e.statusCode().orElseThrow());
        assertTrue(e.logReference().orElseThrow().contains("/aws/sagemaker/Endpoints/m"));
        assertInstanceOf(software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException.class, e.getCause());
    }

    @Test
    void invoke_whenTheContainerRefusesTheRequestWith4xx_becomesBadRequestNotAModelError() {
        when(runtime.invokeEndpoint(any(InvokeEndpointRequest.class))).thenThrow(
                ((software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException.Builder)
                        modelError("{\"errorType\": \"MalformedRequest\", \"errorMessage\": \"the request body "
                                + "is not valid JSON\", \"statusCode\": 400}").toBuilder()).originalStatusCode(400)
                        .build());
        dev.mldeploy.BadRequestException e = assertThrows(dev.mldeploy.BadRequestException.class,
                () -> new SageMakerInvoker(runtime, "m", false).invoke(InferenceRequest.json("{nope")));
        assertEquals(400, e.statusCode().orElseThrow());
        assertEquals("MalformedRequest", e.errorType());
        assertEquals("sagemaker", e.target());
        assertInstanceOf(software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException.class, e.getCause());
    }

    @Test
    void invoke_whenModelErrorIsNotTheAdapters_becomesInvocationErrorWithTheStatus() {
        when(runtime.invokeEndpoint(any(InvokeEndpointRequest.class))).thenThrow(modelError("<html>bad gateway</html>"));
        InvocationException e = assertThrows(InvocationException.class,
                () -> new SageMakerInvoker(runtime, "m", false).invoke(InferenceRequest.json("{}")));
        assertFalse(e instanceof dev.mldeploy.ModelErrorException);
        assertEquals(500, e.statusCode().orElseThrow());
        assertTrue(e.getMessage().contains("bad gateway"), e.getMessage());
    }

    @Test
    void invoke_whenServiceRejects_becomesInvocationErrorWithStatusAndRetryability() {
        when(runtime.invokeEndpoint(any(InvokeEndpointRequest.class))).thenThrow(
                software.amazon.awssdk.services.sagemakerruntime.model.ServiceUnavailableException.builder()
                        .statusCode(503).awsErrorDetails(AwsErrorDetails.builder().errorCode("ServiceUnavailable")
                                .errorMessage("busy").build()).build());
        InvocationException e = assertThrows(InvocationException.class,
                () -> new SageMakerInvoker(runtime, "m", false).invoke(InferenceRequest.json("{}")));
        assertEquals(503, e.statusCode().orElseThrow());
        assertTrue(e.retryable());
    }

    /** The runtime client the target builds retries throttling (standard mode) without the caller seeing it. */
    @Test
    void invoke_throughBuiltClient_retriesThrottlingAndServerErrors() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            int n = calls.incrementAndGet();
            byte[] body;
            if (n == 1) {
                body = "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}".getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("x-amzn-ErrorType", "ThrottlingException");
                ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
                ex.sendResponseHeaders(400, body.length);
            } else if (n == 2) {
                body = "{\"__type\":\"InternalFailure\",\"message\":\"oops\"}".getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("x-amzn-ErrorType", "InternalFailure");
                ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
                ex.sendResponseHeaders(500, body.length);
            } else {
                body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.getResponseHeaders().add("x-Amzn-Invoked-Production-Variant", "AllTraffic");
                ex.sendResponseHeaders(200, body.length);
            }
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try (AwsClients clients = AwsClients.create(Fixtures.settings(SageMakerTarget.builder().region("us-east-1")
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort())).build()),
                new TargetContext(Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test")))) {
            InferenceResponse r = new SageMakerInvoker(clients.runtime(), "m", false)
                    .invoke(InferenceRequest.json("{}"));
            assertEquals("{\"ok\":true}", r.bodyAsString());
            assertEquals("AllTraffic", r.variant().orElseThrow());
            assertEquals(3, calls.get());
        } finally {
            server.stop(0);
        }
    }
}
