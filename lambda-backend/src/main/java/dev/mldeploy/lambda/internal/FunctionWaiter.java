package dev.mldeploy.lambda.internal;

import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.Waiter;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.State;

/**
 * The waits of a deploy: for a function to become Active, for an update to finish, and for a new execution role to
 * become assumable. Each is bounded by the deploy's deadline and reports progress through its context. Thread-safe.
 */
final class FunctionWaiter {
    private static final Logger LOG = LoggerFactory.getLogger(FunctionWaiter.class);
    private static final Duration MAX_ROLE_BACKOFF = Duration.ofSeconds(10);

    private final LambdaClient lambda;
    private final Duration pollInterval;
    private final Duration rolePropagationTimeout;
    private final java.util.function.BiFunction<String, java.time.Instant, String> failureLog;

    /** Adds nothing to a failure's message. */
    static final java.util.function.BiFunction<String, java.time.Instant, String> NO_FAILURE_LOG = (f, t) -> "";

    FunctionWaiter(LambdaClient lambda, Duration pollInterval, Duration rolePropagationTimeout) {
        this(lambda, pollInterval, rolePropagationTimeout, NO_FAILURE_LOG);
    }

    /**
     * {@code failureLog} gives, for a function and the time its deploy began, a note for the error when the function
     * fails (the last lines of its log); it must not throw.
     */
    FunctionWaiter(LambdaClient lambda, Duration pollInterval, Duration rolePropagationTimeout,
                   java.util.function.BiFunction<String, java.time.Instant, String> failureLog) {
        this.lambda = lambda;
        this.pollInterval = pollInterval;
        this.rolePropagationTimeout = rolePropagationTimeout;
        this.failureLog = failureLog;
    }

    /** When the deploy {@code ctx} began, less a minute for clock skew: the earliest log line it may have caused. */
    private static java.time.Instant since(DeployContext ctx) {
        return ctx.clock().instant().minus(ctx.elapsed()).minus(Duration.ofMinutes(1));
    }

    /**
     * Runs {@code call}, retrying while Lambda says the role cannot be assumed (a new IAM role takes seconds to
     * propagate), with doubling backoff from the poll interval, for at most the role propagation timeout.
     */
    <T> T withRoleRetry(String name, String roleArn, DeployContext ctx, String phase, Supplier<T> call) {
        Duration bound = rolePropagationTimeout;
        long start = System.nanoTime();
        Duration backoff = pollInterval;
        int attempts = 0;
        while (true) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                if (!LambdaErrors.isRoleNotAssumable(e)) {
                    throw e;
                }
                attempts++;
                Duration waited = Duration.ofNanos(System.nanoTime() - start);
                if (waited.plus(backoff).compareTo(bound) > 0 || ctx.remaining().compareTo(backoff) <= 0) {
                    throw new DeploymentFailedException("Lambda still cannot assume the execution role " + roleArn
                            + " after " + attempts + " attempts over " + waited.toSeconds() + " s (a new IAM role "
                            + "takes seconds to propagate; the bound is " + bound.toSeconds() + " s): check that the "
                            + "role exists and trusts lambda.amazonaws.com, then deploy " + name + " again", e, true);
                }
                LOG.debug("role {} not assumable yet; retrying in {} ms", roleArn, backoff.toMillis());
                ctx.progress(phase, "role not assumable yet", "waiting for IAM role " + roleArn + " to propagate");
                ctx.sleep(backoff, "IAM role " + roleArn + " to propagate");
                ctx.checkDeadline("IAM role " + roleArn + " to propagate");
                backoff = backoff.multipliedBy(2).compareTo(MAX_ROLE_BACKOFF) > 0 ? MAX_ROLE_BACKOFF
                        : backoff.multipliedBy(2);
            }
        }
    }

    /** Waits for State Active and no update in progress; returns the last read. */
    GetFunctionConfigurationResponse waitReady(String name, CallBudget budget, DeployContext ctx) {
        return Waiter.<GetFunctionConfigurationResponse>forPhase(ctx, "wait", "function " + name + " Active")
                .interval(pollInterval)
                .poll(() -> lambda.getFunctionConfiguration(b -> budget.on(b).functionName(name)))
                .status(c -> c.stateAsString() + "/" + c.lastUpdateStatusAsString())
                .failWhen(c -> c.state() == State.FAILED ? new DeploymentFailedException("function " + name
                        + " failed: " + c.stateReasonCodeAsString() + ": " + c.stateReason()
                        + failureLog.apply(name, since(ctx))) : null)
                .until(c -> c.state() == State.ACTIVE && c.lastUpdateStatus() != LastUpdateStatus.IN_PROGRESS)
                .await();
    }

    /** Waits for LastUpdateStatus Successful (Failed raises with Lambda's reason); returns the last read. */
    GetFunctionConfigurationResponse waitUpdated(String name, String what, CallBudget budget,
                                                         DeployContext ctx) {
        return Waiter.<GetFunctionConfigurationResponse>forPhase(ctx, "wait", "the " + what + " update of " + name
                        + " to finish")
                .interval(pollInterval)
                .poll(() -> lambda.getFunctionConfiguration(b -> budget.on(b).functionName(name)))
                .status(GetFunctionConfigurationResponse::lastUpdateStatusAsString)
                .failWhen(c -> c.lastUpdateStatus() == LastUpdateStatus.FAILED || c.state() == State.FAILED
                        ? new DeploymentFailedException("the " + what + " update of function " + name + " failed: "
                        + c.lastUpdateStatusReasonCodeAsString() + ": " + c.lastUpdateStatusReason()
                        + failureLog.apply(name, since(ctx))) : null)
                .until(c -> c.lastUpdateStatus() == null || c.lastUpdateStatus() == LastUpdateStatus.SUCCESSFUL)
                .await();
    }
}
