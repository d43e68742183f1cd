package dev.mldeploy.spi;

import dev.mldeploy.placement.PlacementProfile;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Base of a provider that {@link java.util.ServiceLoader} finds and that configures its target from
 * {@link TargetContext#environment()}: name, description, placement profiles and packager come from a
 * default-configured provider; {@link #create(TargetContext)} configures one from the environment first.
 * Subclasses need a public no-argument constructor. Stateless; thread-safe.
 */
public abstract class EnvironmentConfiguredProvider implements TargetProvider {
    private final TargetProvider defaults;

    /** @param defaults the provider with default configuration, which answers everything but {@code create} */
    protected EnvironmentConfiguredProvider(TargetProvider defaults) {
        this.defaults = Objects.requireNonNull(defaults, "defaults");
    }

    /**
     * The provider configured as the environment says.
     *
     * @throws dev.mldeploy.InvalidConfigurationException a value is malformed
     */
    protected abstract TargetProvider fromEnvironment(TargetContext context);

    @Override
    public final String name() {
        return defaults.name();
    }

    @Override
    public final String description() {
        return defaults.description();
    }

    @Override
    public final List<PlacementProfile> placementProfiles() {
        return defaults.placementProfiles();
    }

    @Override
    public final Optional<Packager> packager() {
        return defaults.packager();
    }

    @Override
    public final Target create(TargetContext context) {
        return fromEnvironment(context).create(context);
    }
}
