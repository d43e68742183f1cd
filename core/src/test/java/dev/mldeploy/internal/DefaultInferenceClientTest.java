package dev.mldeploy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.InvocationException;
import dev.mldeploy.ModelErrorException;
import dev.mldeploy.PayloadTooLargeException;
import dev.mldeploy.spi.Invoker;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DefaultInferenceClientTest {
    private static final long LIMIT = 100;

    private final Invoker invoker = mock(Invoker.class);
    private final AtomicInteger closed = new AtomicInteger();

    private DefaultInferenceClient client() {
        when(invoker.maxRequestBytes()).thenReturn(LIMIT);
        when(invoker.invoke(any())).thenAnswer(inv -> {
            InferenceRequest r = inv.getArgument(0);
            return new InferenceResponse(r.body(), "application/octet-stream", "fake", "v1", null);
        });
        return new DefaultInferenceClient("m", "fake", invoker, closed::incrementAndGet);
    }

    private static InferenceRequest ofSize(long n) {
        return InferenceRequest.of(new byte[(int) n], "application/octet-stream");
    }

    @Test
    void invoke_whenBodyOverLimit_rejectsBeforeCallingTheInvoker() {
        DefaultInferenceClient c = client();

        PayloadTooLargeException e = assertThrows(PayloadTooLargeException.class, () -> c.invoke(ofSize(LIMIT + 1)));

        assertEquals(LIMIT + 1, e.sizeBytes());
        assertEquals(LIMIT, e.limitBytes());
        assertTrue(e.getMessage().contains("101 bytes") && e.getMessage().contains("100-byte limit"), e.getMessage());
        verify(invoker, never()).invoke(any());
    }

    @Test
    void invoke_whenBodyExactlyAtLimit_sendsIt() {
        DefaultInferenceClient c = client();

        InferenceResponse r = c.invoke(ofSize(LIMIT));

        assertEquals(LIMIT, r.body().length);
        verify(invoker, times(1)).invoke(any());
        assertEquals(LIMIT, c.maxRequestBytes());
    }

    @Test
    void invokeAsync_whenBodyOverLimit_failsWithoutCallingTheInvoker() {
        DefaultInferenceClient c = client();

        CompletableFuture<InferenceResponse> f = c.invokeAsync(ofSize(LIMIT + 1));

        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        assertInstanceOf(PayloadTooLargeException.class, e.getCause());
        verify(invoker, never()).invoke(any());
    }

    @Test
    void invokeAsync_whenWithinLimit_completesWithTheAnswer() throws Exception {
        DefaultInferenceClient c = client();

        InferenceResponse r = c.invokeAsync(InferenceRequest.json("{\"a\":1}")).get(5, TimeUnit.SECONDS);

        assertEquals("{\"a\":1}", r.bodyAsString());
        c.close();
    }

    @Test
    void invoke_measuresLatencyAndKeepsTheTargetsAnswer() {
        DefaultInferenceClient c = client();

        InferenceResponse r = c.invoke(InferenceRequest.json("{}"));

        assertTrue(r.latency().toNanos() > 0, "latency " + r.latency());
        assertEquals("fake", r.target());
        assertEquals("v1", r.variant().orElseThrow());
        assertEquals("application/octet-stream", r.contentType());
    }

    @Test
    void invoke_whenInvokerThrowsAnUnexpectedException_wrapsItInInvocationException() {
        DefaultInferenceClient c = client();
        IllegalStateException boom = new IllegalStateException("boom");
        doThrow(boom).when(invoker).invoke(any());

        InvocationException e = assertThrows(InvocationException.class, () -> c.invoke(InferenceRequest.json("{}")));

        assertSame(boom, e.getCause());
        assertTrue(e.getMessage().contains("'m'") && e.getMessage().contains("fake"), e.getMessage());
    }

    @Test
    void invoke_whenModelRaises_passesTheModelErrorThrough() {
        DefaultInferenceClient c = client();
        ModelErrorException modelError = new ModelErrorException("fake", "ValueError", "bad", 500, null, null);
        doThrow(modelError).when(invoker).invoke(any());

        ModelErrorException e = assertThrows(ModelErrorException.class, () -> c.invoke(InferenceRequest.json("{}")));

        assertSame(modelError, e);
    }

    @Test
    void invokeText_sendsUtf8TextAndDecodesTheAnswer() {
        DefaultInferenceClient c = client();

        assertEquals("grüß", c.invokeText("grüß"));

        verify(invoker).invoke(org.mockito.ArgumentMatchers.argThat(r -> r.contentType()
                .equals("text/plain; charset=utf-8") && new String(r.body(), StandardCharsets.UTF_8).equals("grüß")));
    }

    @Test
    void close_closesTheInvokerOnceAndRejectsLaterCalls() {
        DefaultInferenceClient c = client();
        c.close();
        c.close();

        verify(invoker, times(1)).close();
        assertEquals(1, closed.get());
        InvocationException e = assertThrows(InvocationException.class, () -> c.invoke(InferenceRequest.json("{}")));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        verify(invoker, never()).invoke(any());
    }
}
