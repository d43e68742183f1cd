package dev.mldeploy.examples.cli;

import dev.mldeploy.OperationTimeoutException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a call on a daemon thread and gives up on it after a time limit, so that a call stuck inside a library
 * (an SDK read on a connection that never answers, with its own retries) cannot hold the command: the caller gets
 * an {@link OperationTimeoutException} on time, and since the thread is a daemon the JVM can still exit. The
 * abandoned thread is interrupted and left to finish on its own.
 */
final class Deadline {
    private Deadline() {
    }

    /** The result of {@code call}, or its exception, or an {@link OperationTimeoutException} after {@code limit}. */
    static <T> T call(String threadName, Duration limit, Callable<T> call, String timeoutMessage) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(call.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, threadName);
        t.setDaemon(true);
        t.start();
        try {
            return f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            t.interrupt();
            throw new OperationTimeoutException(timeoutMessage);
        } catch (InterruptedException e) {
            t.interrupt();
            Thread.currentThread().interrupt();
            throw new OperationTimeoutException(timeoutMessage + " (interrupted)");
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

    /** {@code 10 s}, {@code 1.5 s}: a limit as people read it. */
    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }
}
