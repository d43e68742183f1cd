package dev.mldeploy.lambda;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.aws.AwsEnvironment;
import dev.mldeploy.aws.http.HttpAccess;
import dev.mldeploy.lambda.internal.LambdaDeploymentTarget;
import dev.mldeploy.lambda.internal.LambdaPackager;
import dev.mldeploy.placement.PlacementProfile;
import dev.mldeploy.placement.PlacementProfiles;
import dev.mldeploy.spi.Packager;
import dev.mldeploy.spi.Target;
import dev.mldeploy.spi.TargetContext;
import dev.mldeploy.spi.TargetProvider;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code lambda} provider, the backend's only {@link TargetProvider}. Two ways to get one:
 * <ul>
 *   <li>{@link java.util.ServiceLoader} calls the public no-argument constructor; {@link #create(TargetContext)}
 *       then configures a {@link LambdaTarget} from the environment the deployer passes (the CLI's flags arrive as
 *       these keys): {@code MLDEPLOY_ROLE_ARN}, {@code MLDEPLOY_LAMBDA_CREATE_ROLE}, {@code MLDEPLOY_BUCKET},
 *       {@code MLDEPLOY_CREATE_BUCKET}, {@code MLDEPLOY_LAMBDA_PROVISIONED_CONCURRENCY},
 *       {@code MLDEPLOY_LAMBDA_RUNTIME}, {@code MLDEPLOY_LAMBDA_PACKAGE} ({@code zip} or {@code image}),
 *       {@code MLDEPLOY_BASE_IMAGE}, {@code MLDEPLOY_PYTHON} and every {@code PIP_*} key (pip for the
 *       dependency layer), {@code MLDEPLOY_HOME} (where resolved layers are cached), {@code MLDEPLOY_HTTP},
 *       {@code MLDEPLOY_HTTP_AUTH}, {@code MLDEPLOY_HTTP_RATE}, {@code MLDEPLOY_HTTP_BURST} (the HTTPS front door,
 *       {@link HttpAccess}), {@code MLDEPLOY_CALL_TIMEOUT} (describe, list, invoke) and
 *       {@code MLDEPLOY_TIMEOUT} (deploy, undeploy);</li>
 *   <li>{@link #of(LambdaTarget)} serves a configuration built in code, as given.</li>
 * </ul>
 * Either way {@code AWS_ENDPOINT_URL}, region and credentials the configuration leaves unset are read when the
 * clients are built. Immutable and thread-safe.
 */
public final class LambdaTargetProvider implements TargetProvider {
    public static final String ROLE_ARN = AwsEnvironment.ROLE_ARN;
    public static final String CREATE_ROLE = "MLDEPLOY_LAMBDA_CREATE_ROLE";
    public static final String BUCKET = AwsEnvironment.BUCKET;
    public static final String CREATE_BUCKET = AwsEnvironment.CREATE_BUCKET;
    public static final String PROVISIONED = "MLDEPLOY_LAMBDA_PROVISIONED_CONCURRENCY";
    public static final String RUNTIME = "MLDEPLOY_LAMBDA_RUNTIME";
    /** {@code zip} or {@code image}: how the function is packaged (unset: placement decides). */
    public static final String PACKAGE = "MLDEPLOY_LAMBDA_PACKAGE";
    /** The base image of the container images mldeploy builds. */
    public static final String BASE_IMAGE = "MLDEPLOY_BASE_IMAGE";
    /** The interpreter whose pip resolves the dependency layer (default {@code python3}). */
    public static final String PYTHON = "MLDEPLOY_PYTHON";
    /** The mldeploy home (default {@code ~/.mldeploy}): resolved dependency layers are cached under it. */
    public static final String HOME = "MLDEPLOY_HOME";

    /** The configuration given to {@link #of}, or null: configure from the environment at {@link #create}. */
    private final LambdaTarget target;

    /** For {@link java.util.ServiceLoader}: configures the target from the environment when it is created. */
    public LambdaTargetProvider() {
        this.target = null;
    }

    private LambdaTargetProvider(LambdaTarget target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    /** The provider that deploys with {@code target}; pass it to {@code ModelDeployer.builder().provider(...)}. */
    public static LambdaTargetProvider of(LambdaTarget target) {
        return new LambdaTargetProvider(target);
    }

    @Override
    public String name() {
        return LambdaTarget.NAME;
    }

    @Override
    public String description() {
        return "AWS Lambda: a zip (or container image) function, versioned, invoked through alias '"
                + LambdaTarget.ALIAS + "'";
    }

    /** Lambda's placement profiles: a .zip, then a container image (orders 10 and 20). */
    @Override
    public List<PlacementProfile> placementProfiles() {
        return PlacementProfiles.lambda();
    }

    /**
     * Writes {@code <name>-lambda.zip} and, when the model has a {@code requirements.txt}, its dependency layer
     * {@code <name>-lambda-layer.zip}: the exact zips a deploy uploads, without any AWS call. The packager SPI takes
     * no context, so without a configuration given to {@link #of} the layer is resolved with the runtime,
     * interpreter and pip configuration of this process's environment ({@code MLDEPLOY_LAMBDA_RUNTIME},
     * {@code MLDEPLOY_PYTHON}, {@code PIP_*}), as a deploy from the same shell would.
     */
    @Override
    public Optional<Packager> packager() {
        return Optional.of((spec, outDir) -> LambdaPackager.writeTo(spec, outDir,
                (target != null ? target : configure(new TargetContext(System.getenv()))).settings()));
    }

    /**
     * Creates the target: builds the SDK clients it was not given (region and credentials from the configuration,
     * then {@code context}'s environment, then the SDK's default chains).
     *
     * @throws InvalidConfigurationException a value in the environment is malformed, or no region can be found for
     *                                       a client that must be built
     */
    @Override
    public Target create(TargetContext context) {
        LambdaTarget t = target != null ? target : configure(context);
        return LambdaDeploymentTarget.create(t.settings(), t.frontDoor(), context);
    }

    @Override
    public String toString() {
        return "LambdaTargetProvider" + (target != null ? "[" + target + "]" : "[from the environment]");
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
        context.env(HOME).ifPresent(h -> {
            try {
                b.home(java.nio.file.Path.of(h));
            } catch (java.nio.file.InvalidPathException e) {
                throw new InvalidConfigurationException(HOME + "='" + h + "' is not a valid path: "
                        + e.getMessage(), e);
            }
        });
        context.env(PACKAGE).ifPresent(p -> b.packageType(switch (p.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "zip" -> LambdaTarget.PackageType.ZIP;
            case "image" -> LambdaTarget.PackageType.IMAGE;
            default -> throw new InvalidConfigurationException(PACKAGE + "='" + p + "' is not zip or image "
                    + "(--package)");
        }));
        context.env(BASE_IMAGE).ifPresent(b::baseImage);
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
        HttpAccess.fromEnvironment(context).ifPresent(b::http);
        return b.build();
    }

    private static boolean flag(TargetContext context, String key) {
        return AwsEnvironment.flag(context, key);
    }
}
