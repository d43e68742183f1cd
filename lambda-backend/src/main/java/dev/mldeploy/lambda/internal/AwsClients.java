package dev.mldeploy.lambda.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.aws.AwsClientFactory;
import dev.mldeploy.aws.AwsSettings;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.aws.EcrRegistryOverride;
import dev.mldeploy.spi.TargetContext;
import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The SDK clients a Lambda target uses: the caller's when given, otherwise built (and later closed) by
 * {@link AwsClientFactory}. The Lambda client's socket may wait as long as the longest function runs (each
 * request's own {@link CallBudget} bounds it); IAM, S3 and ECR clients are built on first use. The test-only
 * registry override ({@link EcrRegistryOverride}) is read, and checked, when the clients are made.
 * Thread-safe.
 */
public final class AwsClients implements AutoCloseable {
    static final String BUILDER = "LambdaTarget.builder()";

    private final LambdaClient lambda;
    private final LambdaSettings config;
    private final AwsClientFactory factory;
    private S3Client s3;
    private IamClient iam;
    private CloudWatchClient cloudWatch;
    private CloudWatchLogsClient logs;
    private ApiGatewayClient apiGateway;
    private EcrClient ecr;
    private final Optional<URI> registryOverride;

    private AwsClients(LambdaSettings config, TargetContext context) {
        this.config = config;
        this.registryOverride = EcrRegistryOverride.from(context);
        this.factory = new AwsClientFactory(new AwsSettings(config.region(), config.endpointOverride(),
                config.credentialsProvider(), null, BUILDER), context);
        this.lambda = factory.clientOr(Optional.ofNullable(config.lambdaClient()), LambdaClient.builder().httpClientBuilder(
                ApacheHttpClient.builder().socketTimeout(LambdaLimits.MAX_TIMEOUT.plus(LambdaSettings.INVOKE_MARGIN))));
    }

    /**
     * The clients for {@code config}.
     *
     * @throws InvalidConfigurationException no region is configured for a client that must be built
     */
    public static AwsClients create(LambdaSettings config, TargetContext context) {
        return new AwsClients(config, context);
    }

    public LambdaClient lambda() {
        return lambda;
    }

    public synchronized S3Client s3() {
        if (s3 == null) {
            s3 = factory.s3(Optional.ofNullable(config.s3Client()));
        }
        return s3;
    }

    public synchronized IamClient iam() {
        if (iam == null) {
            iam = config.iamClient() != null ? config.iamClient() : factory.buildGlobal(IamClient.builder());
        }
        return iam;
    }

    /** The CloudWatch client for metrics and alarms: the caller's, else built on first use. */
    public synchronized CloudWatchClient cloudWatch() {
        if (cloudWatch == null) {
            cloudWatch = config.monitoring().cloudWatchClient()
                    .orElseGet(() -> factory.build(CloudWatchClient.builder()));
        }
        return cloudWatch;
    }

    /** The CloudWatch Logs client for the function's log: the caller's, else built on first use. */
    public synchronized CloudWatchLogsClient logs() {
        if (logs == null) {
            logs = config.monitoring().logsClient().orElseGet(() -> factory.build(CloudWatchLogsClient.builder()));
        }
        return logs;
    }

    /** {@code given}, else a client built on first use (the front door's). */
    public synchronized ApiGatewayClient apiGateway(Optional<ApiGatewayClient> given) {
        if (given.isPresent()) {
            return given.get();
        }
        if (apiGateway == null) {
            apiGateway = factory.clientOr(Optional.empty(), ApiGatewayClient.builder());
        }
        return apiGateway;
    }

    public synchronized EcrClient ecr() {
        if (ecr == null) {
            ecr = factory.clientOr(Optional.ofNullable(config.image().ecrClient()), EcrClient.builder());
        }
        return ecr;
    }

    /** Where pushed image bytes go instead of the ECR registry (tests only), if set. */
    public Optional<URI> registryOverride() {
        return registryOverride;
    }

    /** The endpoint override: the configuration's, else {@code AWS_ENDPOINT_URL}. */
    public Optional<URI> endpoint() {
        return factory.endpoint();
    }

    /** Closes the clients built here; never the caller's. */
    @Override
    public void close() {
        factory.close();
    }
}
