package dev.mldeploy.sagemaker;

import dev.mldeploy.sagemaker.internal.SageMakerSettings;

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
    /** Throws {@link dev.mldeploy.InvalidConfigurationException} saying which value to change. */
    public AutoscalingSettings {
        new SageMakerSettings.Autoscaling(minInstances, maxInstances, targetInvocationsPerInstance); // checks there
    }

    public static AutoscalingSettings of(int minInstances, int maxInstances, double targetInvocationsPerInstance) {
        return new AutoscalingSettings(minInstances, maxInstances, targetInvocationsPerInstance);
    }
}
