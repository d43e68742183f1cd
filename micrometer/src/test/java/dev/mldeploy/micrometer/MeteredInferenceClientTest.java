package dev.mldeploy.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.BadRequestException;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.InvocationException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.ModelErrorException;
import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.PayloadTooLargeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MeteredInferenceClientTest {
    static final String SECRET_BODY = "{\"text\": \"my card number is 4111\"}";

    final MockClock clock = new MockClock();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);

    /**
     * A client that takes {@code took} on the registry's mock clock and then answers what {@code answer} gives (or
     * throws what it throws).
     */
    final class FakeClient implements InferenceClient {
        final Function<InferenceRequest, InferenceResponse> answer;
        final Duration took;
        boolean closed;

        FakeClient(Duration took, Function<InferenceRequest, InferenceResponse> answer) {
            this.took = took;
            this.answer = answer;
        }

        @Override
        public String deploymentName() {
            return "sentiment";
        }

        @Override
        public String target() {
            return "sagemaker";
        }

        @Override
        public long maxRequestBytes() {
            return 6 * 1024 * 1024;
        }

        @Override
        public InferenceResponse invoke(InferenceRequest request) {
            clock.add(took);
            return answer.apply(request);
        }

        @Override
        public CompletableFuture<InferenceResponse> invokeAsync(InferenceRequest request) {
            try {
                return CompletableFuture.completedFuture(invoke(request));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    static InferenceResponse answer(String variant) {
        return new InferenceResponse("{\"label\": \"positive\"}".getBytes(StandardCharsets.UTF_8),
                "application/json", "sagemaker", variant, Duration.ofMillis(1));
    }

    static Function<InferenceRequest, InferenceResponse> throwing(RuntimeException e) {
        return r -> {
            throw e;
        };
    }

    Timer timer(String variant, String outcome) {
        return registry.find(MeteredInferenceClient.TIMER).tags("deployment", "sentiment", "target", "sagemaker",
                "variant", variant, "outcome", outcome).timer();
    }

    @Test
    void invoke_whenTheAnswerNamesItsVariant_timesTheCallUnderThatVariant() {
        InferenceClient client = MeteredInferenceClient.wrap(new FakeClient(Duration.ofMillis(250),
                r -> answer("Canary")), registry);

        InferenceResponse r = client.invoke(InferenceRequest.json(SECRET_BODY));

        assertEquals("Canary", r.variant().orElseThrow(), "the answer passes through unchanged");
        Timer t = timer("Canary", "success");
        assertEquals(1, t.count());
        assertEquals(250, t.totalTime(TimeUnit.MILLISECONDS), 0.001);
        assertEquals(List.of(t.getId()), registry.getMeters().stream().map(Meter::getId).toList(),
                "one timer and no error counter");
    }

    @Test
    void invoke_whenTheAnswerNamesNoVariant_usesTheRequestedVariantElseDefault() {
        InferenceClient client = MeteredInferenceClient.wrap(new FakeClient(Duration.ofMillis(10),
                r -> answer(null)), registry);

        client.invoke(InferenceRequest.json("{}"));
        client.invoke(InferenceRequest.json("{}"));
        client.invoke(InferenceRequest.builder().body("{}").targetVariant("B").build());

        assertEquals(2, timer(MeteredInferenceClient.DEFAULT_VARIANT, "success").count());
        assertEquals(1, timer("B", "success").count());
    }

    @Test
    void invoke_whenTheModelRaises_rethrowsIt_timesItAsError_andCountsModelError() {
        ModelErrorException raised = new ModelErrorException("sagemaker", "ValueError", "bad text", 424, null, null);
        InferenceClient client = MeteredInferenceClient.wrap(new FakeClient(Duration.ofMillis(40),
                throwing(raised)), registry);

        ModelErrorException e = assertThrows(ModelErrorException.class,
                () -> client.invoke(InferenceRequest.json(SECRET_BODY)));

        assertSame(raised, e);
        Timer t = timer(MeteredInferenceClient.UNKNOWN_VARIANT, "error");
        assertEquals(1, t.count());
        assertEquals(40, t.totalTime(TimeUnit.MILLISECONDS), 0.001);
        Counter c = registry.find(MeteredInferenceClient.ERRORS).tags("deployment", "sentiment", "target",
                "sagemaker", "variant", "unknown", "error", "model_error", "exception", "ModelErrorException")
                .counter();
        assertEquals(1.0, c.count());
        assertNull(registry.find(MeteredInferenceClient.TIMER).tag("outcome", "success").timer());
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(new BadRequestException("local", 400, "MalformedRequest", "not JSON", null),
                        "bad_request"),
                Arguments.of(new ModelErrorException("local", "KeyError", "text", 500, null, null), "model_error"),
                Arguments.of(new PayloadTooLargeException("lambda", 7_000_000, 6_291_456), "payload_too_large"),
                Arguments.of(new OperationTimeoutException("invoking timed out"), "timeout"),
                Arguments.of(new InvocationException("local model did not answer within 1000 ms",
                        new HttpTimeoutException("request timed out"), -1, true), "timeout"),
                Arguments.of(new InvocationException("connection refused"), "invocation"),
                Arguments.of(new MlDeployException("something else"), "other"),
                Arguments.of(new IllegalStateException("a bug"), "other"));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void invoke_whenItFails_countsTheKindOfFailureAndTheExceptionType(RuntimeException failure, String kind) {
        InferenceClient client = MeteredInferenceClient.wrap(new FakeClient(Duration.ZERO, throwing(failure)),
                registry);

        assertThrows(failure.getClass(), () -> client.invoke(InferenceRequest.json("{}")));

        List<Counter> counters = List.copyOf(registry.find(MeteredInferenceClient.ERRORS).counters());
        assertEquals(1, counters.size(), counters.toString());
        assertEquals(kind, counters.get(0).getId().getTag("error"));
        assertEquals(failure.getClass().getSimpleName(), counters.get(0).getId().getTag("exception"));
        assertEquals(1.0, counters.get(0).count());
    }

    @Test
    void invoke_whenItFailsForARequestedVariant_tagsTheErrorWithThatVariant() {
        InferenceClient client = MeteredInferenceClient.wrap(new FakeClient(Duration.ZERO,
                throwing(new InvocationException("unreachable"))), registry);

        assertThrows(InvocationException.class, () -> client.invoke(InferenceRequest.builder().body("{}")
                .targetVariant("Blue").build()));

        assertEquals(1, timer("Blue", "error").count());
        assertEquals(1.0, registry.find(MeteredInferenceClient.ERRORS).tag("variant", "Blue").counter().count());
    }

    @Test
    void invokeAsync_recordsTheCallBeforeTheReturnedFutureCompletes() {
        InferenceClient ok = MeteredInferenceClient.wrap(new FakeClient(Duration.ofMillis(30), r -> answer("v2")),
                registry);
        InferenceClient failing = MeteredInferenceClient.wrap(new FakeClient(Duration.ofMillis(5),
                throwing(new BadRequestException("lambda", 415, "UnsupportedContentType", "send JSON", null))),
                registry);

        assertEquals("v2", ok.invokeAsync(InferenceRequest.json("{}")).join().variant().orElseThrow());
        CompletionException e = assertThrows(CompletionException.class,
                () -> failing.invokeAsync(InferenceRequest.json("{}")).join());

        assertTrue(e.getCause() instanceof BadRequestException, e.toString());
        assertEquals(30, timer("v2", "success").totalTime(TimeUnit.MILLISECONDS), 0.001);
        assertEquals(1, timer("unknown", "error").count());
        assertEquals("bad_request", registry.find(MeteredInferenceClient.ERRORS).counter().getId().getTag("error"));
    }

    @Test
    void invokeJsonAndInvokeText_goThroughTheMeteredInvoke() {
        InferenceClient client = MeteredInferenceClient.wrap(new FakeClient(Duration.ofMillis(1),
                r -> answer(null)), registry);

        client.invokeJson("{\"text\": \"hi\"}");
        client.invokeText("hi");

        assertEquals(2, timer("default", "success").count());
    }

    @Test
    void wrap_withTags_addsThemToEveryMeter() {
        InferenceClient client = MeteredInferenceClient.wrap(new FakeClient(Duration.ZERO,
                throwing(new InvocationException("down"))), registry, Tags.of("application", "reviews"));

        assertThrows(InvocationException.class, () -> client.invoke(InferenceRequest.json("{}")));

        assertEquals(2, registry.getMeters().size());
        registry.getMeters().forEach(m -> assertEquals("reviews", m.getId().getTag("application"), m.getId()
                .toString()));
    }

    @Test
    void meters_neverHoldTheBodyOrTheErrorMessage() {
        InferenceClient ok = MeteredInferenceClient.wrap(new FakeClient(Duration.ZERO, r -> answer(null)), registry);
        InferenceClient failing = MeteredInferenceClient.wrap(new FakeClient(Duration.ZERO, throwing(
                new ModelErrorException("sagemaker", "ValueError", SECRET_BODY, 424, null, null))), registry);

        ok.invoke(InferenceRequest.json(SECRET_BODY));
        assertThrows(ModelErrorException.class, () -> failing.invoke(InferenceRequest.json(SECRET_BODY)));

        for (Meter m : registry.getMeters()) {
            for (Tag t : m.getId().getTags()) {
                assertFalse(t.getValue().contains("4111") || t.getValue().contains("text"), m.getId().toString());
            }
            assertEquals(List.of("deployment", "target", "variant"), m.getId().getTags().stream().map(Tag::getKey)
                    .filter(k -> !k.equals("outcome") && !k.equals("error") && !k.equals("exception")).toList());
        }
    }

    @Test
    void close_closesTheWrappedClient_andTheNamesAreTheWrappedOnes() {
        FakeClient fake = new FakeClient(Duration.ZERO, r -> answer(null));
        InferenceClient client = MeteredInferenceClient.wrap(fake, registry);

        client.close();

        assertTrue(fake.closed);
        assertEquals("sentiment", client.deploymentName());
        assertEquals("sagemaker", client.target());
        assertEquals(fake.maxRequestBytes(), client.maxRequestBytes());
    }
}
