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
    private final RolloutPolicy rollout;

    private DeployOptions(Builder b) {
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
        private RolloutPolicy rollout = RolloutPolicy.allAtOnce();

        private Builder() {
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
