package dev.mldeploy.sagemaker;

import dev.mldeploy.InvalidConfigurationException;
import java.util.Objects;
import java.util.regex.Pattern;

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
    private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$");

    public VariantSettings {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new InvalidConfigurationException("variant name '" + name + "' is invalid; use 1 to 63 letters, "
                    + "digits and hyphens, starting and ending with a letter or digit");
        }
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new InvalidConfigurationException("variant '" + name + "' has weight " + weight
                    + "; give a positive weight (traffic is split by the ratio of the weights)");
        }
        if (instanceType != null && !instanceType.startsWith("ml.")) {
            throw new InvalidConfigurationException("variant '" + name + "' has instance type '" + instanceType
                    + "'; SageMaker instance types start with 'ml.' (for example ml.m5.large)");
        }
        if (instanceCount < 0) {
            throw new InvalidConfigurationException("variant '" + name + "' has instance count " + instanceCount
                    + "; give at least 1 (or 0 to use the target's)");
        }
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
