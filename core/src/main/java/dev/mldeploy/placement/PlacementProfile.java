package dev.mldeploy.placement;

import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.PlacementOptions;

import dev.mldeploy.ModelSpec;

/**
 * One way a target can run a model, with its limits and its cost model. Pure: evaluating calls nothing remote.
 * Implementations are thread-safe.
 *
 * <p>A target's profiles come from its provider alone ({@link dev.mldeploy.spi.TargetProvider#placementProfiles()});
 * the checker evaluates and lists them by {@link #order()}, then by provider name, then in the provider's list order,
 * so neither the output nor a tie at equal cost depends on the order in which providers were found.
 */
public interface PlacementProfile {

    /** The target's name ({@code lambda}). */
    String target();

    /** The variant's name ({@code zip}). */
    String variant();

    /** {@code target:variant}. */
    default String name() {
        return target() + ":" + variant();
    }

    /**
     * Where this profile stands among all profiles: lower comes first in the plan and wins a tie at equal cost.
     * mldeploy's own: {@code lambda:zip} 10, {@code lambda:image} 20, {@code sagemaker:realtime} 30,
     * {@code sagemaker:serverless} 40. Default {@value #DEFAULT_ORDER}, after those.
     */
    default int order() {
        return DEFAULT_ORDER;
    }

    /** The {@link #order()} of a profile that declares none. */
    int DEFAULT_ORDER = 1000;

    /** Checks {@code spec} against every limit (collecting every reason) and estimates the monthly cost. */
    CandidateEvaluation evaluate(ModelSpec spec, PlacementOptions options);
}
