package dev.mldeploy.spi;

import dev.mldeploy.TargetPlugin;
import dev.mldeploy.placement.PlacementProfile;
import java.util.List;

/**
 * A deployment target, found by {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/dev.mldeploy.spi.TargetProvider}; it needs a public no-argument constructor that
 * configures itself from the environment) or passed configured to
 * {@link dev.mldeploy.ModelDeployer.Builder#provider(TargetPlugin)}.
 *
 * <p>A provider declares its name, and for a cloud target the placement profiles (limits and cost model, one
 * per way it can run the model) the placement checker evaluates. Two providers with one name are an error.
 */
public interface TargetProvider extends TargetPlugin {

    /** The target's name: lower case letters, digits and hyphens ({@code local}, {@code sagemaker}, ...). */
    @Override
    String name();

    /** One line for people. */
    @Override
    String description();

    /**
     * The ways this target can run a model, each with its limits and cost model: the only source of this target's
     * profiles (the deployer adds none of its own). Each profile's {@link PlacementProfile#target()} is this
     * provider's {@link #name()}, and no two share a variant; the deployer refuses a provider that breaks either.
     * Their {@link PlacementProfile#order()} places them among all targets' profiles; at equal order, providers
     * come by name and each one's profiles in this list's order. Empty for a target that
     * placement does not consider (the local one).
     */
    default List<PlacementProfile> placementProfiles() {
        return List.of();
    }

    /** Writes the target's deployable artifacts without any remote call, when the target has any. */
    default java.util.Optional<Packager> packager() {
        return java.util.Optional.empty();
    }

    /**
     * The packager for the configuration {@code context} describes (the deployer's environment, where the CLI's
     * target options arrive as keys), checked as a deploy would check it, without building clients or calling
     * anything remote. Default: {@link #packager()}, for targets whose artifacts do not depend on it.
     *
     * @throws dev.mldeploy.InvalidConfigurationException a value in {@code context} cannot work
     */
    default java.util.Optional<Packager> packager(TargetContext context) {
        return packager();
    }

    /**
     * Creates the target. Fails fast with {@link dev.mldeploy.InvalidConfigurationException} when its configuration
     * cannot work (no region, malformed role ARN, ...), before any call that changes anything.
     */
    Target create(TargetContext context);
}
