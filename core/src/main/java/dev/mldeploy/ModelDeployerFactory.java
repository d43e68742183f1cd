package dev.mldeploy;

import java.util.List;
import java.util.Map;

/**
 * Makes the {@link ModelDeployer} that {@link ModelDeployer.Builder#build()} returns. Core ships the one
 * implementation and {@code build()} finds it with {@link java.util.ServiceLoader}, as SLF4J 2's
 * {@code LoggerFactory} finds its provider, so the API package never names its implementation (which would make
 * the API and the internal package a cycle). Not for backends: they implement {@code dev.mldeploy.spi.TargetProvider}.
 */
public interface ModelDeployerFactory {

    /**
     * @param defaultTarget the target for calls that name none
     * @param providers     explicitly configured providers, in the caller's order; each must be a
     *                      {@code dev.mldeploy.spi.TargetProvider}
     * @param discover      whether to add the providers {@link java.util.ServiceLoader} finds
     * @param classLoader   the class loader to discover providers with
     * @param environment   the environment targets read their defaults from
     */
    ModelDeployer create(String defaultTarget, List<? extends TargetPlugin> providers, boolean discover,
                         ClassLoader classLoader, Map<String, String> environment);
}
