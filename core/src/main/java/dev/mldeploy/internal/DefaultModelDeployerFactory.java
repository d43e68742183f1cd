package dev.mldeploy.internal;

import dev.mldeploy.ModelDeployer;
import dev.mldeploy.spi.ModelDeployerFactory;
import dev.mldeploy.spi.TargetProvider;
import java.util.List;
import java.util.Map;

/** Core's {@link ModelDeployerFactory}, registered in {@code META-INF/services}. Not API. */
public final class DefaultModelDeployerFactory implements ModelDeployerFactory {
    @Override
    public ModelDeployer create(String defaultTarget, List<TargetProvider> providers, boolean discover,
                                ClassLoader classLoader, Map<String, String> environment) {
        return new DefaultModelDeployer(defaultTarget, providers, discover, classLoader, environment);
    }
}
