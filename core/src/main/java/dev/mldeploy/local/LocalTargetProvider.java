package dev.mldeploy.local;

import dev.mldeploy.spi.Target;
import dev.mldeploy.spi.TargetContext;
import dev.mldeploy.spi.TargetProvider;

/**
 * The local target as {@link java.util.ServiceLoader} finds it: configures itself from the environment
 * ({@value LocalTarget#ENV_HOME}, {@value LocalTarget#ENV_PYTHON}, {@value LocalTarget#ENV_CONTRACT}); see
 * {@link LocalTarget#fromEnvironment(java.util.Map)}. Use {@link LocalTarget#builder()} to configure it in code.
 * Stateless and thread-safe.
 */
public final class LocalTargetProvider implements TargetProvider {

    /** For {@link java.util.ServiceLoader}. */
    public LocalTargetProvider() {
    }

    @Override
    public String name() {
        return LocalTarget.NAME;
    }

    @Override
    public String description() {
        return "a python3 process on 127.0.0.1 speaking the SageMaker serving contract (the embedded default)";
    }

    @Override
    public Target create(TargetContext context) {
        return LocalTarget.fromEnvironment(context.environment()).create(context);
    }
}
