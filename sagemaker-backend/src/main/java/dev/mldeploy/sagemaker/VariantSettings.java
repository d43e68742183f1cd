package dev.mldeploy.sagemaker;

import dev.mldeploy.sagemaker.internal.SageMakerSettings;
import java.util.Objects;

/**
 * One production variant of a real-time endpoint (A/B testing): SageMaker splits traffic between variants by the
 * ratio of their weights. Immutable and thread-safe.
 *
 * @param name          the variant's name (letters, digits and hyphens, at most 63 characters)
 * @param weight        its share of traffic relative to the other variants' weights (positive)
 * @param instanceType  its instance type ({@code ml.m5.large}), or null to use the target's
 * @param instanceCount its instance count (at least 1), or 0 to use the target's
 */
public record VariantSettings(String name, double weight, String instanceType, int instanceCount) {
    /** Throws {@link dev.mldeploy.InvalidConfigurationException} saying which value to change. */
    public VariantSettings {
        new SageMakerSettings.Variant(name, weight, instanceType, instanceCount); // checks live with the copy
    }

    /** A variant with {@code weight}, on the target's instance type and count. */
    public static VariantSettings of(String name, double weight) {
        return new VariantSettings(name, weight, null, 0);
    }

    /** A variant with {@code weight} on {@code instanceType} with {@code instanceCount} instances. */
    public static VariantSettings of(String name, double weight, String instanceType, int instanceCount) {
        return new VariantSettings(name, weight, Objects.requireNonNull(instanceType, "instanceType"),
                instanceCount);
    }
}
