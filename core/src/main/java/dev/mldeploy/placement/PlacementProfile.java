package dev.mldeploy.placement;

import dev.mldeploy.ModelSpec;

/**
 * One way a target can run a model, with its limits and its cost model. Pure: evaluating calls nothing remote.
 * Implementations are thread-safe.
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

    /** Checks {@code spec} against every limit (collecting every reason) and estimates the monthly cost. */
    CandidateEvaluation evaluate(ModelSpec spec, PlacementOptions options);
}
