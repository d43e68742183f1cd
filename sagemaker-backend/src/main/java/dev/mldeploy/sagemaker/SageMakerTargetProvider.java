package dev.mldeploy.sagemaker;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.aws.AwsEnvironment;
import dev.mldeploy.aws.http.HttpAccess;
import dev.mldeploy.placement.PlacementProfile;
import dev.mldeploy.placement.PlacementProfiles;
import dev.mldeploy.sagemaker.internal.SageMakerDeploymentTarget;
import dev.mldeploy.sagemaker.internal.SageMakerPackager;
import dev.mldeploy.spi.Packager;
import dev.mldeploy.spi.Target;
import dev.mldeploy.spi.TargetContext;
import dev.mldeploy.spi.TargetProvider;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code sagemaker} provider, the backend's only {@link TargetProvider}. Two ways to get one:
 * <ul>
 *   <li>{@link java.util.ServiceLoader} calls the public no-argument constructor; {@link #create(TargetContext)}
 *       then configures a {@link SageMakerTarget} from the environment the deployer passes (the CLI maps its flags
 *       to these keys): {@code MLDEPLOY_ROLE_ARN}, {@code MLDEPLOY_BUCKET}, {@code MLDEPLOY_CREATE_BUCKET},
 *       {@code MLDEPLOY_IMAGE} (an image URI, or {@code build}: mldeploy builds and pushes it),
 *       {@code MLDEPLOY_BASE_IMAGE} (the base of the image it builds), {@code MLDEPLOY_SAGEMAKER_FRAMEWORK},
 *       {@code MLDEPLOY_SAGEMAKER_FRAMEWORK_VERSION}, {@code MLDEPLOY_SAGEMAKER_INSTANCE_TYPE}, {@code MLDEPLOY_SAGEMAKER_INSTANCE_COUNT},
 *       {@code MLDEPLOY_SAGEMAKER_SERVERLESS_MEMORY_MB}, {@code MLDEPLOY_SAGEMAKER_CREATE_ROLE}, {@code MLDEPLOY_HTTP},
 *       {@code MLDEPLOY_HTTP_AUTH}, {@code MLDEPLOY_HTTP_RATE}, {@code MLDEPLOY_HTTP_BURST}, {@code MLDEPLOY_CALL_TIMEOUT}, {@code MLDEPLOY_TIMEOUT},
 *       {@code AWS_ENDPOINT_URL}, {@code AWS_REGION};</li>
 *   <li>{@link #of(SageMakerTarget)} serves a configuration built in code, as given (the environment then only
 *       fills the region, endpoint and credentials the clients need).</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class SageMakerTargetProvider implements TargetProvider {
    static final String IMAGE = "MLDEPLOY_IMAGE";
    /** {@link #IMAGE}'s value that asks mldeploy to build the serving image. */
    static final String BUILD = "build";
    static final String BASE_IMAGE = "MLDEPLOY_BASE_IMAGE";
    static final String FRAMEWORK = "MLDEPLOY_SAGEMAKER_FRAMEWORK";
    static final String FRAMEWORK_VERSION = "MLDEPLOY_SAGEMAKER_FRAMEWORK_VERSION";
    static final String INSTANCE_TYPE = "MLDEPLOY_SAGEMAKER_INSTANCE_TYPE";
    static final String INSTANCE_COUNT = "MLDEPLOY_SAGEMAKER_INSTANCE_COUNT";
    static final String SERVERLESS_MEMORY_MB = "MLDEPLOY_SAGEMAKER_SERVERLESS_MEMORY_MB";
    /** {@code true}: mldeploy creates the execution role. */
    public static final String CREATE_ROLE = "MLDEPLOY_SAGEMAKER_CREATE_ROLE";

    /** The configuration given to {@link #of}, or null: configure from the environment at {@link #create}. */
    private final SageMakerTarget target;

    /** For {@link java.util.ServiceLoader}: configures the target from the environment when it is created. */
    public SageMakerTargetProvider() {
        this.target = null;
    }

    private SageMakerTargetProvider(SageMakerTarget target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    /** The provider that deploys with {@code target}; pass it to {@code ModelDeployer.builder().provider(...)}. */
    public static SageMakerTargetProvider of(SageMakerTarget target) {
        return new SageMakerTargetProvider(target);
    }

    @Override
    public String name() {
        return SageMakerTarget.NAME;
    }

    @Override
    public String description() {
        return "Amazon SageMaker real-time and serverless endpoints (AWS's prebuilt framework images, or your own "
                + "container serving the adapter)";
    }

    /** SageMaker's placement profiles: real-time, then serverless (orders 30 and 40). */
    @Override
    public List<PlacementProfile> placementProfiles() {
        return PlacementProfiles.sagemaker();
    }

    /** Writes {@code model.tar.gz} and a {@code Dockerfile} for the serving container; calls nothing remote. */
    @Override
    public Optional<Packager> packager() {
        SageMakerTarget t = target != null ? target : SageMakerTarget.builder().build();
        return Optional.of(new SageMakerPackager(t.compressionLevel()));
    }

    /**
     * The packager for the configuration {@code context} describes (unless a configuration was given to
     * {@link #of}), checked as a deploy checks it: with a prebuilt framework ({@code MLDEPLOY_SAGEMAKER_FRAMEWORK},
     * {@code MLDEPLOY_SAGEMAKER_FRAMEWORK_VERSION}, the CLI's {@code --framework} and {@code --framework-version})
     * it writes only the artifact for that framework's image.
     *
     * @throws InvalidConfigurationException an unknown framework or version, or one given with an image
     */
    @Override
    public Optional<Packager> packager(TargetContext context) {
        SageMakerTarget t = target != null ? target : targetFrom(context);
        if (t.framework().isEmpty() && t.frameworkVersion().isEmpty()) {
            return Optional.of(new SageMakerPackager(t.compressionLevel()));
        }
        return Optional.of(SageMakerPackager.forFramework(t.compressionLevel(), t.framework().orElse(null),
                t.frameworkVersion().orElse(null)));
    }

    /**
     * Builds the clients it was not given and returns the target. Fails with {@link InvalidConfigurationException}
     * when a value in the environment is malformed, or when no region can be found (set {@code AWS_REGION} or
     * {@link SageMakerTarget.Builder#region(String)}).
     */
    @Override
    public Target create(TargetContext context) {
        SageMakerTarget t = target != null ? target : targetFrom(context);
        return SageMakerDeploymentTarget.create(t.settings(), t.access(), context);
    }

    @Override
    public String toString() {
        return "SageMakerTargetProvider" + (target != null ? "[" + target + "]" : "[from the environment]");
    }

    /** A target configured from {@code context}'s environment. */
    static SageMakerTarget targetFrom(TargetContext context) {
        SageMakerTarget.Builder b = SageMakerTarget.builder();
        AwsEnvironment.region(context).ifPresent(b::region);
        AwsEnvironment.endpoint(context).ifPresent(b::endpointOverride);
        context.env(AwsEnvironment.ROLE_ARN).ifPresent(b::roleArn);
        context.env(AwsEnvironment.BUCKET).ifPresent(b::bucket);
        if (context.env(AwsEnvironment.CREATE_BUCKET).isPresent()) {
            b.createBucket(AwsEnvironment.flag(context, AwsEnvironment.CREATE_BUCKET));
        }
        context.env(IMAGE).ifPresent(i -> {
            if (BUILD.equals(i.trim())) {
                b.buildImage(true);
            } else {
                b.image(i);
            }
        });
        context.env(BASE_IMAGE).ifPresent(b::baseImage);
        context.env(FRAMEWORK).ifPresent(b::framework);
        context.env(FRAMEWORK_VERSION).ifPresent(b::frameworkVersion);
        context.env(INSTANCE_TYPE).ifPresent(b::instanceType);
        AwsEnvironment.integer(context, INSTANCE_COUNT).ifPresent(b::instanceCount);
        AwsEnvironment.integer(context, SERVERLESS_MEMORY_MB).ifPresent(v -> b.serverless(ServerlessSettings.of(v)));
        // The longest one describe, list or invoke call, and the longest deploy or undeploy, may take.
        context.duration(TargetContext.CALL_TIMEOUT).ifPresent(b::callTimeout);
        context.duration(TargetContext.TIMEOUT).ifPresent(b::timeout);
        boolean createRole = AwsEnvironment.flag(context, CREATE_ROLE);
        if (createRole && context.env(AwsEnvironment.ROLE_ARN).isPresent()) {
            throw new InvalidConfigurationException(AwsEnvironment.ROLE_ARN + " and " + CREATE_ROLE + "=true are "
                    + "both set; give a role ARN or ask for a new role, not both");
        }
        b.createRole(createRole);
        HttpAccess.fromEnvironment(context).ifPresent(b::http);
        return b.build();
    }
}
