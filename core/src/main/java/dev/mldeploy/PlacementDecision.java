package dev.mldeploy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What placement decided: every candidate with its reasons and cost, the chosen one (the cheapest feasible), and
 * an explanation for people. When nothing fits, the explanation lists every reason and names what would fit.
 * Immutable; thread-safe.
 */
public final class PlacementDecision {
    private final CandidateEvaluation chosen;
    private final List<CandidateEvaluation> candidates;
    private final String explanation;

    public PlacementDecision(CandidateEvaluation chosen, List<CandidateEvaluation> candidates, String explanation) {
        this.chosen = chosen;
        this.candidates = List.copyOf(candidates);
        this.explanation = Objects.requireNonNull(explanation, "explanation");
    }

    /** The chosen candidate; empty when nothing fits. */
    public Optional<CandidateEvaluation> chosen() {
        return Optional.ofNullable(chosen);
    }

    /** Every candidate evaluated, in evaluation order. */
    public List<CandidateEvaluation> candidates() {
        return candidates;
    }

    /** Why the choice was made, or why nothing fits; several lines. */
    public String explanation() {
        return explanation;
    }

    @Override
    public String toString() {
        return explanation;
    }
}
