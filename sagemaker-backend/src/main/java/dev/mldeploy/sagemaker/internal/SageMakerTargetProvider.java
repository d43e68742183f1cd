package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.sagemaker.SageMakerTarget;
import dev.mldeploy.spi.EnvironmentConfiguredProvider;
import dev.mldeploy.spi.TargetContext;
import dev.mldeploy.spi.TargetProvider;

/**
 * The {@code sagemaker} provider {@link java.util.ServiceLoader} finds: configures itself from the environment
 * the deployer passes ({@link EnvironmentConfig}). Thread-safe. Not API.
 */
public final class SageMakerTargetProvider extends EnvironmentConfiguredProvider {

    /** For {@link java.util.ServiceLoader}. */
    public SageMakerTargetProvider() {
        super(SageMakerTarget.builder().build());
    }

    @Override
    protected TargetProvider fromEnvironment(TargetContext context) {
        return EnvironmentConfig.fromEnvironment(context);
    }
}
