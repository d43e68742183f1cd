package dev.mldeploy;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Per-call deploy options: a target that overrides the deployer's default (and placement), a progress listener,
 * an overall timeout, the cost options placement uses, and how an update reaches the traffic ({@link RolloutPolicy}).
 */
public final class DeployOptions {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

    private final String target;
    private final ProgressListener progressListener;
    private final Duration timeout;
    private final PlacementOptions placementOptions;
    private final AlarmPolicy alarms;
    private final RolloutPolicy rollout;

    private DeployOptions(Builder b) {
        this.alarms = b.alarms;
        this.rollout = b.rollout;
        this.target = b.target;
        this.progressListener = b.progressListener;
        this.timeout = b.timeout;
        this.placementOptions = b.placementOptions;
    }

    public static DeployOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static DeployOptions of(Consumer<Builder> edit) {
        Builder b = builder();
        edit.accept(b);
        return b.build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.target = target;
        b.progressListener = progressListener;
        b.timeout = timeout;
        b.placementOptions = placementOptions;
        b.alarms = alarms;
        b.rollout = rollout;
        return b;
    }

    /** The target to use instead of the deployer's default: a target name, or {@code auto} for placement. */
    public Optional<String> target() {
        return Optional.ofNullable(target);
    }

    public ProgressListener progressListener() {
        return progressListener;
    }

    public Duration timeout() {
        return timeout;
    }

    public PlacementOptions placementOptions() {
        return placementOptions;
    }

    /** The default alarms to create or update with the deployment, when asked for ({@code deploy --alarms}). */
    public java.util.Optional<AlarmPolicy> alarms() {
        return Optional.ofNullable(alarms);
    }

    /** How an update reaches the traffic; {@link RolloutPolicy#allAtOnce()} unless set. */
    public RolloutPolicy rollout() {
        return rollout;
    }

    /** Builds {@link DeployOptions}. */
    public static final class Builder {
        private String target;
        private ProgressListener progressListener = ProgressListener.none();
        private Duration timeout = DEFAULT_TIMEOUT;
        private PlacementOptions placementOptions = PlacementOptions.defaults();
        private AlarmPolicy alarms;
        private RolloutPolicy rollout = RolloutPolicy.allAtOnce();

        private Builder() {
        }

        /**
         * Creates (or updates) the default CloudWatch alarms with the deployment ({@link AlarmPolicy}); undeploy
         * removes them. A target without CloudWatch (local) refuses the deploy before any change.
         */
        public Builder alarms(AlarmPolicy policy) {
            this.alarms = Objects.requireNonNull(policy, "alarms");
            return this;
        }

        public Builder target(String target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        public Builder progressListener(ProgressListener listener) {
            this.progressListener = Objects.requireNonNull(listener, "progressListener");
            return this;
        }

        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        public Builder placementOptions(PlacementOptions options) {
            this.placementOptions = Objects.requireNonNull(options, "placementOptions");
            return this;
        }

        /** How an update of an existing deployment reaches its traffic (canary, linear, rollback alarms). */
        public Builder rollout(RolloutPolicy rollout) {
            this.rollout = Objects.requireNonNull(rollout, "rollout");
            return this;
        }

        public DeployOptions build() {
            return new DeployOptions(this);
        }
    }
}
