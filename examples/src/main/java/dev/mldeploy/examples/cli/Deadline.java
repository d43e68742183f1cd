package dev.mldeploy.examples.cli;

import dev.mldeploy.OperationTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Runs a call with the command's {@code --timeout}, for the calls whose API takes none. */
final class Deadline {
    private Deadline() {
    }

    static <T> T call(String what, Duration timeout, Supplier<T> call) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(call.get());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "mldeploy-cli-call");
        t.setDaemon(true);
        t.start();
        return await(what, timeout, f);
    }

    static <T> T await(String what, Duration timeout, CompletableFuture<T> f) {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new OperationTimeoutException(what + " did not finish within " + timeout.toSeconds()
                    + " s; raise --timeout");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationTimeoutException(what + " was interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }
}
