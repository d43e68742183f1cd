package dev.mldeploy.aws;

import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.spi.DeployContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import software.amazon.awssdk.awscore.AwsRequest;

/**
 * How long one AWS call may take: the time left before a deadline (a deploy's or undeploy's timeout, or one
 * describe's), a fixed time per call, or the clients' own settings (unbounded). It is set on each request as
 * {@code apiCallTimeout} (the whole call, retries included) and {@code apiCallAttemptTimeout} (half of it, at least
 * {@value #MIN_ATTEMPT_SECONDS} s, so that a hung attempt leaves room for the standard retry mode's next one),
 * through the request's override configuration, so it bounds the caller's clients as well as ours. A request made
 * after the deadline is refused before it is sent.
 *
 * <p>A budget is passed explicitly, or scoped to the calling thread with {@link #open} and read back with
 * {@link #current()} (work handed to other threads takes it along). Immutable and thread-safe.
 */
public final class CallBudget {
    static final long MIN_ATTEMPT_SECONDS = 1;
    private static final Duration MIN_ATTEMPT = Duration.ofSeconds(MIN_ATTEMPT_SECONDS);
    /** Shortest and longest time the cleanup after a failure may take, past the deadline ({@link #forCleanup}). */
    public static final Duration MIN_CLEANUP = Duration.ofSeconds(2);
    public static final Duration MAX_CLEANUP = Duration.ofSeconds(30);
    private static final String RAISE_TIMEOUT = "raise the timeout (DeployOptions.timeout, --timeout) or check the "
            + "network and the endpoint";
    private static final ThreadLocal<CallBudget> CURRENT = new ThreadLocal<>();
    private static final CallBudget UNBOUNDED = new CallBudget(null, null, null, null, "an AWS call",
            "raise the client's apiCallTimeout");

    private final Clock clock;
    private final Instant deadline;
    private final Duration perCall;
    private final Duration total;
    private final String operation;
    private final String advice;

    private CallBudget(Clock clock, Instant deadline, Duration perCall, Duration total, String operation,
                       String advice) {
        this.clock = clock;
        this.deadline = deadline;
        this.perCall = perCall;
        this.total = total;
        this.operation = operation;
        this.advice = advice;
    }

    /** No limit of its own: the clients' settings apply. */
    public static CallBudget unbounded() {
        return UNBOUNDED;
    }

    /** The budget of a deploy or undeploy: what is left of its context's deadline. */
    public static CallBudget of(DeployContext ctx) {
        return new CallBudget(ctx.clock(), ctx.clock().instant().plus(ctx.remaining()), null,
                ctx.elapsed().plus(ctx.remaining()), ctx.target() + " deployment '" + ctx.deploymentName() + "'",
                RAISE_TIMEOUT);
    }

    /** A deadline {@code timeout} from now, for {@code operation} ("describing x"), shared by all its calls. */
    public static CallBudget of(Duration timeout, String operation) {
        Clock clock = Clock.systemUTC();
        Objects.requireNonNull(timeout, "timeout");
        return new CallBudget(clock, clock.instant().plus(timeout), null, timeout, operation, RAISE_TIMEOUT);
    }

    /** Each call may take {@code perCall} (no deadline over several calls); {@code advice} says how to raise it. */
    public static CallBudget perCall(Duration perCall, String advice) {
        return new CallBudget(Clock.systemUTC(), null, Objects.requireNonNull(perCall, "perCall"), null,
                "an AWS call", advice);
    }

    /** The budget of the calling thread: the innermost {@link #open}, else {@link #unbounded()}. */
    public static CallBudget current() {
        CallBudget b = CURRENT.get();
        return b == null ? UNBOUNDED : b;
    }

    /** Makes {@code budget} the calling thread's until the returned scope is closed (restoring the one before). */
    public static Scope open(CallBudget budget) {
        CallBudget before = CURRENT.get();
        CURRENT.set(Objects.requireNonNull(budget, "budget"));
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

    /**
     * The budget for cleaning up after a failure under this one, which may come after its deadline: a tenth of the
     * whole timeout from now, between {@link #MIN_CLEANUP} and {@link #MAX_CLEANUP}. A per-call or unbounded budget
     * stays as it is.
     */
    public CallBudget forCleanup() {
        if (deadline == null) {
            return this;
        }
        Duration tenth = total.dividedBy(10);
        return grace(tenth.compareTo(MIN_CLEANUP) < 0 ? MIN_CLEANUP
                : tenth.compareTo(MAX_CLEANUP) > 0 ? MAX_CLEANUP : tenth);
    }

    /** A budget of {@code grace} from now, for cleaning up after a failure (even past this one's deadline). */
    public CallBudget grace(Duration grace) {
        Clock c = clock == null ? Clock.systemUTC() : clock;
        return new CallBudget(c, c.instant().plus(grace), null, grace, "cleaning up " + operation,
                "undeploy removes what is left");
    }

    /** The time left: of the deadline, else the per-call time; null when unbounded. */
    public Duration remaining() {
        if (deadline != null) {
            return Duration.between(clock.instant(), deadline);
        }
        return perCall;
    }

    /**
     * Bounds one request by this budget.
     *
     * @throws OperationTimeoutException the deadline has passed; nothing is sent
     */
    public <B extends AwsRequest.Builder> B on(B request) {
        Duration left = left();
        if (left == null) {
            return request;
        }
        Duration half = left.dividedBy(2);
        Duration attempt = half.compareTo(MIN_ATTEMPT) < 0 ? min(left, MIN_ATTEMPT) : half;
        request.overrideConfiguration(o -> o.apiCallTimeout(left).apiCallAttemptTimeout(attempt));
        return request;
    }

    /**
     * Bounds one request by this budget in a single attempt's worth of it: for an invocation, which must not be cut
     * short and sent again while the model still runs (throttling, answered at once, is still retried).
     */
    public <B extends AwsRequest.Builder> B onWhole(B request) {
        Duration left = left();
        if (left == null) {
            return request;
        }
        request.overrideConfiguration(o -> o.apiCallTimeout(left).apiCallAttemptTimeout(left));
        return request;
    }

    private Duration left() {
        Duration left = remaining();
        if (left != null && (left.isNegative() || left.isZero())) {
            throw expired();
        }
        return left;
    }

    /** The timeout this budget reports when it runs out. */
    public OperationTimeoutException expired() {
        return new OperationTimeoutException("timed out: AWS did not answer in time while " + operation + "; "
                + advice);
    }

    /** What to tell the caller when a call ran out of this budget. */
    public String advice() {
        return advice;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
