package dev.mldeploy.lambda;

import dev.mldeploy.Architecture;
import dev.mldeploy.Deployment;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ProgressListener;
import dev.mldeploy.aws.http.HttpAccess;
import dev.mldeploy.lambda.internal.FrontDoorSettings;
import dev.mldeploy.lambda.internal.ImageSettings;
import dev.mldeploy.lambda.internal.LambdaDeploymentTarget;
import dev.mldeploy.lambda.internal.LambdaLimits;
import dev.mldeploy.lambda.internal.LambdaSettings;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.Target;
import dev.mldeploy.spi.TargetContext;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The {@code lambda} target, configured: deploys a model as an AWS Lambda function (a deterministic zip of the model
 * directory and the mldeploy adapter, or a container image), publishes a version per change and points the alias
 * {@value #ALIAS} at it, and invokes the alias.
 *
 * <pre>{@code
 * ModelDeployer deployer = ModelDeployer.builder()
 *         .provider(LambdaTargetProvider.of(LambdaTarget.builder().region("eu-west-1").createRole(true).build()))
 *         .defaultTarget("lambda")
 *         .build();
 * }</pre>
 *
 * <p>What the builder leaves unset comes from the environment the deployer passes ({@code AWS_ENDPOINT_URL},
 * {@code AWS_REGION}/{@code AWS_DEFAULT_REGION}, {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}) and then
 * from the AWS SDK's default chains. Memory, timeout, ephemeral storage, architecture, runtime and provisioned
 * concurrency left unset here are what placement chose (the deploy's candidate), else the
 * {@link dev.mldeploy.ModelSpec}'s resources and {@code python<spec's Python version>}.
 *
 * <p>Time: every AWS request of a deploy or undeploy is bounded by what is left of its deadline
 * ({@link dev.mldeploy.DeployOptions#timeout()}, or {@link Builder#operationTimeout(Duration)} when tighter); a
 * describe, list, invoker lookup or invocation by {@link Builder#callTimeout(Duration)}. Clients mldeploy builds use
 * the SDK's standard retry mode.
 *
 * <p>Two deploys of one name at once: one takes a lease on the function (the alias {@code mldeploy-deploying}, at
 * most five minutes, renewed as it goes) and every change carries Lambda's RevisionId; the other fails with
 * {@link dev.mldeploy.ConflictException}. Undeploy finds what a killed deploy left (the role
 * {@code mldeploy-lambda-<name>}, packages under {@code mldeploy/lambda/<name>/}, versions of the layer
 * {@code <name>-deps}) from the name alone.
 *
 * <p>Dependencies: a model with a {@code requirements.txt} gets them as a Lambda layer, resolved for the function's
 * runtime and architecture ({@link Builder#python(String)}'s pip, binary wheels only) and published only when no
 * version with the same content exists, so a change to the model's code uploads the code zip alone. The resolved
 * dependencies are kept in {@link #dependencyCache()} ({@code <home>/resolutions}), keyed by the requirements'
 * bytes, the runtime's Python version, the architecture and pip's configuration, so a redeploy with an unchanged
 * {@code requirements.txt} runs no pip.
 *
 * <p>HTTPS front door: with {@link Builder#http(HttpAccess)} a deploy also makes an API Gateway REST API whose
 * {@code POST /invocations} invokes the alias (IAM auth, or an API key with a throttling usage plan), shows its URL
 * in {@link Deployment#httpUrl()}, and undeploy removes it; the contract is the same as on SageMaker.
 *
 * <p>Container images: with {@link Builder#packageType(PackageType) packageType(IMAGE)}, or when placement chooses
 * {@code lambda:image} (the model and its dependencies are over the 250 MB a zip may unpack to) and no package type
 * is set, mldeploy builds the image itself without Docker (AWS's Lambda Python base image, or
 * {@link Builder#baseImage(String)}, plus the dependencies, the adapter and the model in {@code /var/task}), pushes
 * it to the ECR repository {@code mldeploy/lambda/<name in lower case>} (created when missing, tagged as
 * mldeploy's, scanned on push) and deploys it with {@code PackageType=Image} by digest. The same model gives the
 * same digest, so a redeploy of an unchanged model uploads no blob and updates no code. Undeploy deletes the images
 * mldeploy pushed and the repository when mldeploy created it and it is then empty.
 *
 * <p>This class is the configuration only; {@link LambdaTargetProvider} is the provider. Immutable and thread-safe.
 * Clients given to the builder are used as they are and never closed by mldeploy.
 */
public final class LambdaTarget {
    /** The target's name. */
    public static final String NAME = LambdaSettings.NAME;
    /** The alias every deployment is invoked through. */
    public static final String ALIAS = LambdaSettings.ALIAS;
    /** Default poll interval while waiting for a function. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    /** Default bound on retrying "the role cannot be assumed by Lambda" after creating a role. */
    public static final Duration DEFAULT_ROLE_PROPAGATION_TIMEOUT = Duration.ofMinutes(2);
    /** Default bound on a describe or list (their SPI calls take no deadline). */
    public static final Duration DEFAULT_CALL_TIMEOUT = LambdaSettings.DEFAULT_CALL_TIMEOUT;
    /** Added to the function's own timeout to bound an invocation when no call timeout is set. */
    public static final Duration INVOKE_MARGIN = LambdaSettings.INVOKE_MARGIN;


    /**
     * VPC settings for the function. Immutable.
     *
     * @param subnetIds        subnets (at least one)
     * @param securityGroupIds security groups (at least one)
     */
    public record VpcConfig(List<String> subnetIds, List<String> securityGroupIds) {
        public VpcConfig {
            subnetIds = List.copyOf(subnetIds);
            securityGroupIds = List.copyOf(securityGroupIds);
            if (subnetIds.isEmpty() || securityGroupIds.isEmpty()) {
                throw new InvalidConfigurationException("a Lambda VPC configuration needs at least one subnet and "
                        + "one security group");
            }
        }
    }

    /** How the function's code is packaged ({@link Builder#packageType(PackageType)}). */
    public enum PackageType {
        /** A zip of the model and the adapter, with a dependency layer. */
        ZIP,
        /** A container image mldeploy builds and pushes to ECR. */
        IMAGE
    }

    private final LambdaSettings settings;
    private final FrontDoorSettings frontDoor;

    private LambdaTarget(LambdaSettings settings, FrontDoorSettings frontDoor) {
        this.settings = settings;
        this.frontDoor = frontDoor;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.region = settings.region();
        b.credentials = settings.credentialsProvider();
        b.lambdaClient = settings.lambdaClient();
        b.s3Client = settings.s3Client();
        b.iamClient = settings.iamClient();
        b.monitoring = settings.monitoring();
        b.endpoint = settings.endpointOverride();
        b.roleArn = settings.roleArn();
        b.createRole = settings.createRole();
        b.runtime = settings.runtime();
        b.architecture = settings.architecture();
        b.memoryMb = settings.memoryMb();
        b.functionTimeout = settings.functionTimeout();
        b.ephemeralStorageMb = settings.ephemeralStorageMb();
        b.environment.putAll(settings.environment());
        b.bucket = settings.bucket();
        b.createBucket = settings.createBucket();
        b.imageUri = settings.imageUri();
        b.provisionedConcurrency = settings.provisionedConcurrency();
        b.reservedConcurrency = settings.reservedConcurrency();
        b.vpc = vpc().orElse(null);
        b.tags.putAll(settings.tags());
        b.pollInterval = settings.pollInterval();
        b.operationTimeout = settings.operationTimeout();
        b.rolePropagationTimeout = settings.rolePropagationTimeout();
        b.callTimeout = settings.callTimeout();
        b.keepPackagesOnUndeploy = settings.keepPackagesOnUndeploy();
        b.directUploadLimitBytes = settings.directUploadLimitBytes();
        b.python = settings.python();
        b.pipEnvironment.putAll(settings.pipEnvironment());
        b.home = settings.home();
        b.http = frontDoor.http();
        b.apiGatewayClient = frontDoor.apiGatewayClient();
        b.image = settings.image();
        return b;
    }

    private static OptionalInt optionalInt(Integer value) {
        return value == null ? OptionalInt.empty() : OptionalInt.of(value);
    }

    /** The checked settings the internals work from (read by {@link LambdaTargetProvider}). */
    LambdaSettings settings() {
        return settings;
    }

    /** The front door settings the internals work from (read by {@link LambdaTargetProvider}). */
    FrontDoorSettings frontDoor() {
        return frontDoor;
    }

    /** The HTTPS front door a deploy gives the deployment, when set. */
    public Optional<HttpAccess> http() {
        return Optional.ofNullable(frontDoor.http());
    }

    public Optional<ApiGatewayClient> apiGatewayClient() {
        return Optional.ofNullable(frontDoor.apiGatewayClient());
    }

    /** A copy with {@code edit} applied. */
    public LambdaTarget with(Consumer<Builder> edit) {
        Builder b = toBuilder();
        edit.accept(b);
        return b.build();
    }

    /**
     * Points the alias of {@code deploymentName} back at the version published before the current one, through the
     * SPI ({@link Target#rollback}), and returns the deployment as it then stands. Clients this configuration does
     * not supply are built from it and the process environment, and closed afterwards.
     *
     * @throws dev.mldeploy.DeploymentNotFoundException there is no such deployment
     * @throws dev.mldeploy.NoPreviousVersionException  there is no earlier version
     * @deprecated use {@link dev.mldeploy.ModelDeployer#rollback(String, dev.mldeploy.DeployOptions)}, which works
     *     on every target and says from which version to which
     */
    @Deprecated
    public Deployment rollback(String deploymentName, ProgressListener listener) {
        Objects.requireNonNull(deploymentName, "deploymentName");
        try (Target target = LambdaDeploymentTarget.create(settings, new TargetContext(System.getenv()))) {
            return target.rollback(deploymentName, DeployContext.of(deploymentName, NAME,
                    Objects.requireNonNull(listener, "listener"), operationTimeout()
                            .orElse(dev.mldeploy.DeployOptions.DEFAULT_TIMEOUT))).deployment();
        }
    }

    public Optional<String> region() {
        return Optional.ofNullable(settings.region());
    }

    public Optional<AwsCredentialsProvider> credentialsProvider() {
        return Optional.ofNullable(settings.credentialsProvider());
    }

    public Optional<LambdaClient> lambdaClient() {
        return Optional.ofNullable(settings.lambdaClient());
    }

    public Optional<S3Client> s3Client() {
        return Optional.ofNullable(settings.s3Client());
    }

    public Optional<IamClient> iamClient() {
        return Optional.ofNullable(settings.iamClient());
    }

    public Optional<CloudWatchClient> cloudWatchClient() {
        return settings.monitoring().cloudWatchClient();
    }

    public Optional<CloudWatchLogsClient> logsClient() {
        return settings.monitoring().logsClient();
    }

    public Optional<URI> endpointOverride() {
        return Optional.ofNullable(settings.endpointOverride());
    }

    public Optional<String> roleArn() {
        return Optional.ofNullable(settings.roleArn());
    }

    public boolean createRole() {
        return settings.createRole();
    }

    /** The runtime, when set; otherwise {@code python<spec's Python version>}. */
    public Optional<String> runtime() {
        return Optional.ofNullable(settings.runtime());
    }

    public Optional<Architecture> architecture() {
        return Optional.ofNullable(settings.architecture());
    }

    public OptionalInt memoryMb() {
        return optionalInt(settings.memoryMb());
    }

    public Optional<Duration> functionTimeout() {
        return Optional.ofNullable(settings.functionTimeout());
    }

    public OptionalInt ephemeralStorageMb() {
        return optionalInt(settings.ephemeralStorageMb());
    }

    /** Environment variables added to the spec's (the spec's win on a clash). */
    public Map<String, String> environment() {
        return settings.environment();
    }

    public Optional<String> bucket() {
        return Optional.ofNullable(settings.bucket());
    }

    public boolean createBucket() {
        return settings.createBucket();
    }

    public Optional<String> imageUri() {
        return Optional.ofNullable(settings.imageUri());
    }

    /** Provisioned concurrency on the alias; 0 for none. */
    public int provisionedConcurrency() {
        return settings.provisionedConcurrency();
    }

    public OptionalInt reservedConcurrency() {
        return optionalInt(settings.reservedConcurrency());
    }

    public Optional<VpcConfig> vpc() {
        return Optional.ofNullable(settings.vpc()).map(v -> new VpcConfig(v.subnetIds(), v.securityGroupIds()));
    }

    /** Tags added to the spec's on every resource. */
    public Map<String, String> tags() {
        return settings.tags();
    }

    public Duration pollInterval() {
        return settings.pollInterval();
    }

    /** A bound on every deploy and undeploy, tighter than the caller's timeout when set. */
    public Optional<Duration> operationTimeout() {
        return Optional.ofNullable(settings.operationTimeout());
    }

    public Duration rolePropagationTimeout() {
        return settings.rolePropagationTimeout();
    }

    /**
     * The bound on each describe, list, invoker lookup and invocation, when set (the CLI sets it from
     * {@code --timeout}); otherwise {@link #DEFAULT_CALL_TIMEOUT} for describe and list, and the function's timeout
     * plus {@link #INVOKE_MARGIN} for an invocation. Deploy and undeploy are bounded by their own deadline.
     */
    public Optional<Duration> callTimeout() {
        return Optional.ofNullable(settings.callTimeout());
    }

    public boolean keepPackagesOnUndeploy() {
        return settings.keepPackagesOnUndeploy();
    }

    /** Zips larger than this go through S3 (Lambda's limit for a direct upload is 50 MB). */
    public long directUploadLimitBytes() {
        return settings.directUploadLimitBytes();
    }

    /** The interpreter whose pip resolves the dependency layer, when set; otherwise {@code python3}. */
    public Optional<String> python() {
        return Optional.ofNullable(settings.python());
    }

    /** {@code PIP_*} variables added to the environment of the pip that resolves the dependency layer. */
    public Map<String, String> pipEnvironment() {
        return settings.pipEnvironment();
    }

    /** The mldeploy home; default {@code ~/.mldeploy} ({@code MLDEPLOY_HOME}). */
    public java.nio.file.Path home() {
        return settings.home();
    }

    /**
     * Where the resolved dependencies of layers are cached: {@code <home>/resolutions}, one directory per pip
     * configuration, in it one per requirements content and platform. Never pruned by mldeploy; deleting it (or an
     * entry in it) makes the next deploy resolve again.
     */
    public java.nio.file.Path dependencyCache() {
        return settings.resolutionCache();
    }

    /** The recipe of a function's image ({@link LambdaImageRecipe}), as the internals build it. */
    private static ImageSettings.Prepared prepareImage(dev.mldeploy.ModelSpec spec, String runtime,
                                                       Architecture architecture,
                                                       dev.mldeploy.image.ImageReference base, String python,
                                                       Map<String, String> pip, Duration timeout) {
        LambdaImageRecipe.Builder b = LambdaImageRecipe.builder(spec).runtime(runtime).architecture(architecture)
                .python(python).pipEnvironment(pip).timeout(timeout);
        if (base != null) {
            b.baseImage(base);
        }
        LambdaImageRecipe r = b.prepare();
        return new ImageSettings.Prepared() {
            @Override
            public dev.mldeploy.image.ImageRecipe recipe() {
                return r.recipe();
            }

            @Override
            public void close() {
                r.close();
            }
        };
    }

    /** The package type set, if any; otherwise a zip unless placement chose {@code lambda:image}. */
    public Optional<PackageType> packageType() {
        Boolean image = settings.image().image();
        return image == null ? Optional.empty() : Optional.of(image ? PackageType.IMAGE : PackageType.ZIP);
    }

    /** The base image of images mldeploy builds, when set; otherwise AWS's Lambda Python image for the runtime. */
    public Optional<String> baseImage() {
        return Optional.ofNullable(settings.image().baseImage());
    }

    public Optional<EcrClient> ecrClient() {
        return Optional.ofNullable(settings.image().ecrClient());
    }

    @Override
    public String toString() {
        return "LambdaTarget" + settings.toString().substring("LambdaSettings".length());
    }

    /** Builds a {@link LambdaTarget}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private String region;
        private AwsCredentialsProvider credentials;
        private LambdaClient lambdaClient;
        private S3Client s3Client;
        private IamClient iamClient;
        private dev.mldeploy.aws.MonitoringClients monitoring = dev.mldeploy.aws.MonitoringClients.NONE;
        private URI endpoint;
        private String roleArn;
        private boolean createRole;
        private String runtime;
        private Architecture architecture;
        private Integer memoryMb;
        private Duration functionTimeout;
        private Integer ephemeralStorageMb;
        private final Map<String, String> environment = new TreeMap<>();
        private String bucket;
        private boolean createBucket;
        private String imageUri;
        private int provisionedConcurrency;
        private Integer reservedConcurrency;
        private VpcConfig vpc;
        private final Map<String, String> tags = new TreeMap<>();
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration operationTimeout;
        private Duration rolePropagationTimeout = DEFAULT_ROLE_PROPAGATION_TIMEOUT;
        private Duration callTimeout;
        private boolean keepPackagesOnUndeploy;
        private long directUploadLimitBytes = LambdaLimits.DIRECT_UPLOAD_BYTES;
        private String python;
        private final Map<String, String> pipEnvironment = new TreeMap<>();
        private java.nio.file.Path home = java.nio.file.Path.of(System.getProperty("user.home"), ".mldeploy");
        private HttpAccess http;
        private ApiGatewayClient apiGatewayClient;
        private ImageSettings image = new ImageSettings(null, null, null, LambdaTarget::prepareImage);

        private Builder() {
        }

        /**
         * Gives each deployment an HTTPS front door with this access ({@code HttpAccess.iam()}, or
         * {@code HttpAccess.apiKey(rate, burst)}); a deploy without one removes the front door an earlier deploy
         * made.
         */
        public Builder http(HttpAccess access) {
            this.http = Objects.requireNonNull(access, "http");
            return this;
        }

        /** A client to use for the front door instead of building one; mldeploy never closes it. */
        public Builder apiGatewayClient(ApiGatewayClient client) {
            this.apiGatewayClient = Objects.requireNonNull(client, "apiGatewayClient");
            return this;
        }

        /**
         * {@link PackageType#IMAGE}: build the function's container image and deploy it by digest;
         * {@link PackageType#ZIP}: always a zip. Unset: a zip, unless placement chose {@code lambda:image}.
         */
        public Builder packageType(PackageType packageType) {
            Objects.requireNonNull(packageType, "packageType");
            image = new ImageSettings(packageType == PackageType.IMAGE, image.baseImage(), image.ecrClient(),
                    image.recipes());
            return this;
        }

        /**
         * The base of the images mldeploy builds, by tag or digest, instead of
         * {@code public.ecr.aws/lambda/python:<runtime's version>}; it must provide the Lambda runtime interface.
         */
        public Builder baseImage(String reference) {
            image = new ImageSettings(image.image(), Objects.requireNonNull(reference, "baseImage"),
                    image.ecrClient(), image.recipes());
            return this;
        }

        /** A client to use instead of building one; mldeploy never closes it. */
        public Builder ecrClient(EcrClient client) {
            image = new ImageSettings(image.image(), image.baseImage(), Objects.requireNonNull(client, "ecrClient"),
                    image.recipes());
            return this;
        }

        public Builder region(String region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        public Builder credentialsProvider(AwsCredentialsProvider credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /** A client to use instead of building one; mldeploy never closes it. */
        public Builder lambdaClient(LambdaClient client) {
            this.lambdaClient = Objects.requireNonNull(client, "lambdaClient");
            return this;
        }

        /** A client to use instead of building one; mldeploy never closes it. */
        public Builder s3Client(S3Client client) {
            this.s3Client = Objects.requireNonNull(client, "s3Client");
            return this;
        }

        /** A client to use instead of building one; mldeploy never closes it. */
        public Builder iamClient(IamClient client) {
            this.iamClient = Objects.requireNonNull(client, "iamClient");
            return this;
        }

        /**
         * The CloudWatch client for the function's metrics, its alarms and a rollout's rollback alarms, instead of
         * one built from the region and credentials; the target never closes it.
         */
        public Builder cloudWatchClient(CloudWatchClient client) {
            this.monitoring = monitoring.withCloudWatch(Objects.requireNonNull(client, "cloudWatchClient"));
            return this;
        }

        /** The CloudWatch Logs client for the function's log, instead of one built; the target never closes it. */
        public Builder logsClient(CloudWatchLogsClient client) {
            this.monitoring = monitoring.withLogs(Objects.requireNonNull(client, "logsClient"));
            return this;
        }

        /** The endpoint for the clients mldeploy builds (an emulator); default {@code AWS_ENDPOINT_URL}. */
        public Builder endpointOverride(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        public Builder roleArn(String roleArn) {
            this.roleArn = Objects.requireNonNull(roleArn, "roleArn");
            return this;
        }

        /**
         * Whether mldeploy creates the execution role: trusted by lambda.amazonaws.com, with only
         * AWSLambdaBasicExecutionRole, tagged so that undeploy removes it.
         */
        public Builder createRole(boolean createRole) {
            this.createRole = createRole;
            return this;
        }

        /** {@code python3.10} to {@code python3.14}; default {@code python<spec's Python version>}. */
        public Builder runtime(String runtime) {
            this.runtime = Objects.requireNonNull(runtime, "runtime");
            return this;
        }

        public Builder architecture(Architecture architecture) {
            this.architecture = Objects.requireNonNull(architecture, "architecture");
            return this;
        }

        public Builder memoryMb(int memoryMb) {
            this.memoryMb = memoryMb;
            return this;
        }

        public Builder functionTimeout(Duration timeout) {
            this.functionTimeout = Objects.requireNonNull(timeout, "functionTimeout");
            return this;
        }

        public Builder ephemeralStorageMb(int mb) {
            this.ephemeralStorageMb = mb;
            return this;
        }

        public Builder environment(Map<String, String> environment) {
            Objects.requireNonNull(environment, "environment");
            this.environment.clear();
            environment.forEach((k, v) -> this.environment.put(Objects.requireNonNull(k), Objects.requireNonNull(v)));
            return this;
        }

        /** The bucket for zips over the direct upload limit (and for {@link #createBucket(boolean)}). */
        public Builder bucket(String bucket) {
            this.bucket = Objects.requireNonNull(bucket, "bucket");
            return this;
        }

        public Builder createBucket(boolean createBucket) {
            this.createBucket = createBucket;
            return this;
        }

        /** Deploys this ECR image (built on the AWS Lambda Python base image) instead of a zip. */
        public Builder imageUri(String imageUri) {
            this.imageUri = Objects.requireNonNull(imageUri, "imageUri");
            return this;
        }

        public Builder provisionedConcurrency(int provisionedConcurrency) {
            this.provisionedConcurrency = provisionedConcurrency;
            return this;
        }

        public Builder reservedConcurrency(int reservedConcurrency) {
            this.reservedConcurrency = reservedConcurrency;
            return this;
        }

        public Builder vpc(VpcConfig vpc) {
            this.vpc = Objects.requireNonNull(vpc, "vpc");
            return this;
        }

        public Builder tags(Map<String, String> tags) {
            Objects.requireNonNull(tags, "tags");
            this.tags.clear();
            tags.forEach((k, v) -> this.tags.put(Objects.requireNonNull(k), Objects.requireNonNull(v)));
            return this;
        }

        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = positive(pollInterval, "pollInterval");
            return this;
        }

        public Builder operationTimeout(Duration timeout) {
            this.operationTimeout = positive(timeout, "operationTimeout");
            return this;
        }

        public Builder rolePropagationTimeout(Duration timeout) {
            this.rolePropagationTimeout = positive(timeout, "rolePropagationTimeout");
            return this;
        }

        /**
         * Bounds each describe, list, invoker lookup and invocation (every AWS call and retry in it); the CLI passes
         * its {@code --timeout} here. Throttled invocations are retried by the SDK's standard retry mode within it.
         */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = positive(timeout, "callTimeout");
            return this;
        }

        public Builder keepPackagesOnUndeploy(boolean keep) {
            this.keepPackagesOnUndeploy = keep;
            return this;
        }

        /** Zips over this many bytes go through S3; default Lambda's 50 MB (lower it in tests). */
        public Builder directUploadLimitBytes(long bytes) {
            this.directUploadLimitBytes = bytes;
            return this;
        }

        /**
         * The interpreter whose pip resolves a model's {@code requirements.txt} into the dependency layer (for the
         * function's runtime and architecture, binary wheels only); default {@code python3}. pip's own
         * configuration ({@code PIP_INDEX_URL}, {@code PIP_FIND_LINKS}, {@code pip.conf}, ...) applies.
         */
        public Builder python(String python) {
            this.python = Objects.requireNonNull(python, "python");
            return this;
        }

        /**
         * {@code PIP_*} variables added to the environment of the pip that resolves the dependency layer (for
         * example {@code PIP_NO_INDEX=1} and {@code PIP_FIND_LINKS=DIR} for an offline wheelhouse); the process's own
         * environment and {@code pip.conf} apply as well. The provider fills this from the deployer's environment.
         */
        public Builder pipEnvironment(Map<String, String> environment) {
            Objects.requireNonNull(environment, "pipEnvironment");
            this.pipEnvironment.clear();
            environment.forEach((k, v) -> this.pipEnvironment.put(Objects.requireNonNull(k),
                    Objects.requireNonNull(v)));
            return this;
        }

        /**
         * The mldeploy home, default {@code ~/.mldeploy}: the resolved dependencies of layers are cached in its
         * {@code resolutions} directory, next to the local target's state and environments.
         */
        public Builder home(java.nio.file.Path home) {
            this.home = Objects.requireNonNull(home, "home");
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @throws InvalidConfigurationException a value cannot work (malformed role ARN, unsupported runtime, ...)
         */
        public LambdaTarget build() {
            return new LambdaTarget(new LambdaSettings(region, credentials,
                    lambdaClient, s3Client, iamClient,
                    endpoint, roleArn, createRole,
                    runtime, architecture, memoryMb,
                    functionTimeout, ephemeralStorageMb, environment,
                    bucket, createBucket, imageUri, provisionedConcurrency,
                    reservedConcurrency,
                    vpc == null ? null : new LambdaSettings.Vpc(vpc.subnetIds(), vpc.securityGroupIds()),
                    tags, pollInterval, operationTimeout, rolePropagationTimeout,
                    callTimeout, keepPackagesOnUndeploy, directUploadLimitBytes, python,
                    pipEnvironment, home.toAbsolutePath().normalize(), image, monitoring),
                    new FrontDoorSettings(http, apiGatewayClient));
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new InvalidConfigurationException(what + " must be positive, was " + d);
            }
            return d;
        }
    }
}
