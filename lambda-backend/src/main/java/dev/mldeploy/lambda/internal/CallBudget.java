package dev.mldeploy.lambda.internal;

import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.spi.DeployContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import software.amazon.awssdk.awscore.AwsRequest;

/**
 * The time one operation (a deploy, an undeploy, a describe, one invocation) has left, applied to every AWS request
 * it makes: each request gets {@code apiCallTimeout} = the time left and {@code apiCallAttemptTimeout} = half of it
 * (so one retry of a hung attempt still fits), through the request's override configuration. That works on clients
 * the caller gave as well as on ours. A request made after the deadline is refused before it is sent. Immutable;
 * thread-safe.
 */
public final class CallBudget {
    /** No attempt is cut shorter than this (unless less than this is left). */
    static final Duration MIN_ATTEMPT = Duration.ofSeconds(1);

    private final Clock clock;
    private final Instant deadline;
    private final String operation;

    private CallBudget(Clock clock, Instant deadline, String operation) {
        this.clock = clock;
        this.deadline = deadline;
        this.operation = operation;
    }

    /** The budget of a deploy or undeploy: its context's deadline. */
    public static CallBudget of(DeployContext ctx) {
        return new CallBudget(ctx.clock(), ctx.clock().instant().plus(ctx.remaining()),
                ctx.target() + " deployment '" + ctx.deploymentName() + "'");
    }

    /** A budget of {@code timeout} from now, for {@code operation} ("describing x"). */
    public static CallBudget of(Duration timeout, String operation) {
        Clock clock = Clock.systemUTC();
        return new CallBudget(clock, clock.instant().plus(Objects.requireNonNull(timeout, "timeout")), operation);
    }

    /** The time left; zero or negative once the deadline passed. */
    public Duration remaining() {
        return Duration.between(clock.instant(), deadline);
    }

    /** A budget of at most {@code grace} from now, for cleaning up after a failure (even past the deadline). */
    public CallBudget grace(Duration grace) {
        return new CallBudget(clock, clock.instant().plus(grace), "cleaning up " + operation);
    }

    /**
     * Bounds one request by the time left.
     *
     * @throws OperationTimeoutException the deadline has passed; nothing is sent
     */
    public <B extends AwsRequest.Builder> B on(B request) {
        Duration left = remaining();
        if (left.isNegative() || left.isZero()) {
            throw expired();
        }
        Duration attempt = left.dividedBy(2).compareTo(MIN_ATTEMPT) < 0 ? min(left, MIN_ATTEMPT) : left.dividedBy(2);
        request.overrideConfiguration(o -> o.apiCallTimeout(left).apiCallAttemptTimeout(attempt));
        return request;
    }

    /**
     * Bounds one request by the time left, in a single attempt's worth of it: for an invocation, which must not be
     * cut short and sent again while the model still runs (throttling, answered at once, is still retried).
     */
    public <B extends AwsRequest.Builder> B onWhole(B request) {
        Duration left = remaining();
        if (left.isNegative() || left.isZero()) {
            throw expired();
        }
        request.overrideConfiguration(o -> o.apiCallTimeout(left).apiCallAttemptTimeout(left));
        return request;
    }

    /** The timeout this budget reports when it runs out. */
    public OperationTimeoutException expired() {
        return new OperationTimeoutException("timed out: AWS did not answer in time while " + operation
                + "; raise the timeout (DeployOptions.timeout, --timeout) or check the network and the endpoint");
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
