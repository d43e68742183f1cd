package dev.mldeploy.spi;

import dev.mldeploy.MlDeployException;
import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.ProgressEvent;
import dev.mldeploy.ProgressListener;
import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.PlacementDecision;
import dev.mldeploy.RolloutPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One deploy or undeploy call as a target sees it: where to report progress, when to give up, and what placement
 * decided.
 */
public final class DeployContext {
    private final String deploymentName;
    private final String target;
    private final ProgressListener listener;
    private final Clock clock;
    private final Instant start;
    private final Instant deadline;
    private final PlacementDecision placement;
    private final CandidateEvaluation candidate;
    private final dev.mldeploy.AlarmPolicy alarms;
    private final RolloutPolicy rollout;

    private DeployContext(String deploymentName, String target, ProgressListener listener, Clock clock,
                          Duration timeout, PlacementDecision placement, CandidateEvaluation candidate) {
        this.deploymentName = Objects.requireNonNull(deploymentName, "deploymentName");
        this.target = Objects.requireNonNull(target, "target");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.start = clock.instant();
        this.deadline = start.plus(Objects.requireNonNull(timeout, "timeout"));
        this.placement = placement;
        this.candidate = candidate;
        this.alarms = null;
        this.rollout = RolloutPolicy.allAtOnce();
    }

    /** A copy of {@code base} (same start, deadline, listener and placement) with these alarms and rollout. */
    private DeployContext(DeployContext base, dev.mldeploy.AlarmPolicy alarms, RolloutPolicy rollout) {
        this.deploymentName = base.deploymentName;
        this.target = base.target;
        this.listener = base.listener;
        this.clock = base.clock;
        this.start = base.start;
        this.deadline = base.deadline;
        this.placement = base.placement;
        this.candidate = base.candidate;
        this.alarms = alarms;
        this.rollout = Objects.requireNonNull(rollout, "rollout");
    }

    /** A copy of {@code base} with an earlier {@code deadline}. */
    private DeployContext(DeployContext base, Instant deadline) {
        this.deploymentName = base.deploymentName;
        this.target = base.target;
        this.listener = base.listener;
        this.clock = base.clock;
        this.start = base.start;
        this.deadline = deadline;
        this.placement = base.placement;
        this.candidate = base.candidate;
        this.alarms = base.alarms;
        this.rollout = base.rollout;
    }

    /**
     * This context, or, when {@code limit} from now ends sooner than its deadline, a copy ending then: the same
     * start, listener, placement, alarms and rollout. A target bounds a deploy by its own timeout with it, so that
     * nothing the caller asked for is lost on the way.
     */
    public DeployContext boundedBy(Duration limit) {
        Instant end = clock.instant().plus(Objects.requireNonNull(limit, "limit"));
        return end.isBefore(deadline) ? new DeployContext(this, end) : this;
    }

    /** A context with no placement decision. */
    public static DeployContext of(String deploymentName, String target, ProgressListener listener,
                                   Duration timeout) {
        return new DeployContext(deploymentName, target, listener, Clock.systemUTC(), timeout, null, null);
    }

    /** A context carrying placement's decision and the candidate chosen on this target. */
    public static DeployContext of(String deploymentName, String target, ProgressListener listener,
                                   Duration timeout, PlacementDecision placement, CandidateEvaluation candidate) {
        return new DeployContext(deploymentName, target, listener, Clock.systemUTC(), timeout, placement, candidate);
    }

    /** For tests: a context on {@code clock}. */
    public static DeployContext of(String deploymentName, String target, ProgressListener listener,
                                   Duration timeout, Clock clock) {
        return new DeployContext(deploymentName, target, listener, clock, timeout, null, null);
    }

    /**
     * A copy of this context (same start and deadline) with the deploy's rollout policy; a context derived with
     * {@code of} (a shorter timeout) takes it along with {@code withRollout(ctx.rollout())}.
     */
    public DeployContext withRollout(RolloutPolicy policy) {
        return new DeployContext(this, alarms, policy);
    }

    /** How an update reaches the traffic; all at once unless the deploy's options said otherwise. */
    public RolloutPolicy rollout() {
        return rollout;
    }

    public String deploymentName() {
        return deploymentName;
    }

    public String target() {
        return target;
    }

    public ProgressListener listener() {
        return listener;
    }

    public Clock clock() {
        return clock;
    }

    /** The placement decision, when the deploy went through placement or was checked against it. */
    public Optional<PlacementDecision> placement() {
        return Optional.ofNullable(placement);
    }

    /** The candidate placement chose on this target (variant, instance type and count, ...), when there is one. */
    public Optional<CandidateEvaluation> candidate() {
        return Optional.ofNullable(candidate);
    }

    /**
     * A context like this one (same start, deadline and listener) that asks the target for the default alarms. A target
     * reads it in its own {@code deploy}, before it derives contexts of its own.
     */
    public DeployContext withAlarms(dev.mldeploy.AlarmPolicy policy) {
        return new DeployContext(this, Objects.requireNonNull(policy, "policy"), rollout);
    }

    /** The default alarms the deploy asks for ({@link dev.mldeploy.DeployOptions#alarms()}), if it does. */
    public Optional<dev.mldeploy.AlarmPolicy> alarms() {
        return Optional.ofNullable(alarms);
    }

    public Duration elapsed() {
        return Duration.between(start, clock.instant());
    }

    /** Time left before the deadline; zero or negative once it passed. */
    public Duration remaining() {
        return Duration.between(clock.instant(), deadline);
    }

    public boolean expired() {
        return !clock.instant().isBefore(deadline);
    }

    /** Reports one step to the listener. A listener that throws does not stop the deploy. */
    public void progress(String phase, String status, String message) {
        ProgressEvent event = new ProgressEvent(deploymentName, target, phase, status, elapsed(), message);
        try {
            listener.onProgress(event);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(DeployContext.class)
                    .warn("progress listener threw {}; ignoring it", e.toString());
        }
    }

    /** Throws {@link OperationTimeoutException} naming {@code waitingFor} if the deadline has passed. */
    public void checkDeadline(String waitingFor) {
        if (expired()) {
            throw new OperationTimeoutException("timed out after " + elapsed().toSeconds() + " s waiting for "
                    + waitingFor + " (" + target + " deployment '" + deploymentName + "'); raise the timeout "
                    + "(DeployOptions.timeout, --timeout) or check the target");
        }
    }

    /** Sleeps {@code d}, or less if the deadline comes first; an interrupt ends the wait with an exception. */
    public void sleep(Duration d, String waitingFor) {
        long millis = Math.max(0, Math.min(d.toMillis(), remaining().toMillis()));
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlDeployException("interrupted while waiting for " + waitingFor + " (" + target
                    + " deployment '" + deploymentName + "')", e);
        }
    }
}
