package dev.mldeploy.micrometer;

import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * An {@link InferenceClient} that records every call of the client it wraps into a {@link MeterRegistry}, as
 * Micrometer's own instrumentation of a component does ({@code ExecutorServiceMetrics.monitor}, the OkHttp and
 * Apache HttpClient binders): a decorator, so core stays free of Micrometer, and any client (any target, a test
 * double) can be measured.
 *
 * <pre>
 * InferenceClient client = MeteredInferenceClient.wrap(deployer.client("sentiment"), registry);
 * </pre>
 *
 * <h2>Meters</h2>
 * <table>
 *   <caption>What is recorded</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>when</th></tr>
 *   <tr><td>{@value #TIMER}</td><td>timer</td><td>{@code deployment}, {@code target}, {@code variant},
 *       {@code outcome}</td><td>every {@code invoke}, {@code invokeAsync}, {@code invokeJson} and
 *       {@code invokeText} call, success or failure, from the call until the answer or the exception</td></tr>
 *   <tr><td>{@value #ERRORS}</td><td>counter</td><td>{@code deployment}, {@code target}, {@code variant},
 *       {@code error}, {@code exception}</td><td>every call that failed</td></tr>
 * </table>
 * <ul>
 *   <li>{@code deployment}: {@link InferenceClient#deploymentName()}; {@code target}: {@link InferenceClient#target()}
 *       ({@code local}, {@code sagemaker}, {@code lambda}).</li>
 *   <li>{@code variant}: the production variant (SageMaker) or function version (Lambda) that answered, as
 *       {@link InferenceResponse#variant()} says; when the answer names none (the local target), the variant the
 *       request asked for, else {@value #DEFAULT_VARIANT}. A failed call has no answer: the variant the request asked
 *       for, else {@value #UNKNOWN_VARIANT}.</li>
 *   <li>{@code outcome}: {@code success} or {@code error}.</li>
 *   <li>{@code error}: {@link InferenceError#tagValue()}: {@code bad_request}, {@code model_error},
 *       {@code payload_too_large}, {@code timeout}, {@code invocation} or {@code other}.</li>
 *   <li>{@code exception}: the exception's simple class name ({@code ModelErrorException}, ...).</li>
 * </ul>
 * The tags given to {@link #wrap(InferenceClient, MeterRegistry, Iterable)} are added to both meters. Nothing of a
 * request or answer body, content type or error message is recorded: only the names above. Percentiles and
 * histograms are the registry's choice ({@code MeterFilter}, {@code DistributionStatisticConfig}), as for any timer.
 *
 * <p>Thread-safe when the wrapped client is (every {@link InferenceClient} is). {@link #close()} closes the wrapped
 * client; the meters stay in the registry, as Micrometer meters do.
 */
public final class MeteredInferenceClient implements InferenceClient {
    /** The timer of every call. */
    public static final String TIMER = "mldeploy.inference";
    /** The counter of failed calls. */
    public static final String ERRORS = "mldeploy.inference.errors";
    /** The {@code variant} of an answer that names none, to a request that named none. */
    public static final String DEFAULT_VARIANT = "default";
    /** The {@code variant} of a failed call whose request named none. */
    public static final String UNKNOWN_VARIANT = "unknown";

    private final InferenceClient delegate;
    private final MeterRegistry registry;
    private final Tags tags;

    private MeteredInferenceClient(InferenceClient delegate, MeterRegistry registry, Tags tags) {
        this.delegate = delegate;
        this.registry = registry;
        this.tags = tags;
    }

    /** {@code client}, recording its calls into {@code registry}. */
    public static InferenceClient wrap(InferenceClient client, MeterRegistry registry) {
        return wrap(client, registry, Tags.empty());
    }

    /**
     * {@code client}, recording its calls into {@code registry} with {@code tags} added to every meter (for example
     * {@code Tags.of("application", "reviews")}).
     */
    public static InferenceClient wrap(InferenceClient client, MeterRegistry registry, Iterable<Tag> tags) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(tags, "tags");
        Tags base = Tags.of(tags).and("deployment", client.deploymentName(), "target", client.target());
        return new MeteredInferenceClient(client, registry, base);
    }

    @Override
    public String deploymentName() {
        return delegate.deploymentName();
    }

    @Override
    public String target() {
        return delegate.target();
    }

    @Override
    public long maxRequestBytes() {
        return delegate.maxRequestBytes();
    }

    @Override
    public InferenceResponse invoke(InferenceRequest request) {
        Timer.Sample sample = Timer.start(registry);
        InferenceResponse response;
        try {
            response = delegate.invoke(request);
        } catch (RuntimeException | Error e) {
            failed(sample, request, e);
            throw e;
        }
        succeeded(sample, request, response);
        return response;
    }

    @Override
    public CompletableFuture<InferenceResponse> invokeAsync(InferenceRequest request) {
        Timer.Sample sample = Timer.start(registry);
        CompletableFuture<InferenceResponse> answer;
        try {
            answer = delegate.invokeAsync(request);
        } catch (RuntimeException | Error e) {
            failed(sample, request, e);
            throw e;
        }
        // the returned stage completes after the meters are recorded, so a caller that joins it sees them
        return answer.whenComplete((response, failure) -> {
            if (failure == null) {
                succeeded(sample, request, response);
            } else {
                failed(sample, request, unwrap(failure));
            }
        });
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return "MeteredInferenceClient[" + delegate + "]";
    }

    private void succeeded(Timer.Sample sample, InferenceRequest request, InferenceResponse response) {
        String variant = response.variant().or(() -> requested(request)).orElse(DEFAULT_VARIANT);
        sample.stop(timer(variant, "success"));
    }

    private void failed(Timer.Sample sample, InferenceRequest request, Throwable failure) {
        String variant = requested(request).orElse(UNKNOWN_VARIANT);
        sample.stop(timer(variant, "error"));
        Counter.builder(ERRORS)
                .description("Inference calls that failed, by kind of failure")
                .tags(tags).tag("variant", variant)
                .tag("error", InferenceError.of(failure).tagValue())
                .tag("exception", exceptionName(failure))
                .register(registry).increment();
    }

    private Timer timer(String variant, String outcome) {
        return Timer.builder(TIMER)
                .description("Inference calls, from the call until the answer or the failure")
                .tags(tags).tag("variant", variant).tag("outcome", outcome)
                .register(registry);
    }

    /** The variant the request asked for; null-safe, since a null request fails in the wrapped client. */
    private static Optional<String> requested(InferenceRequest request) {
        return request == null ? Optional.empty() : request.targetVariant();
    }

    /** The simple class name; an anonymous class has none, so its binary name. */
    private static String exceptionName(Throwable failure) {
        String simple = failure.getClass().getSimpleName();
        return simple.isEmpty() ? failure.getClass().getName() : simple;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
