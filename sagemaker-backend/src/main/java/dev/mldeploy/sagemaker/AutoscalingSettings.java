package dev.mldeploy.sagemaker;

import dev.mldeploy.InvalidConfigurationException;

/**
 * Application Auto Scaling for each production variant of a real-time endpoint: a scalable target between
 * {@code minInstances} and {@code maxInstances}, and a target-tracking policy on
 * {@code SageMakerVariantInvocationsPerInstance}. Immutable and thread-safe.
 *
 * @param minInstances                 fewest instances per variant (at least 1)
 * @param maxInstances                 most instances per variant (at least {@code minInstances})
 * @param targetInvocationsPerInstance invocations per instance per minute the policy keeps the variant at
 */
public record AutoscalingSettings(int minInstances, int maxInstances, double targetInvocationsPerInstance) {
    public AutoscalingSettings {
        if (minInstances < 1) {
            throw new InvalidConfigurationException("autoscaling min instances " + minInstances
                    + " is invalid; a real-time variant needs at least 1");
        }
        if (maxInstances < minInstances) {
            throw new InvalidConfigurationException("autoscaling max instances " + maxInstances
                    + " is below min instances " + minInstances + "; give max >= min");
        }
        if (!(targetInvocationsPerInstance > 0) || Double.isInfinite(targetInvocationsPerInstance)) {
            throw new InvalidConfigurationException("autoscaling target " + targetInvocationsPerInstance
                    + " invocations per instance is invalid; give a positive number (per minute)");
        }
    }

    public static AutoscalingSettings of(int minInstances, int maxInstances, double targetInvocationsPerInstance) {
        return new AutoscalingSettings(minInstances, maxInstances, targetInvocationsPerInstance);
    }
}
