package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.Waiter;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;

/**
 * Waits on an endpoint's status through {@link Waiter}: every poll is a progress event with the status and the
 * elapsed time; the context's deadline and interrupts end the wait. Thread-safe. Not API.
 */
public final class EndpointWaiter {
    /** Statuses during which SageMaker is still working on the endpoint. */
    static final Set<EndpointStatus> TRANSITIONAL = Set.of(EndpointStatus.CREATING, EndpointStatus.UPDATING,
            EndpointStatus.SYSTEM_UPDATING, EndpointStatus.ROLLING_BACK, EndpointStatus.DELETING);

    /** Adds nothing to a failure's message. */
    static final java.util.function.BiFunction<String, java.time.Instant, String> NO_FAILURE_LOG = (e, t) -> "";

    private final SageMakerApi api;
    private final Duration interval;
    private final java.util.function.BiFunction<String, java.time.Instant, String> failureLog;

    public EndpointWaiter(SageMakerApi api, Duration interval) {
        this(api, interval, NO_FAILURE_LOG);
    }

    /**
     * {@code failureLog} gives, for an endpoint and the time its deploy began, a note to add to the error when it
     * fails (the last lines of its log); it must not throw.
     */
    public EndpointWaiter(SageMakerApi api, Duration interval,
                          java.util.function.BiFunction<String, java.time.Instant, String> failureLog) {
        this.api = api;
        this.interval = interval;
        this.failureLog = failureLog;
    }

    /** When the deploy {@code ctx} began, less a minute for clock skew: the earliest log line it may have caused. */
    static java.time.Instant since(DeployContext ctx) {
        return ctx.clock().instant().minus(ctx.elapsed()).minus(Duration.ofMinutes(1));
    }

    /** Waits until {@code name} is InService; Failed (or the endpoint vanishing) throws with SageMaker's reason. */
    public DescribeEndpointResponse awaitInService(String name, DeployContext ctx) {
        return Waiter.<Optional<DescribeEndpointResponse>>forPhase(ctx, "wait", "endpoint " + name + " InService")
                .interval(interval)
                .poll(checked(ctx, "endpoint " + name + " InService", () -> api.describeEndpoint(name)))
                .status(EndpointWaiter::statusOf)
                .failWhen(d -> {
                    if (d.isEmpty()) {
                        return new DeploymentFailedException("endpoint " + name + " disappeared while it was being "
                                + "created (someone deleted it?); deploy again");
                    }
                    EndpointStatus s = d.get().endpointStatus();
                    if (s == EndpointStatus.FAILED || s == EndpointStatus.OUT_OF_SERVICE
                            || s == EndpointStatus.UPDATE_ROLLBACK_FAILED) {
                        return new DeploymentFailedException("endpoint " + name + " is " + d.get().endpointStatusAsString()
                                + ": " + reason(d.get()) + failureLog.apply(name, since(ctx)));
                    }
                    return null;
                })
                .until(d -> d.isPresent() && d.get().endpointStatus() == EndpointStatus.IN_SERVICE)
                .await().orElseThrow();
    }

    /** Waits until SageMaker is done with {@code name} (no longer creating, updating or rolling back). */
    public Optional<DescribeEndpointResponse> awaitSettled(String name, DeployContext ctx) {
        return Waiter.<Optional<DescribeEndpointResponse>>forPhase(ctx, "wait", "endpoint " + name + " to settle")
                .interval(interval)
                .poll(checked(ctx, "endpoint " + name + " to settle", () -> api.describeEndpoint(name)))
                .status(EndpointWaiter::statusOf)
                .until(d -> d.isEmpty() || !TRANSITIONAL.contains(d.get().endpointStatus()))
                .await();
    }

    /** Waits until {@code name} is gone. */
    public void awaitDeleted(String name, DeployContext ctx) {
        Waiter.<Optional<DescribeEndpointResponse>>forPhase(ctx, "delete", "endpoint " + name + " deleted")
                .interval(interval)
                .poll(checked(ctx, "endpoint " + name + " deleted", () -> api.describeEndpoint(name)))
                .status(d -> d.map(EndpointWaiter::statusOf).orElse("Deleted"))
                .until(Optional::isEmpty)
                .await();
    }

    /**
     * {@code poll}, except that a poll refused for lack of time fails as the wait's own timeout (naming what it
     * waited for): the deadline can pass between the wait's check and the call.
     */
    static <T> Supplier<T> checked(DeployContext ctx, String waitingFor, Supplier<T> poll) {
        return () -> {
            try {
                return poll.get();
            } catch (OperationTimeoutException e) {
                ctx.checkDeadline(waitingFor);
                throw e;
            }
        };
    }

    static String statusOf(Optional<DescribeEndpointResponse> d) {
        return d.map(EndpointWaiter::statusOf).orElse("NotFound");
    }

    static String statusOf(DescribeEndpointResponse d) {
        return d.endpointStatusAsString();
    }

    static String reason(DescribeEndpointResponse d) {
        return d.failureReason() == null || d.failureReason().isBlank() ? "SageMaker gave no FailureReason"
                : d.failureReason();
    }
}
