package dev.mldeploy.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.placement.PlacementChecker;
import dev.mldeploy.PlacementDecision;
import dev.mldeploy.PlacementOptions;
import dev.mldeploy.placement.PlacementProfile;
import dev.mldeploy.spi.TargetProvider;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The placement checker of one deployer, built from its providers' {@link TargetProvider#placementProfiles()} and
 * nothing else, so a target that is not on the class path is never chosen. Checks that each provider's profiles are
 * its own (their target is the provider's name) and distinct. Immutable; thread-safe. Not API.
 */
final class ProviderPlacement {
    private final PlacementChecker checker;

    private ProviderPlacement(PlacementChecker checker) {
        this.checker = checker;
    }

    /**
     * @throws InvalidConfigurationException a provider contributes a profile of another target, or one twice
     */
    static ProviderPlacement of(Collection<TargetProvider> providers) {
        List<PlacementProfile> profiles = new ArrayList<>();
        List<TargetProvider> byName = new ArrayList<>(providers);
        // by name, so that profiles of equal order do not come in discovery order
        byName.sort(java.util.Comparator.comparing(TargetProvider::name));
        for (TargetProvider provider : byName) {
            Set<String> variants = new HashSet<>();
            for (PlacementProfile p : provider.placementProfiles()) {
                Objects.requireNonNull(p, () -> "a placement profile of provider " + provider.name());
                if (!provider.name().equals(p.target())) {
                    throw new InvalidConfigurationException("target provider '" + provider.name() + "' ("
                            + provider.getClass().getName() + ") contributes placement profile " + p.name()
                            + ", which belongs to target '" + p.target() + "'; a provider contributes only its own "
                            + "profiles");
                }
                if (!variants.add(p.variant())) {
                    throw new InvalidConfigurationException("target provider '" + provider.name()
                            + "' contributes placement profile " + p.name() + " twice; give each variant once");
                }
                profiles.add(p);
            }
        }
        return new ProviderPlacement(PlacementChecker.of(profiles));
    }

    /** Whether placement evaluates {@code target}. */
    boolean places(String target) {
        return checker.targets().contains(target);
    }

    /**
     * Evaluates every profile.
     *
     * @throws InvalidConfigurationException there is no profile at all
     */
    PlacementDecision decide(ModelSpec spec, PlacementOptions options) {
        requireProfiles();
        return checker.decide(spec, options);
    }

    /**
     * Evaluates {@code target}'s profiles.
     *
     * @throws InvalidConfigurationException there is no profile at all, or none of {@code target}
     */
    PlacementDecision decide(ModelSpec spec, PlacementOptions options, String target) {
        requireProfiles();
        if (!places(target)) {
            throw new InvalidConfigurationException("placement knows no target '" + target + "'; it evaluates "
                    + String.join(", ", checker.targets()) + " (or use auto)");
        }
        return checker.decide(spec, options, p -> p.target().equals(target));
    }

    private void requireProfiles() {
        if (checker.profiles().isEmpty()) {
            throw new InvalidConfigurationException("placement has no cloud target to evaluate: no target provider "
                    + "contributes a placement profile; add dev.mldeploy:mldeploy-lambda or "
                    + "dev.mldeploy:mldeploy-sagemaker to the class path, or name a target");
        }
    }
}
