package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.placement.PlacementProfile;
import dev.mldeploy.sagemaker.SageMakerTarget;
import dev.mldeploy.spi.Packager;
import dev.mldeploy.spi.Target;
import dev.mldeploy.spi.TargetContext;
import dev.mldeploy.spi.TargetProvider;
import java.util.List;
import java.util.Optional;

/**
 * The {@code sagemaker} provider {@link java.util.ServiceLoader} finds: configures itself from the environment
 * the deployer passes ({@link EnvironmentConfig}). Thread-safe. Not API.
 */
public final class SageMakerTargetProvider implements TargetProvider {
    private static final SageMakerTarget DEFAULTS = SageMakerTarget.builder().build();

    /** For {@link java.util.ServiceLoader}. */
    public SageMakerTargetProvider() {
    }

    @Override
    public String name() {
        return SageMakerTarget.NAME;
    }

    @Override
    public String description() {
        return DEFAULTS.description();
    }

    @Override
    public List<PlacementProfile> placementProfiles() {
        return DEFAULTS.placementProfiles();
    }

    @Override
    public Optional<Packager> packager() {
        return DEFAULTS.packager();
    }

    @Override
    public Target create(TargetContext context) {
        return EnvironmentConfig.fromEnvironment(context).create(context);
    }
}
