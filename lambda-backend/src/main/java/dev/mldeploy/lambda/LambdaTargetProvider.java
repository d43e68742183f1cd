package dev.mldeploy.lambda;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.aws.AwsEnvironment;
import dev.mldeploy.spi.EnvironmentConfiguredProvider;
import dev.mldeploy.spi.TargetContext;
import dev.mldeploy.spi.TargetProvider;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code lambda} provider {@link java.util.ServiceLoader} finds. It configures a {@link LambdaTarget} from the
 * environment the deployer passes (the CLI's flags arrive as these keys): {@code MLDEPLOY_ROLE_ARN},
 * {@code MLDEPLOY_LAMBDA_CREATE_ROLE}, {@code MLDEPLOY_BUCKET}, {@code MLDEPLOY_CREATE_BUCKET},
 * {@code MLDEPLOY_LAMBDA_PROVISIONED_CONCURRENCY}, {@code MLDEPLOY_LAMBDA_RUNTIME}, {@code MLDEPLOY_PYTHON} and every {@code PIP_*} key (pip for the dependency layer), {@code MLDEPLOY_CALL_TIMEOUT} (describe,
 * list, invoke) and {@code MLDEPLOY_TIMEOUT} (deploy, undeploy); {@code AWS_ENDPOINT_URL}, region
 * and credentials are read when the clients are built. Stateless; thread-safe.
 */
public final class LambdaTargetProvider extends EnvironmentConfiguredProvider {
    public static final String ROLE_ARN = AwsEnvironment.ROLE_ARN;
    public static final String CREATE_ROLE = "MLDEPLOY_LAMBDA_CREATE_ROLE";
    public static final String BUCKET = AwsEnvironment.BUCKET;
    public static final String CREATE_BUCKET = AwsEnvironment.CREATE_BUCKET;
    public static final String PROVISIONED = "MLDEPLOY_LAMBDA_PROVISIONED_CONCURRENCY";
    public static final String RUNTIME = "MLDEPLOY_LAMBDA_RUNTIME";
    /** The interpreter whose pip resolves the dependency layer (the local target's key: one Python per user). */
    public static final String PYTHON = "MLDEPLOY_PYTHON";

    /** For {@link java.util.ServiceLoader}. */
    public LambdaTargetProvider() {
        super(new PackagingFromProcessEnvironment(LambdaTarget.builder().build()));
    }

    /**
     * The default configuration, except that its packager is configured from this process's environment when it
     * writes: the packager SPI takes no context, and {@code mldeploy package} must resolve the layer with the same
     * runtime, interpreter and pip configuration ({@code MLDEPLOY_LAMBDA_RUNTIME}, {@code MLDEPLOY_PYTHON},
     * {@code PIP_*}) a deploy from the same shell uses.
     */
    private record PackagingFromProcessEnvironment(LambdaTarget defaults) implements TargetProvider {
        @Override
        public String name() {
            return defaults.name();
        }

        @Override
        public String description() {
            return defaults.description();
        }

        @Override
        public java.util.List<dev.mldeploy.placement.PlacementProfile> placementProfiles() {
            return defaults.placementProfiles();
        }

        @Override
        public java.util.Optional<dev.mldeploy.spi.Packager> packager() {
            return java.util.Optional.of((spec, outDir) -> configure(new TargetContext(System.getenv())).packager()
                    .orElseThrow().write(spec, outDir));
        }

        @Override
        public dev.mldeploy.spi.Target create(TargetContext context) {
            return defaults.create(context);
        }
    }

    @Override
    protected TargetProvider fromEnvironment(TargetContext context) {
        return configure(context);
    }

    /**
     * The configuration the environment describes.
     *
     * @throws InvalidConfigurationException a value is malformed
     */
    public static LambdaTarget configure(TargetContext context) {
        LambdaTarget.Builder b = LambdaTarget.builder();
        context.env(ROLE_ARN).ifPresent(b::roleArn);
        boolean createRole = flag(context, CREATE_ROLE);
        if (createRole && context.env(ROLE_ARN).isPresent()) {
            throw new InvalidConfigurationException(ROLE_ARN + " and " + CREATE_ROLE + "=true are both set; give "
                    + "a role ARN or ask for a new role, not both");
        }
        b.createRole(createRole);
        context.env(BUCKET).ifPresent(b::bucket);
        b.createBucket(flag(context, CREATE_BUCKET));
        context.env(RUNTIME).ifPresent(b::runtime);
        context.env(PYTHON).ifPresent(b::python);
        Map<String, String> pip = new TreeMap<>();
        context.environment().forEach((k, v) -> {
            if (k.startsWith("PIP_")) {
                pip.put(k, v); // the deployer's pip configuration reaches pip even when it is not the process's
            }
        });
        b.pipEnvironment(pip);
        context.duration(TargetContext.CALL_TIMEOUT).ifPresent(b::callTimeout);
        context.duration(TargetContext.TIMEOUT).ifPresent(b::operationTimeout);
        AwsEnvironment.integer(context, PROVISIONED).ifPresent(b::provisionedConcurrency);
        return b.build();
    }

    private static boolean flag(TargetContext context, String key) {
        return AwsEnvironment.flag(context, key);
    }
}
