package dev.mldeploy.internal;

import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.InvocationException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.PayloadTooLargeException;
import dev.mldeploy.spi.Invoker;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** The one {@link InferenceClient} implementation: checks limits, measures latency, delegates to an invoker. */
public final class DefaultInferenceClient implements InferenceClient {
    private final String deploymentName;
    private final String target;
    private final Invoker invoker;
    private final long maxRequestBytes;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile ExecutorService asyncExecutor;
    private final Runnable onClose;

    public DefaultInferenceClient(String deploymentName, String target, Invoker invoker, Runnable onClose) {
        this.deploymentName = Objects.requireNonNull(deploymentName, "deploymentName");
        this.target = Objects.requireNonNull(target, "target");
        this.invoker = Objects.requireNonNull(invoker, "invoker");
        this.maxRequestBytes = invoker.maxRequestBytes();
        this.onClose = onClose == null ? () -> { } : onClose;
    }

    @Override
    public String deploymentName() {
        return deploymentName;
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public long maxRequestBytes() {
        return maxRequestBytes;
    }

    @Override
    public InferenceResponse invoke(InferenceRequest request) {
        Objects.requireNonNull(request, "request");
        if (closed.get()) {
            throw new InvocationException("the client for '" + deploymentName + "' is closed; get a new one from "
                    + "ModelDeployer.client");
        }
        if (request.size() > maxRequestBytes) {
            throw new PayloadTooLargeException(target, request.size(), maxRequestBytes);
        }
        long start = System.nanoTime();
        InferenceResponse response;
        try {
            response = invoker.invoke(request);
        } catch (MlDeployException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvocationException("invoking '" + deploymentName + "' on " + target + " failed: " + e, e);
        }
        return response.withLatency(Duration.ofNanos(System.nanoTime() - start));
    }

    @Override
    public CompletableFuture<InferenceResponse> invokeAsync(InferenceRequest request) {
        Objects.requireNonNull(request, "request");
        if (request.size() > maxRequestBytes) {
            return CompletableFuture.failedFuture(new PayloadTooLargeException(target, request.size(),
                    maxRequestBytes));
        }
        try {
            return CompletableFuture.supplyAsync(() -> invoke(request), executor());
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new InvocationException("the client for '" + deploymentName
                    + "' is closed", e));
        }
    }

    private ExecutorService executor() {
        ExecutorService e = asyncExecutor;
        if (e == null) {
            synchronized (this) {
                e = asyncExecutor;
                if (e == null) {
                    if (closed.get()) {
                        throw new java.util.concurrent.RejectedExecutionException("closed");
                    }
                    AtomicInteger n = new AtomicInteger();
                    ThreadFactory tf = r -> {
                        Thread t = new Thread(r, "mldeploy-invoke-" + deploymentName + "-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    };
                    e = Executors.newCachedThreadPool(tf);
                    asyncExecutor = e;
                }
            }
        }
        return e;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            synchronized (this) {
                if (asyncExecutor != null) {
                    asyncExecutor.shutdown();
                }
            }
            try {
                invoker.close();
            } finally {
                onClose.run();
            }
        }
    }
}
