package dev.mldeploy.internal;

import dev.mldeploy.ModelDeployer;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelDeployerFactory;
import dev.mldeploy.TargetPlugin;
import dev.mldeploy.spi.TargetProvider;
import java.util.List;
import java.util.Map;

/** Core's {@link ModelDeployerFactory}, registered in {@code META-INF/services}. Not API. */
public final class DefaultModelDeployerFactory implements ModelDeployerFactory {
    @Override
    public ModelDeployer create(String defaultTarget, List<? extends TargetPlugin> providers, boolean discover,
                                ClassLoader classLoader, Map<String, String> environment) {
        List<TargetProvider> checked = providers.stream().map(DefaultModelDeployerFactory::provider).toList();
        return new DefaultModelDeployer(defaultTarget, checked, discover, classLoader, environment);
    }

    private static TargetProvider provider(TargetPlugin plugin) {
        if (plugin instanceof TargetProvider provider) {
            return provider;
        }
        throw new InvalidConfigurationException("provider '" + plugin.name() + "' (" + plugin.getClass().getName()
                + ") is not a " + TargetProvider.class.getName() + "; pass the target's provider, for example "
                + "SageMakerTargetProvider.of(...), or implement TargetProvider");
    }
}
