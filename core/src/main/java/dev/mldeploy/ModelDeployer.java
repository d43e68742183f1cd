package dev.mldeploy;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * Deploys models to a target and hands out clients for them. The same calls work for every target: the local
 * process (the default), SageMaker and Lambda (when their modules are on the classpath), or {@code auto}, where
 * the placement checker picks the cheapest cloud target that can hold the model.
 *
 * <p>Deployment state lives with the target (AWS tags, the local state directory), so another process or
 * another deployer can describe, invoke or undeploy what this one deployed.
 *
 * <p>Thread-safe. {@link #close()} closes the clients it handed out and the targets it created.
 *
 * <pre>{@code
 * try (ModelDeployer deployer = ModelDeployer.create()) {
 *     deployer.deploy(ModelSpec.fromDirectory(Path.of("examples/models/sentiment")));
 *     try (InferenceClient client = deployer.client("sentiment")) {
 *         System.out.println(client.invokeJson("{\"text\": \"what a lovely day\"}"));
 *     }
 * }
 * }</pre>
 */
public interface ModelDeployer extends AutoCloseable {

    /** The name that asks for placement to choose the target. */
    String AUTO = "auto";
    /** The embedded default target. */
    String LOCAL = "local";

    /** A deployer with the targets found on the classpath, deploying to {@code local} by default. */
    static ModelDeployer create() {
        return builder().build();
    }

    static Builder builder() {
        return new Builder();
    }

    /** The default target's name ({@code local}, {@code auto}, or a provider's name). */
    String defaultTarget();

    /** The names of every target this deployer knows, sorted. */
    List<String> targets();

    /** Evaluates every cloud target for {@code spec} with default cost options. Makes no change anywhere. */
    default PlacementDecision plan(ModelSpec spec) {
        return plan(spec, PlacementOptions.defaults());
    }

    /**
     * Evaluates every cloud target for {@code spec}: limits, reasons, monthly cost, and the choice. The profiles are
     * those this deployer's providers contribute ({@code TargetProvider.placementProfiles()}).
     *
     * @throws InvalidConfigurationException no provider contributes a placement profile
     */
    default PlacementDecision plan(ModelSpec spec, PlacementOptions options) {
        return plan(spec, options, AUTO);
    }

    /**
     * Same as {@link #plan(ModelSpec, PlacementOptions)}, restricted to {@code target}'s profiles ({@code auto}: every
     * target's). Makes no change anywhere.
     *
     * @throws InvalidConfigurationException placement knows no target named {@code target} (the message lists those
     *                                       it knows)
     */
    PlacementDecision plan(ModelSpec spec, PlacementOptions options, String target);

    /**
     * Writes what {@code target} would deploy for {@code spec} (an archive, a Dockerfile) into {@code outDir},
     * without calling the target.
     *
     * @return the files written
     * @throws InvalidConfigurationException the target is unknown or has nothing to package
     */
    List<java.nio.file.Path> packageModel(ModelSpec spec, String target, java.nio.file.Path outDir);

    /** Deploys {@code spec} to the default target with default options. */
    default DeployResult deploy(ModelSpec spec) {
        return deploy(spec, DeployOptions.defaults());
    }

    /**
     * Deploys {@code spec}. Idempotent: an unchanged spec makes no change and says so
     * ({@link DeployResult.Change#UNCHANGED}); a changed spec updates the deployment in place.
     *
     * @throws InvalidSpecException           the spec cannot be deployed as it is (no source directory, ...)
     * @throws PlacementException             no target, or not the one asked for, can hold the model
     * @throws InvalidConfigurationException  the target is misconfigured (unknown name, missing credentials, ...)
     * @throws DeploymentFailedException      the target failed; what this deploy created has been cleaned up
     * @throws OperationTimeoutException      the deploy did not finish within {@link DeployOptions#timeout()}
     */
    DeployResult deploy(ModelSpec spec, DeployOptions options);

    default DeployResult deploy(ModelSpec spec, Consumer<DeployOptions.Builder> options) {
        return deploy(spec, DeployOptions.of(options));
    }

    /**
     * The deployment named {@code name}.
     *
     * @throws DeploymentNotFoundException there is none on the default target (on any target, for {@code auto})
     */
    Deployment describe(String name);

    /** Every deployment on the default target (on every target, for {@code auto}), sorted by name. */
    List<Deployment> list();

    /**
     * Removes the deployment named {@code name} and everything mldeploy created for it.
     *
     * @return whether there was anything to remove
     */
    boolean undeploy(String name);

    /** Same as {@link #undeploy(String)}, reporting progress while it waits. */
    default boolean undeploy(String name, ProgressListener listener) {
        return undeploy(name, listener, DeployOptions.DEFAULT_TIMEOUT);
    }

    /**
     * Same as {@link #undeploy(String, ProgressListener)}, giving up after {@code timeout}.
     *
     * @throws OperationTimeoutException it did not finish within {@code timeout}
     */
    boolean undeploy(String name, ProgressListener listener, java.time.Duration timeout);

    /** Moves the deployment named {@code name} back to its previous version, with default options. */
    default RollbackResult rollback(String name) {
        return rollback(name, DeployOptions.defaults());
    }

    /**
     * Moves the deployment named {@code name} back to the version it ran before its last change, on
     * {@link DeployOptions#target()} or the default target ({@code auto}: the target it is on), reporting progress
     * and giving up after the options' timeout. Lambda moves its alias back one version; SageMaker and local keep one
     * previous version, so a second rollback returns to the version rolled back from.
     *
     * @throws NotSupportedException        the target cannot roll back
     * @throws DeploymentNotFoundException  there is no such deployment
     * @throws NoPreviousVersionException   there is no earlier version, or it cannot be restored (nothing changed)
     * @throws OperationTimeoutException    it did not finish within {@link DeployOptions#timeout()}
     */
    RollbackResult rollback(String name, DeployOptions options);

    default RollbackResult rollback(String name, Consumer<DeployOptions.Builder> options) {
        return rollback(name, DeployOptions.of(options));
    }

    /**
     * What the target's monitoring (CloudWatch) recorded for the deployment named {@code name} over the query's window:
     * invocations, errors, latency percentiles, throttles and concurrency, per variant (SageMaker) or alias and
     * version (Lambda). On the default target ({@code auto}: the target it is on).
     *
     * @throws NotSupportedException        the target records no metrics (local)
     * @throws DeploymentNotFoundException  there is no such deployment
     * @throws OperationTimeoutException    reading took longer than the query's timeout
     */
    DeploymentMetrics metrics(String name, MetricsQuery query);

    /**
     * The newest lines (at most the query's limit) the deployment named {@code name} wrote to its own log since the
     * query's start, oldest first: its CloudWatch Logs group ({@code /aws/sagemaker/Endpoints/<endpoint>},
     * {@code /aws/lambda/<function>}), or the local process's log file. Call again with a later start to follow it.
     *
     * @throws DeploymentNotFoundException  there is no such deployment and no log of one
     * @throws OperationTimeoutException    reading took longer than the query's timeout
     */
    List<LogEvent> logs(String name, LogQuery query);

    /**
     * A client for the deployment named {@code name}.
     *
     * @throws DeploymentNotFoundException there is none
     */
    InferenceClient client(String name);

    @Override
    void close();

    /** Builds a {@link ModelDeployer}. */
    final class Builder {
        private String defaultTarget = LOCAL;
        private final java.util.List<TargetPlugin> providers = new java.util.ArrayList<>();
        private boolean discover = true;
        private ClassLoader classLoader;
        private Map<String, String> environment;

        private Builder() {
        }

        /** The target to deploy to when a call names none: a provider's name, or {@code auto}. Default local. */
        public Builder defaultTarget(String target) {
            this.defaultTarget = Objects.requireNonNull(target, "target");
            return this;
        }

        /**
         * Adds a configured provider (for example {@code SageMakerTarget.builder()...build()}). It wins over a
         * discovered provider of the same name. It must be a {@code dev.mldeploy.spi.TargetProvider}; {@link #build()}
         * refuses anything else.
         */
        public Builder provider(TargetPlugin provider) {
            this.providers.add(Objects.requireNonNull(provider, "provider"));
            return this;
        }

        /** Whether to find providers with {@link java.util.ServiceLoader}. Default true. */
        public Builder discoverProviders(boolean discover) {
            this.discover = discover;
            return this;
        }

        /** The class loader to discover providers with. Default: the thread's context class loader. */
        public Builder classLoader(ClassLoader classLoader) {
            this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
            return this;
        }

        /** The environment targets read their defaults from. Default: {@link System#getenv()}. */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
            return this;
        }

        /**
         * Builds the deployer.
         *
         * @throws InvalidConfigurationException two providers share a name, a provider is no {@code TargetProvider},
         *                                       or the default target is unknown
         */
        public ModelDeployer build() {
            return factory().create(defaultTarget, List.copyOf(providers), discover,
                    classLoader != null ? classLoader : Thread.currentThread().getContextClassLoader(),
                    environment != null ? environment : System.getenv());
        }

        /** Core's own implementation, looked up in core's class loader (a caller's loader may not see core). */
        private static ModelDeployerFactory factory() {
            List<ModelDeployerFactory> found = ServiceLoader.load(ModelDeployerFactory.class,
                    ModelDeployer.class.getClassLoader()).stream().map(ServiceLoader.Provider::get).toList();
            if (found.size() != 1) {
                throw new IllegalStateException("expected one " + ModelDeployerFactory.class.getName()
                        + " in META-INF/services (mldeploy-core ships it), found " + found.size()
                        + (found.isEmpty() ? "; a repackaged jar may have dropped the service files"
                        : ": " + found.stream().map(f -> f.getClass().getName()).toList()));
            }
            return found.get(0);
        }
    }
}
