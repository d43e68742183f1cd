package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.spi.DeployContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.awscore.AwsRequest;

/**
 * How long one AWS call may take: the time left before a deadline (a deploy's or undeploy's timeout), a fixed
 * limit per call (describe, list, invoke, which have no deadline in the SPI), or the client's own settings. It is
 * set on each request as {@code apiCallTimeout} (the whole call, retries included) and
 * {@code apiCallAttemptTimeout} (half of it, so that a hung attempt leaves room for the standard retry mode's next
 * one), so a call never outlives the caller's timeout, whatever the clients were built with.
 *
 * <p>The budget in force is scoped to the calling thread ({@link #open}); work handed to other threads takes
 * {@link #current()} along. Immutable and thread-safe. Not API.
 */
public final class CallBudget {
    private static final ThreadLocal<CallBudget> CURRENT = new ThreadLocal<>();
    private static final CallBudget UNBOUNDED = new CallBudget(null, null, null, null, null);
    /** Shortest and longest time the cleanup after a failure may take, past the deadline. */
    static final Duration MIN_CLEANUP = Duration.ofSeconds(2);
    static final Duration MAX_CLEANUP = Duration.ofSeconds(30);

    private final Instant deadline;
    private final Duration perCall;
    private final Clock clock;
    private final Duration total;
    private final String raise;

    private CallBudget(Instant deadline, Duration perCall, Clock clock, Duration total, String raise) {
        this.deadline = deadline;
        this.perCall = perCall;
        this.clock = clock;
        this.total = total;
        this.raise = raise;
    }

    /** No limit of its own: the clients' settings apply. */
    public static CallBudget unbounded() {
        return UNBOUNDED;
    }

    /** Each call may take {@code perCall}. */
    public static CallBudget perCall(Duration perCall) {
        return new CallBudget(null, perCall, Clock.systemUTC(), null, "raise the call timeout "
                + "(SageMakerTarget.builder().callTimeout, MLDEPLOY_CALL_TIMEOUT, --timeout)");
    }

    /** Each call may take what is left of {@code ctx}'s deadline. */
    public static CallBudget until(DeployContext ctx) {
        return new CallBudget(ctx.clock().instant().plus(ctx.remaining()), null, ctx.clock(),
                ctx.elapsed().plus(ctx.remaining()), "raise the timeout (DeployOptions.timeout, --timeout)");
    }

    /**
     * The budget for cleaning up after a failure under this one, which may come after its deadline: a tenth of
     * the whole timeout from now, between 2 and 30 seconds, shared by all cleanup calls. A per-call or unbounded
     * budget stays as it is.
     */
    public CallBudget forCleanup() {
        if (deadline == null) {
            return this;
        }
        Duration tenth = total.dividedBy(10);
        Duration grace = tenth.compareTo(MIN_CLEANUP) < 0 ? MIN_CLEANUP
                : tenth.compareTo(MAX_CLEANUP) > 0 ? MAX_CLEANUP : tenth;
        return new CallBudget(clock.instant().plus(grace), null, clock, grace, "undeploy removes what is left");
    }

    /** The budget of the calling thread: the innermost {@link #open}, else the clients' settings. */
    public static CallBudget current() {
        CallBudget b = CURRENT.get();
        return b == null ? UNBOUNDED : b;
    }

    /** Makes {@code budget} the calling thread's until the returned scope is closed (restoring the one before). */
    public static Scope open(CallBudget budget) {
        CallBudget before = CURRENT.get();
        CURRENT.set(budget);
        return () -> {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        };
    }

    /** A budget scope; closing it never throws. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** The time the next call may take, or null when unbounded. */
    Duration nextCall() {
        if (deadline != null) {
            return Duration.between(clock.instant(), deadline);
        }
        return perCall;
    }

    /**
     * Sets this budget's timeouts on {@code request}.
     *
     * @throws OperationTimeoutException when the deadline has passed already (nothing is sent)
     */
    public <B extends AwsRequest.Builder> B apply(B request) {
        Duration call = nextCall();
        if (call == null) {
            return request;
        }
        if (call.isNegative() || call.isZero()) {
            throw new OperationTimeoutException("the deadline passed before the next AWS call could be made; "
                    + raise);
        }
        Duration attempt = call.dividedBy(2);
        Duration perAttempt = attempt.isZero() ? call : attempt;
        request.overrideConfiguration(o -> o.apiCallTimeout(call).apiCallAttemptTimeout(perAttempt));
        return request;
    }

    /** What to tell the caller when a call ran out of this budget. */
    String advice() {
        return raise == null ? "raise the client's apiCallTimeout" : raise;
    }
}
