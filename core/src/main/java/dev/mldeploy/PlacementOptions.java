package dev.mldeploy;


import java.util.Objects;
import java.util.Optional;

/**
 * Cost options placement uses: the Lambda free tier, provisioned concurrency, and a SageMaker instance type and
 * count to price instead of the cheapest fitting one; and what the caller measured of the model's Python
 * dependencies ({@link DependencySizes}), which Lambda's package limits count. Immutable and thread-safe; the
 * builder is not, and refuses an impossible value (a negative concurrency, an instance count below 1, more hours than a month has) with an
 * {@link InvalidConfigurationException} that names the option.
 */
public final class PlacementOptions {
    /** Hours in the month costs are priced over (365 days x 24 h / 12), as AWS's pricing pages count. */
    public static final double HOURS_PER_MONTH = 730;

    private final boolean freeTier;
    private final int provisionedConcurrency;
    private final double provisionedHoursPerMonth;
    private final String instanceType;
    private final int instanceCount;
    private final DependencySizes dependencies;

    private PlacementOptions(Builder b) {
        this.freeTier = b.freeTier;
        this.provisionedConcurrency = b.provisionedConcurrency;
        this.provisionedHoursPerMonth = b.provisionedHoursPerMonth;
        this.instanceType = b.instanceType;
        this.instanceCount = b.instanceCount;
        this.dependencies = b.dependencies;
    }

    /** No free tier, no provisioned concurrency, instance type and count chosen by placement. */
    public static PlacementOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.freeTier = freeTier;
        b.provisionedConcurrency = provisionedConcurrency;
        b.provisionedHoursPerMonth = provisionedHoursPerMonth;
        b.instanceType = instanceType;
        b.instanceCount = instanceCount;
        b.dependencies = dependencies;
        return b;
    }

    /** Whether to subtract the Lambda free tier (1M requests, 400,000 GB-s a month). Off by default. */
    public boolean freeTier() {
        return freeTier;
    }

    /** Lambda provisioned concurrency to price (0 for none). */
    public int provisionedConcurrency() {
        return provisionedConcurrency;
    }

    /** Hours a month the provisioned concurrency is on. */
    public double provisionedHoursPerMonth() {
        return provisionedHoursPerMonth;
    }

    /** The SageMaker instance type to price, when the caller chose one. */
    public Optional<String> instanceType() {
        return Optional.ofNullable(instanceType);
    }

    /** The SageMaker instance count to price, when the caller chose one (0 means: not chosen, size it from traffic). */
    public int instanceCount() {
        return instanceCount;
    }

    /**
     * The model's Python dependencies as the caller measured (or failed to measure) them for the Lambda platform;
     * empty when nobody looked, and then a model with a {@code requirements.txt} gets a note that its dependencies
     * were not counted.
     */
    public Optional<DependencySizes> dependencies() {
        return Optional.ofNullable(dependencies);
    }

    @Override
    public String toString() {
        return "PlacementOptions{freeTier=" + freeTier + ", provisionedConcurrency=" + provisionedConcurrency
                + ", provisionedHoursPerMonth=" + provisionedHoursPerMonth + ", instanceType=" + instanceType
                + ", instanceCount=" + instanceCount
                + (dependencies == null ? "" : ", dependencies=" + dependencies.basis().word() + " "
                + dependencies.bytes()) + "}";
    }

    /** Builds {@link PlacementOptions}. */
    public static final class Builder {
        private boolean freeTier;
        private int provisionedConcurrency;
        private double provisionedHoursPerMonth = HOURS_PER_MONTH;
        private String instanceType;
        private int instanceCount;
        private DependencySizes dependencies;

        private Builder() {
        }

        public Builder freeTier(boolean freeTier) {
            this.freeTier = freeTier;
            return this;
        }

        /** Lambda provisioned concurrency to price, at least 0 (none). */
        public Builder provisionedConcurrency(int count) {
            if (count < 0) {
                throw new InvalidConfigurationException("provisioned concurrency must be at least 0, was " + count);
            }
            this.provisionedConcurrency = count;
            return this;
        }

        public Builder provisionedHoursPerMonth(double hours) {
            if (!(hours >= 0) || hours > HOURS_PER_MONTH) {
                throw new InvalidConfigurationException("provisioned hours must be 0 to " + HOURS_PER_MONTH
                        + " a month, was " + hours);
            }
            this.provisionedHoursPerMonth = hours;
            return this;
        }

        public Builder instanceType(String instanceType) {
            this.instanceType = Objects.requireNonNull(instanceType, "instanceType");
            return this;
        }

        /** The SageMaker instance count to price, at least 1 (leave it unset to size it from traffic). */
        public Builder instanceCount(int count) {
            if (count < 1) {
                throw new InvalidConfigurationException("instance count must be at least 1, was " + count
                        + " (leave it out to size it from traffic)");
            }
            this.instanceCount = count;
            return this;
        }

        /** The model's dependencies, measured or not (see {@link PlacementOptions#dependencies()}). */
        public Builder dependencies(DependencySizes dependencies) {
            this.dependencies = Objects.requireNonNull(dependencies, "dependencies");
            return this;
        }

        public PlacementOptions build() {
            return new PlacementOptions(this);
        }
    }
}
