package dev.mldeploy.sagemaker;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.aws.http.HttpAccess;
import dev.mldeploy.sagemaker.internal.AccessSettings;
import dev.mldeploy.sagemaker.internal.ImageBuild;
import dev.mldeploy.sagemaker.internal.SageMakerSettings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;

/**
 * The {@code sagemaker} target, configured: deploys a model to an Amazon SageMaker real-time or serverless
 * endpoint. Pass it to {@code ModelDeployer.builder().provider(SageMakerTargetProvider.of(...))}; this class is
 * the configuration only, {@link SageMakerTargetProvider} the provider.
 *
 * <pre>{@code
 * SageMakerTarget sagemaker = SageMakerTarget.builder()
 *         .region("us-east-1")
 *         .roleArn("arn:aws:iam::123456789012:role/SageMakerExecution")
 *         .bucket("my-models")
 *         .image("123456789012.dkr.ecr.us-east-1.amazonaws.com/mldeploy-serve:latest")
 *         .instanceType("ml.m5.large")
 *         .build();
 * }</pre>
 *
 * <p>Serving image: the one given ({@link Builder#image(String)}), AWS's prebuilt framework image by default, or,
 * with {@link Builder#buildImage(boolean) buildImage(true)} ({@code --image build}), one mldeploy builds without
 * Docker ({@code python:<version>-slim} or {@link Builder#baseImage(String)}, the model's dependencies and the
 * serving adapter), pushes to the ECR repository {@code mldeploy/sagemaker/<name in lower case>} (created when
 * missing, tagged as mldeploy's, scanned on push) and runs by digest; the model, config and endpoint record the
 * digest, so a redeploy of an unchanged model changes nothing. Undeploy deletes the images mldeploy pushed and the
 * repository when mldeploy created it and it is then empty.
 *
 * <p>Every setting is validated when built ({@link InvalidConfigurationException} saying what to change), before
 * any AWS call. What a deploy needs but the target does not have (role, bucket) fails the deploy before any AWS
 * call. Without an {@link Builder#image(String) image} the model runs on AWS's prebuilt framework serving image
 * ({@link Builder#framework(String)}), so no Docker build is needed. Clients the caller gives are used as they are and never closed; clients the target builds use
 * the SDK's default region and credential chains (or the region and credentials given), the standard retry
 * mode, the endpoint override or {@code AWS_ENDPOINT_URL} (with S3 path-style access), and are closed with the
 * target. Immutable and thread-safe.
 *
 * <p>Time: every AWS call of a deploy or undeploy carries an {@code apiCallTimeout} (and half of it as
 * {@code apiCallAttemptTimeout}) of what is left of the caller's timeout ({@code DeployOptions.timeout}, or
 * {@link Builder#timeout(Duration)} when shorter), so neither a call nor a wait outlives it; describe, list and
 * invoke calls carry {@link Builder#callTimeout(Duration)} ({@code MLDEPLOY_CALL_TIMEOUT}) when set.
 *
 * <p>Roles and HTTPS: {@link Builder#createRole(boolean)} has mldeploy create the execution role
 * ({@code mldeploy-sm-<name>}, trusted by SageMaker, allowed only the deployment's artifacts, log group and image);
 * {@link Builder#http(HttpAccess)} gives the endpoint an API Gateway front door ({@code POST /invocations}, IAM or
 * API key auth) whose URL {@link dev.mldeploy.Deployment#httpUrl()} shows. Undeploy removes both.
 */
public final class SageMakerTarget {
    /** The target's name. */
    public static final String NAME = SageMakerSettings.NAME;
    public static final String DEFAULT_PREFIX = "mldeploy";
    public static final String DEFAULT_INSTANCE_TYPE = SageMakerSettings.DEFAULT_INSTANCE_TYPE;
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(15);

    private final SageMakerSettings settings;
    private final AccessSettings access;

    private SageMakerTarget(SageMakerSettings settings, AccessSettings access) {
        this.settings = settings;
        this.access = access;
        access.check(settings);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.region = settings.region();
        b.credentialsProvider = settings.credentialsProvider();
        b.sageMakerClient = settings.sageMakerClient();
        b.runtimeClient = settings.runtimeClient();
        b.s3Client = settings.s3Client();
        b.autoScalingClient = settings.autoScalingClient();
        b.monitoring = settings.monitoring();
        b.endpointOverride = settings.endpointOverride();
        b.clientOverride = settings.clientOverride();
        b.roleArn = settings.roleArn();
        b.bucket = settings.bucket();
        b.prefix = settings.prefix();
        b.createBucket = settings.createBucket();
        b.image = settings.image();
        b.instanceType = settings.instanceType();
        b.instanceCount = settings.instanceCount();
        b.serverless = serverless().orElse(null);
        b.variants.addAll(variants());
        b.dataCapture = dataCapture().orElse(null);
        b.kmsKeyId = settings.kmsKeyId();
        b.vpc = vpc().orElse(null);
        b.tags.putAll(settings.tags());
        b.pollInterval = settings.pollInterval();
        b.timeout = settings.timeout();
        b.callTimeout = settings.callTimeout();
        b.autoscaling = autoscaling().orElse(null);
        b.keepArtifactsOnUndeploy = settings.keepArtifactsOnUndeploy();
        b.uncompressedArtifacts = settings.uncompressedArtifacts();
        b.compressionLevel = settings.compressionLevel();
        b.framework = settings.framework();
        b.frameworkVersion = settings.frameworkVersion();
        b.createRole = access.createRole();
        b.http = access.http();
        b.iamClient = access.iamClient();
        b.apiGatewayClient = access.apiGatewayClient();
        b.imageBuild = settings.imageBuild();
        return b;
    }

    /** The role and front door settings the internals work from (read by {@link SageMakerTargetProvider}). */
    AccessSettings access() {
        return access;
    }

    /** Whether mldeploy creates the execution role. */
    public boolean createRole() {
        return access.createRole();
    }

    /** The HTTPS front door a deploy gives the endpoint, when set. */
    public Optional<HttpAccess> http() {
        return Optional.ofNullable(access.http());
    }

    public Optional<IamClient> iamClient() {
        return Optional.ofNullable(access.iamClient());
    }

    public Optional<ApiGatewayClient> apiGatewayClient() {
        return Optional.ofNullable(access.apiGatewayClient());
    }

    /** The checked settings the internals work from (read by {@link SageMakerTargetProvider}). */
    SageMakerSettings settings() {
        return settings;
    }

    public Optional<String> region() {
        return Optional.ofNullable(settings.region());
    }

    public Optional<AwsCredentialsProvider> credentialsProvider() {
        return Optional.ofNullable(settings.credentialsProvider());
    }

    public Optional<SageMakerClient> sageMakerClient() {
        return Optional.ofNullable(settings.sageMakerClient());
    }

    public Optional<SageMakerRuntimeClient> runtimeClient() {
        return Optional.ofNullable(settings.runtimeClient());
    }

    public Optional<S3Client> s3Client() {
        return Optional.ofNullable(settings.s3Client());
    }

    public Optional<ApplicationAutoScalingClient> autoScalingClient() {
        return Optional.ofNullable(settings.autoScalingClient());
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

    /** Applied to the override configuration of every client the target builds (after the standard retry mode). */
    public Optional<Consumer<ClientOverrideConfiguration.Builder>> clientOverride() {
        return Optional.ofNullable(settings.clientOverride());
    }

    public Optional<String> roleArn() {
        return Optional.ofNullable(settings.roleArn());
    }

    public Optional<String> bucket() {
        return Optional.ofNullable(settings.bucket());
    }

    /** The key prefix for artifacts in the bucket (no leading or trailing slash). */
    public String prefix() {
        return settings.prefix();
    }

    public boolean createBucket() {
        return settings.createBucket();
    }

    public Optional<String> image() {
        return Optional.ofNullable(settings.image());
    }

    /** The prebuilt framework image's framework when set (without an image: sklearn for CPU, pytorch for GPU). */
    public Optional<String> framework() {
        return Optional.ofNullable(settings.framework());
    }

    /** The prebuilt framework image's version when set (otherwise the newest mldeploy knows). */
    public Optional<String> frameworkVersion() {
        return Optional.ofNullable(settings.frameworkVersion());
    }

    /** Whether mldeploy builds and pushes the serving image itself. */
    public boolean buildImage() {
        return settings.imageBuild().build();
    }

    /** The base of the serving image mldeploy builds, when set; otherwise {@code python:<version>-slim}. */
    public Optional<String> baseImage() {
        return Optional.ofNullable(settings.imageBuild().baseImage());
    }

    public Optional<EcrClient> ecrClient() {
        return Optional.ofNullable(settings.imageBuild().ecrClient());
    }

    /** The recipe of a serving image ({@link SageMakerImageRecipe}), as the internals build it. */
    private static ImageBuild.Prepared prepareImage(dev.mldeploy.ModelSpec spec, dev.mldeploy.Architecture arch,
                                                    dev.mldeploy.image.ImageReference base, Duration timeout) {
        SageMakerImageRecipe.Builder b = SageMakerImageRecipe.builder(spec).architecture(arch).timeout(timeout);
        if (base != null) {
            b.baseImage(base);
        }
        SageMakerImageRecipe r = b.prepare();
        return new ImageBuild.Prepared() {
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

    /** The instance type when set; otherwise placement's choice, else {@value #DEFAULT_INSTANCE_TYPE}. */
    public Optional<String> instanceType() {
        return Optional.ofNullable(settings.instanceType());
    }

    /** The instance count when set (0: placement's choice, else 1). */
    public int instanceCount() {
        return settings.instanceCount();
    }

    public Optional<ServerlessSettings> serverless() {
        return Optional.ofNullable(settings.serverless())
                .map(s -> new ServerlessSettings(s.memoryMb(), s.maxConcurrency()));
    }

    public List<VariantSettings> variants() {
        return settings.variants().stream()
                .map(v -> new VariantSettings(v.name(), v.weight(), v.instanceType(), v.instanceCount())).toList();
    }

    public Optional<DataCaptureSettings> dataCapture() {
        return Optional.ofNullable(settings.dataCapture())
                .map(d -> new DataCaptureSettings(d.destinationS3Uri(), d.samplingPercentage()));
    }

    public Optional<String> kmsKeyId() {
        return Optional.ofNullable(settings.kmsKeyId());
    }

    public Optional<VpcSettings> vpc() {
        return Optional.ofNullable(settings.vpc()).map(v -> new VpcSettings(v.subnetIds(), v.securityGroupIds()));
    }

    /** Tags added to every resource, besides mldeploy's own and the spec's. */
    public Map<String, String> tags() {
        return settings.tags();
    }

    public Duration pollInterval() {
        return settings.pollInterval();
    }

    /** The longest a deploy or undeploy waits, when shorter than the caller's timeout. */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(settings.timeout());
    }

    /**
     * The longest one describe, list or invoke call may take, retries included (deploy and undeploy calls are
     * bounded by what is left of their timeout instead); empty: the clients' own settings.
     */
    public Optional<Duration> callTimeout() {
        return Optional.ofNullable(settings.callTimeout());
    }

    public Optional<AutoscalingSettings> autoscaling() {
        return Optional.ofNullable(settings.autoscaling()).map(a -> new AutoscalingSettings(a.minInstances(),
                a.maxInstances(), a.targetInvocationsPerInstance()));
    }

    public boolean keepArtifactsOnUndeploy() {
        return settings.keepArtifactsOnUndeploy();
    }

    /** Whether artifacts are uploaded as files under an S3 prefix ({@code CompressionType=None}). */
    public boolean uncompressedArtifacts() {
        return settings.uncompressedArtifacts();
    }

    /** The gzip level for {@code model.tar.gz} (0 to 9). */
    public int compressionLevel() {
        return settings.compressionLevel();
    }

    @Override
    public String toString() {
        return "SageMakerTarget" + settings;
    }

    /** Builds a {@link SageMakerTarget}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private String region;
        private AwsCredentialsProvider credentialsProvider;
        private SageMakerClient sageMakerClient;
        private SageMakerRuntimeClient runtimeClient;
        private S3Client s3Client;
        private ApplicationAutoScalingClient autoScalingClient;
        private dev.mldeploy.aws.MonitoringClients monitoring = dev.mldeploy.aws.MonitoringClients.NONE;
        private URI endpointOverride;
        private Consumer<ClientOverrideConfiguration.Builder> clientOverride;
        private String roleArn;
        private String bucket;
        private String prefix = DEFAULT_PREFIX;
        private boolean createBucket;
        private String image;
        private String instanceType;
        private int instanceCount;
        private ServerlessSettings serverless;
        private final List<VariantSettings> variants = new ArrayList<>();
        private DataCaptureSettings dataCapture;
        private String kmsKeyId;
        private VpcSettings vpc;
        private final Map<String, String> tags = new TreeMap<>();
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration timeout;
        private Duration callTimeout;
        private AutoscalingSettings autoscaling;
        private boolean keepArtifactsOnUndeploy;
        private boolean uncompressedArtifacts;
        private int compressionLevel = 1;
        private String framework;
        private String frameworkVersion;
        private boolean createRole;
        private HttpAccess http;
        private IamClient iamClient;
        private ApiGatewayClient apiGatewayClient;
        private ImageBuild imageBuild = new ImageBuild(false, null, null, SageMakerTarget::prepareImage);

        private Builder() {
        }

        /**
         * Whether mldeploy creates the execution role {@code mldeploy-sm-<name>}: trusted by sagemaker.amazonaws.com,
         * allowed to read the deployment's artifacts, write its log group and pull its ECR image, tagged so that
         * undeploy removes it. Not with {@link #roleArn(String)}, a VPC, a KMS key or data capture.
         */
        public Builder createRole(boolean createRole) {
            this.createRole = createRole;
            return this;
        }

        /**
         * Gives the endpoint an HTTPS front door with this access ({@code HttpAccess.iam()}, or
         * {@code HttpAccess.apiKey(rate, burst)}); a deploy without one removes the front door an earlier deploy
         * made.
         */
        public Builder http(HttpAccess access) {
            this.http = Objects.requireNonNull(access, "http");
            return this;
        }

        /** A client for the roles mldeploy creates instead of building one; the target never closes it. */
        public Builder iamClient(IamClient client) {
            this.iamClient = Objects.requireNonNull(client, "iamClient");
            return this;
        }

        /** A client for the front door instead of building one; the target never closes it. */
        public Builder apiGatewayClient(ApiGatewayClient client) {
            this.apiGatewayClient = Objects.requireNonNull(client, "apiGatewayClient");
            return this;
        }

        /**
         * Whether mldeploy builds the serving image (the model's dependencies and the serving adapter on
         * {@code python:<version>-slim}) and pushes it to ECR, instead of taking {@link #image(String)} or a prebuilt
         * framework image.
         */
        public Builder buildImage(boolean build) {
            imageBuild = new ImageBuild(build, imageBuild.baseImage(), imageBuild.ecrClient(), imageBuild.recipes());
            return this;
        }

        /** The base of the serving image mldeploy builds, by tag or digest (with {@link #buildImage(boolean)}). */
        public Builder baseImage(String reference) {
            imageBuild = new ImageBuild(imageBuild.build(), Objects.requireNonNull(reference, "baseImage"),
                    imageBuild.ecrClient(), imageBuild.recipes());
            return this;
        }

        /** A client to use instead of building one; mldeploy never closes it. */
        public Builder ecrClient(EcrClient client) {
            imageBuild = new ImageBuild(imageBuild.build(), imageBuild.baseImage(),
                    Objects.requireNonNull(client, "ecrClient"), imageBuild.recipes());
            return this;
        }

        public Builder region(String region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        public Builder credentialsProvider(AwsCredentialsProvider credentialsProvider) {
            this.credentialsProvider = Objects.requireNonNull(credentialsProvider, "credentialsProvider");
            return this;
        }

        /** A client to use instead of building one; the target never closes it. */
        public Builder sageMakerClient(SageMakerClient client) {
            this.sageMakerClient = Objects.requireNonNull(client, "sageMakerClient");
            return this;
        }

        /** A client to use instead of building one; the target never closes it. */
        public Builder runtimeClient(SageMakerRuntimeClient client) {
            this.runtimeClient = Objects.requireNonNull(client, "runtimeClient");
            return this;
        }

        /** A client to use instead of building one; the target never closes it. */
        public Builder s3Client(S3Client client) {
            this.s3Client = Objects.requireNonNull(client, "s3Client");
            return this;
        }

        /** A client to use instead of building one; the target never closes it. */
        public Builder autoScalingClient(ApplicationAutoScalingClient client) {
            this.autoScalingClient = Objects.requireNonNull(client, "autoScalingClient");
            return this;
        }

        /**
         * The CloudWatch client for the endpoint's metrics, its alarms and a rollout's rollback alarms, instead of
         * one built from the region and credentials; the target never closes it.
         */
        public Builder cloudWatchClient(CloudWatchClient client) {
            this.monitoring = monitoring.withCloudWatch(Objects.requireNonNull(client, "cloudWatchClient"));
            return this;
        }

        /** The CloudWatch Logs client for the endpoint's log, instead of one built; the target never closes it. */
        public Builder logsClient(CloudWatchLogsClient client) {
            this.monitoring = monitoring.withLogs(Objects.requireNonNull(client, "logsClient"));
            return this;
        }

        /** The endpoint for every client the target builds (an emulator); S3 then uses path-style access. */
        public Builder endpointOverride(URI endpoint) {
            this.endpointOverride = Objects.requireNonNull(endpoint, "endpointOverride");
            return this;
        }

        /** Edits the override configuration of the clients the target builds (interceptors, timeouts). */
        public Builder clientOverride(Consumer<ClientOverrideConfiguration.Builder> edit) {
            this.clientOverride = Objects.requireNonNull(edit, "clientOverride");
            return this;
        }

        /** The execution role SageMaker assumes: {@code arn:aws:iam::<12-digit account>:role/<name>}. */
        public Builder roleArn(String roleArn) {
            this.roleArn = Objects.requireNonNull(roleArn, "roleArn");
            return this;
        }

        /** The S3 bucket for model artifacts. */
        public Builder bucket(String bucket) {
            this.bucket = Objects.requireNonNull(bucket, "bucket");
            return this;
        }

        /** The key prefix for artifacts (default {@value #DEFAULT_PREFIX}). */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /** Creates the bucket when it is missing (otherwise a missing bucket is a configuration error). */
        public Builder createBucket(boolean createBucket) {
            this.createBucket = createBucket;
            return this;
        }

        /**
         * Your own serving container image (build it from the Dockerfile the packager writes). Without one, the
         * model deploys onto AWS's prebuilt framework image ({@link #framework(String)}).
         */
        public Builder image(String image) {
            this.image = Objects.requireNonNull(image, "image");
            return this;
        }

        /**
         * The prebuilt framework serving image to deploy onto when no {@link #image(String)} is given:
         * {@code sklearn}, {@code pytorch} or {@code xgboost} (default: sklearn for a CPU model, pytorch for a GPU
         * one). The image is resolved for the endpoint's region and processor from mldeploy's table of AWS's
         * registries; an unknown framework fails {@link #build()}.
         */
        public Builder framework(String framework) {
            this.framework = Objects.requireNonNull(framework, "framework");
            return this;
        }

        /** The prebuilt framework image's version (default: the newest mldeploy knows), for example {@code 1.2-1}. */
        public Builder frameworkVersion(String frameworkVersion) {
            this.frameworkVersion = Objects.requireNonNull(frameworkVersion, "frameworkVersion");
            return this;
        }

        public Builder instanceType(String instanceType) {
            this.instanceType = Objects.requireNonNull(instanceType, "instanceType");
            return this;
        }

        public Builder instanceCount(int instanceCount) {
            this.instanceCount = instanceCount;
            return this;
        }

        /** Deploys a serverless endpoint instead of a real-time one. */
        public Builder serverless(ServerlessSettings serverless) {
            this.serverless = Objects.requireNonNull(serverless, "serverless");
            return this;
        }

        /** Production variants for A/B testing; replaces any given before. */
        public Builder variants(List<VariantSettings> variants) {
            Objects.requireNonNull(variants, "variants");
            this.variants.clear();
            variants.forEach(this::addVariant);
            return this;
        }

        public Builder addVariant(VariantSettings variant) {
            this.variants.add(Objects.requireNonNull(variant, "variant"));
            return this;
        }

        public Builder dataCapture(DataCaptureSettings dataCapture) {
            this.dataCapture = Objects.requireNonNull(dataCapture, "dataCapture");
            return this;
        }

        /** The KMS key for the endpoint's storage volume and data capture. */
        public Builder kmsKeyId(String kmsKeyId) {
            this.kmsKeyId = Objects.requireNonNull(kmsKeyId, "kmsKeyId");
            return this;
        }

        public Builder vpc(VpcSettings vpc) {
            this.vpc = Objects.requireNonNull(vpc, "vpc");
            return this;
        }

        /** Tags for every resource; replaces any given before. */
        public Builder tags(Map<String, String> tags) {
            Objects.requireNonNull(tags, "tags");
            this.tags.clear();
            tags.forEach(this::putTag);
            return this;
        }

        public Builder putTag(String key, String value) {
            this.tags.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** How often to poll while waiting (default 15 s). */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
            return this;
        }

        /** The longest a deploy or undeploy waits (the caller's timeout applies too; the shorter wins). */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * The longest one describe, list or invoke call may take, retries included (the CLI sets it from
         * {@code --timeout} through {@code MLDEPLOY_CALL_TIMEOUT}). Deploy and undeploy calls are bounded by what is
         * left of their own timeout.
         */
        public Builder callTimeout(Duration callTimeout) {
            this.callTimeout = Objects.requireNonNull(callTimeout, "callTimeout");
            return this;
        }

        public Builder autoscaling(AutoscalingSettings autoscaling) {
            this.autoscaling = Objects.requireNonNull(autoscaling, "autoscaling");
            return this;
        }

        /** Leaves uploaded artifacts in S3 when undeploying. */
        public Builder keepArtifactsOnUndeploy(boolean keep) {
            this.keepArtifactsOnUndeploy = keep;
            return this;
        }

        /** Uploads the files under an S3 prefix ({@code CompressionType=None}) instead of {@code model.tar.gz}. */
        public Builder uncompressedArtifacts(boolean uncompressed) {
            this.uncompressedArtifacts = uncompressed;
            return this;
        }

        /** The gzip level for {@code model.tar.gz}, 0 to 9 (default 1: model weights rarely compress). */
        public Builder compressionLevel(int level) {
            this.compressionLevel = level;
            return this;
        }

        public SageMakerTarget build() {
            // the public values are copied once into the internals' own records here
            return new SageMakerTarget(new SageMakerSettings(
                    region, credentialsProvider,
                    sageMakerClient, runtimeClient,
                    s3Client, autoScalingClient,
                    endpointOverride, clientOverride,
                    roleArn, bucket, prefix, createBucket,
                    image, instanceType, instanceCount,
                    serverless == null ? null : new SageMakerSettings.Serverless(serverless.memoryMb(),
                            serverless.maxConcurrency()),
                    variants.stream().map(v -> new SageMakerSettings.Variant(v.name(), v.weight(),
                            v.instanceType(), v.instanceCount())).toList(),
                    dataCapture == null ? null : new SageMakerSettings.DataCapture(dataCapture.destinationS3Uri(),
                            dataCapture.samplingPercentage()),
                    kmsKeyId, vpc == null ? null : new SageMakerSettings.Vpc(vpc.subnetIds(), vpc.securityGroupIds()),
                    tags, pollInterval,
                    timeout, callTimeout, autoscaling == null ? null : new SageMakerSettings.Autoscaling(
                            autoscaling.minInstances(), autoscaling.maxInstances(),
                            autoscaling.targetInvocationsPerInstance()),
                    keepArtifactsOnUndeploy, uncompressedArtifacts, compressionLevel, framework,
                    frameworkVersion, imageBuild, monitoring), new AccessSettings(createRole, http, iamClient, apiGatewayClient));
        }
    }
}
