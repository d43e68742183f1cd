package dev.mldeploy.placement;

import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.PlacementDecision;
import dev.mldeploy.PlacementOptions;

import dev.mldeploy.ModelSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates every cloud placement profile for a model, rejects each infeasible one with every reason, and picks
 * the cheapest feasible one (the earlier profile at equal cost), explaining the choice. Profiles are kept in
 * {@link PlacementProfile#order()} order; profiles of equal order keep the order they were given in (the deployer
 * gives them by provider name, then in each provider's list order). Pure and thread-safe.
 *
 * <p>A {@link dev.mldeploy.ModelDeployer} builds its checker from its providers' profiles alone
 * ({@link dev.mldeploy.ModelDeployer#plan(ModelSpec, PlacementOptions, String)}); {@link #create()} is for
 * planning without a deployer.
 *
 * <p>The explanation names the choice, its cost and settings, and for every other candidate why it does not fit
 * or how much more it costs, with each one's cost items. Features only SageMaker real-time has (a GPU, more than
 * one A/B variant, data capture) decide by themselves, and the explanation says so. Where sparse traffic (fewer
 * than 8,760 requests a month, one per 5 minutes) meets a tight latency need (a maximum inference time of at most
 * 1 s), the Lambda and SageMaker serverless candidates note that cold starts apply and what to do. When nothing
 * fits, it lists every reason of every candidate and names what would: SageMaker asynchronous inference (up to
 * 1 h per request, 1 GB payloads) or batch transform beyond that.
 */
public final class PlacementChecker {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementChecker.class);
    private final List<PlacementProfile> profiles;

    private PlacementChecker(List<PlacementProfile> profiles) {
        this.profiles = List.copyOf(profiles);
    }

    /** A checker over the built-in profiles of every cloud target mldeploy knows. */
    public static PlacementChecker create() {
        return of(builtInProfiles());
    }

    /**
     * A checker over {@code profiles}, sorted by {@link PlacementProfile#order()} (equal orders keep their given
     * order); a later profile replaces an earlier one of the same name.
     */
    public static PlacementChecker of(List<? extends PlacementProfile> profiles) {
        Map<String, PlacementProfile> byName = new LinkedHashMap<>();
        for (PlacementProfile p : profiles) {
            byName.put(Objects.requireNonNull(p, "profile").name(), p);
        }
        List<PlacementProfile> sorted = new ArrayList<>(byName.values());
        sorted.sort(Comparator.comparingInt(PlacementProfile::order)); // stable: equal orders keep the given order
        return new PlacementChecker(sorted);
    }

    /**
     * The profiles of the cloud targets mldeploy knows, whether or not their modules are on the class path (the ones
     * their providers contribute), for planning without a deployer:
     * {@code lambda:zip}, {@code lambda:image}, {@code sagemaker:realtime}, {@code sagemaker:serverless}, in that
     * order (at equal cost the earlier one is chosen): the lists {@link PlacementProfiles} gives the providers.
     * Packages are sized with {@link PackageSizer#standard()}.
     */
    public static List<PlacementProfile> builtInProfiles() {
        return builtInProfiles(PackageSizer.standard());
    }

    /** {@link #builtInProfiles()} with Lambda package sizes from {@code sizer}. */
    public static List<PlacementProfile> builtInProfiles(PackageSizer sizer) {
        return PlacementProfiles.all(sizer);
    }

    /** The profiles, in evaluation order. */
    public List<PlacementProfile> profiles() {
        return profiles;
    }

    /** The names of the targets the profiles belong to, in evaluation order, each once. */
    public List<String> targets() {
        return profiles.stream().map(PlacementProfile::target).distinct().toList();
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
        if (LOG.isDebugEnabled()) {
            LOG.debug("placement for '{}': {}", spec.name(), chosen == null ? "nothing fits" : chosen.name() + " at $"
                    + chosen.cost().totalUsd());
        }
        return new PlacementDecision(chosen, evaluated, explain(spec, chosen, evaluated));
    }

    private static String explain(ModelSpec spec, CandidateEvaluation chosen, List<CandidateEvaluation> all) {
        return Explanation.of(spec, chosen, all);
    }
}
