package dev.mldeploy.placement;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How one way of running the model (a target and a variant of it) fares.
 *
 * @param target   the target's name ({@code lambda}, {@code sagemaker})
 * @param variant  the way it runs there ({@code zip}, {@code image}, {@code realtime}, {@code serverless})
 * @param feasible whether it can hold the model
 * @param reasons  every limit the model breaks, with the numbers; empty when feasible
 * @param cost     the monthly cost estimate (computed even when infeasible, where it means something)
 * @param notes    what else to know (cold starts, sizing), for people
 * @param settings what placement chose on that target (instance type and count, memory), in key order
 */
public record CandidateEvaluation(String target, String variant, boolean feasible, List<String> reasons,
                                  CostEstimate cost, List<String> notes, Map<String, String> settings) {
    public CandidateEvaluation {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(variant, "variant");
        reasons = List.copyOf(reasons);
        Objects.requireNonNull(cost, "cost");
        notes = List.copyOf(notes);
        settings = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(settings));
        if (feasible && !reasons.isEmpty()) {
            throw new IllegalArgumentException("a feasible candidate has no reasons against it: " + reasons);
        }
        if (!feasible && reasons.isEmpty()) {
            throw new IllegalArgumentException("an infeasible candidate needs at least one reason");
        }
    }

    /** {@code target:variant}, for example {@code lambda:zip}. */
    public String name() {
        return target + ":" + variant;
    }
}
