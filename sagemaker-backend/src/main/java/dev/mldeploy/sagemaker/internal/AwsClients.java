package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.aws.AwsClientFactory;
import dev.mldeploy.aws.AwsSettings;
import dev.mldeploy.spi.TargetContext;
import java.util.Optional;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;

/**
 * The four SDK clients a target uses: the caller's where given, otherwise built by {@link AwsClientFactory}
 * (region, credentials, endpoint override, standard retry mode). {@link #close()} closes only those built here.
 * Thread-safe.
 */
public final class AwsClients implements AutoCloseable {
    static final String BUILDER = "SageMakerTarget.builder()";

    private final SageMakerClient sageMaker;
    private final SageMakerRuntimeClient runtime;
    private final S3Client s3;
    private final ApplicationAutoScalingClient autoScaling;
    private final AwsClientFactory factory;
    private CloudWatchClient cloudWatch;
    private CloudWatchLogsClient logs;
    private IamClient iam;
    private ApiGatewayClient apiGateway;
    private final SageMakerSettings config;
    private final Optional<java.net.URI> registryOverride;
    private EcrClient ecr;

    AwsClients(SageMakerClient sageMaker, SageMakerRuntimeClient runtime, S3Client s3,
               ApplicationAutoScalingClient autoScaling) {
        this.sageMaker = sageMaker;
        this.runtime = runtime;
        this.s3 = s3;
        this.autoScaling = autoScaling;
        this.factory = null;
        this.config = null;
        this.registryOverride = Optional.empty();
    }

    private AwsClients(SageMakerSettings config, TargetContext context) {
        this.config = config;
        this.registryOverride = dev.mldeploy.aws.EcrRegistryOverride.from(context);
        this.factory = new AwsClientFactory(new AwsSettings(config.region(), config.endpointOverride(),
                config.credentialsProvider(), config.clientOverride(), BUILDER), context);
        this.sageMaker = factory.clientOr(Optional.ofNullable(config.sageMakerClient()), SageMakerClient.builder());
        this.runtime = factory.clientOr(Optional.ofNullable(config.runtimeClient()), SageMakerRuntimeClient.builder());
        this.s3 = factory.s3(Optional.ofNullable(config.s3Client()));
        this.autoScaling = factory.clientOr(Optional.ofNullable(config.autoScalingClient()),
                ApplicationAutoScalingClient.builder());
    }

    /** The clients for {@code config}, building those it does not give. */
    public static AwsClients create(SageMakerSettings config, TargetContext context) {
        return new AwsClients(config, context);
    }

    public SageMakerClient sageMaker() {
        return sageMaker;
    }

    public SageMakerRuntimeClient runtime() {
        return runtime;
    }

    public S3Client s3() {
        return s3;
    }

    public ApplicationAutoScalingClient autoScaling() {
        return autoScaling;
    }

    /**
     * The CloudWatch client for metrics, alarms and the rollback alarms a rollout checks: the caller's, else built
     * on first use.
     */
    public synchronized CloudWatchClient cloudWatch() {
        if (cloudWatch == null) {
            cloudWatch = given().cloudWatchClient().orElseGet(() -> factory().build(CloudWatchClient.builder()));
        }
        return cloudWatch;
    }

    /** The CloudWatch Logs client for the endpoint's log: the caller's, else built on first use. */
    public synchronized CloudWatchLogsClient logs() {
        if (logs == null) {
            logs = given().logsClient().orElseGet(() -> factory().build(CloudWatchLogsClient.builder()));
        }
        return logs;
    }

    private dev.mldeploy.aws.MonitoringClients given() {
        return config == null ? dev.mldeploy.aws.MonitoringClients.NONE : config.monitoring();
    }

    /** {@code given}, else an IAM client built on first use (for the roles mldeploy creates). */
    public synchronized IamClient iam(Optional<IamClient> given) {
        if (given.isPresent()) {
            return given.get();
        }
        if (iam == null) {
            iam = factory().buildGlobal(IamClient.builder());
        }
        return iam;
    }

    /** {@code given}, else an API Gateway client built on first use (for the front door). */
    public synchronized ApiGatewayClient apiGateway(Optional<ApiGatewayClient> given) {
        if (given.isPresent()) {
            return given.get();
        }
        if (apiGateway == null) {
            apiGateway = factory().clientOr(Optional.empty(), ApiGatewayClient.builder());
        }
        return apiGateway;
    }

    private AwsClientFactory factory() {
        if (factory == null) {
            throw new dev.mldeploy.InvalidConfigurationException("the SageMaker clients were all given to "
                    + BUILDER + ", so no other client (CloudWatch, Logs, IAM, API Gateway) can be built for alarms, "
                    + "metrics, logs, roles or the front door; give those clients too (cloudWatchClient, logsClient, "
                    + "iamClient, apiGatewayClient), or build the target with a region (and credentials) instead of "
                    + "given clients");
        }
        return factory;
    }

    /** The ECR client (the caller's, else built on first use), or null for clients given without a factory. */
    public synchronized EcrClient ecr() {
        if (ecr == null && factory != null) {
            ecr = factory.clientOr(Optional.ofNullable(config.imageBuild().ecrClient()), EcrClient.builder());
        }
        return ecr;
    }

    /** The images that deploys build: pushed with {@link #ecr()}, to the test-only registry override if set. */
    public ServingImagePusher servingImages() {
        return factory == null ? ServingImagePusher.NONE
                : new ServingImagePusher(config.imageBuild(), this::ecr, registryOverride);
    }

    /** How many clients were built here (and will be closed). */
    int ownedCount() {
        return factory == null ? 0 : factory.ownedCount();
    }

    @Override
    public void close() {
        if (factory != null) {
            factory.close();
        }
    }
}
