package dev.mldeploy.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polls until a condition holds, reporting every poll (status and elapsed time), honouring the context's deadline and interrupts,
 * and saying what it waited for when it gives up. Shared by the backends so every wait behaves alike.
 *
 * @param <T> what one poll returns
 */
public final class Waiter<T> {
    private final DeployContext context;
    private final String phase;
    private final String waitingFor;
    private Duration interval = Duration.ofSeconds(5);
    private Supplier<T> poll;
    private Function<T, String> status = String::valueOf;
    private Predicate<T> done;
    private Function<T, RuntimeException> failure = t -> null;

    private Waiter(DeployContext context, String phase, String waitingFor) {
        this.context = Objects.requireNonNull(context, "context");
        this.phase = Objects.requireNonNull(phase, "phase");
        this.waitingFor = Objects.requireNonNull(waitingFor, "waitingFor");
    }

    /** A waiter reporting under {@code phase}, waiting for {@code waitingFor} (a phrase: "endpoint x InService"). */
    public static <T> Waiter<T> forPhase(DeployContext context, String phase, String waitingFor) {
        return new Waiter<>(context, phase, waitingFor);
    }

    public Waiter<T> interval(Duration interval) {
        this.interval = Objects.requireNonNull(interval, "interval");
        return this;
    }

    public Waiter<T> poll(Supplier<T> poll) {
        this.poll = Objects.requireNonNull(poll, "poll");
        return this;
    }

    /** How to describe one poll's result in progress events. */
    public Waiter<T> status(Function<T, String> status) {
        this.status = Objects.requireNonNull(status, "status");
        return this;
    }

    public Waiter<T> until(Predicate<T> done) {
        this.done = Objects.requireNonNull(done, "done");
        return this;
    }

    /** Returns the exception to throw when a poll shows failure, or null to keep waiting. */
    public Waiter<T> failWhen(Function<T, RuntimeException> failure) {
        this.failure = Objects.requireNonNull(failure, "failure");
        return this;
    }

    /** Polls until done; returns the last result. */
    public T await() {
        Objects.requireNonNull(poll, "poll");
        Objects.requireNonNull(done, "until");
        while (true) {
            T value = poll.get();
            String s = status.apply(value);
            context.progress(phase, s, "waiting for " + waitingFor);
            RuntimeException failed = failure.apply(value);
            if (failed != null) {
                throw failed;
            }
            if (done.test(value)) {
                context.progress(phase, s, waitingFor + ": done");
                return value;
            }
            context.checkDeadline(waitingFor + " (last status " + s + ")");
            context.sleep(interval, waitingFor);
            context.checkDeadline(waitingFor + " (last status " + s + ")");
        }
    }
}
