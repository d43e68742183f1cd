package dev.mldeploy.lambda.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.lambda.LambdaTarget;
import dev.mldeploy.spi.TargetContext;
import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The three SDK clients a Lambda target uses: the caller's when given, otherwise built (and later closed) here, with
 * region, credentials and endpoint from the configuration, then the context's environment, then the SDK's chains,
 * and the SDK's standard retry mode (which retries throttling with backoff, so mldeploy adds no loop of its own).
 * Time bounds are set per request ({@link CallBudget}). IAM and S3 clients are built on first use. Thread-safe.
 */
public final class AwsClients implements AutoCloseable {
    private final LambdaClient lambda;
    private final boolean ownsLambda;
    private final LambdaTarget config;
    private final TargetContext context;
    private S3Client s3;
    private boolean ownsS3;
    private IamClient iam;
    private boolean ownsIam;
    private Region region;
    private boolean regionResolved;

    private AwsClients(LambdaTarget config, TargetContext context) {
        this.config = config;
        this.context = context;
        this.s3 = config.s3Client().orElse(null);
        this.iam = config.iamClient().orElse(null);
        if (config.lambdaClient().isPresent()) {
            this.lambda = config.lambdaClient().get();
            this.ownsLambda = false;
        } else {
            // reads may take as long as the longest function runs; each request's own budget bounds it
            var b = LambdaClient.builder().region(region()).credentialsProvider(credentials())
                    .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(LambdaLimits.MAX_TIMEOUT
                            .plus(LambdaTarget.INVOKE_MARGIN)))
                    .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD));
            endpoint().ifPresent(b::endpointOverride);
            this.lambda = b.build();
            this.ownsLambda = true;
        }
    }

    /**
     * The clients for {@code config}.
     *
     * @throws InvalidConfigurationException no region is configured for a client that must be built
     */
    public static AwsClients create(LambdaTarget config, TargetContext context) {
        return new AwsClients(config, context);
    }

    public LambdaClient lambda() {
        return lambda;
    }

    public synchronized S3Client s3() {
        if (s3 == null) {
            var b = S3Client.builder().region(region()).credentialsProvider(credentials())
                    .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD));
            endpoint().ifPresent(e -> b.endpointOverride(e).forcePathStyle(true));
            s3 = b.build();
            ownsS3 = true;
        }
        return s3;
    }

    public synchronized IamClient iam() {
        if (iam == null) {
            var b = IamClient.builder().credentialsProvider(credentials())
                    .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD));
            Optional<URI> endpoint = endpoint();
            if (endpoint.isPresent()) {
                b.endpointOverride(endpoint.get()).region(region());
            } else {
                b.region(Region.AWS_GLOBAL);
            }
            iam = b.build();
            ownsIam = true;
        }
        return iam;
    }

    /** The endpoint override: the configuration's, else {@code AWS_ENDPOINT_URL}. */
    public Optional<URI> endpoint() {
        if (config.endpointOverride().isPresent()) {
            return config.endpointOverride();
        }
        return context.env("AWS_ENDPOINT_URL").map(s -> {
            try {
                return URI.create(s);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException("AWS_ENDPOINT_URL '" + s + "' is not a URL", e);
            }
        });
    }

    private synchronized Region region() {
        if (!regionResolved) {
            String name = config.region().or(() -> context.env("AWS_REGION"))
                    .or(() -> context.env("AWS_DEFAULT_REGION")).orElse(null);
            if (name == null) {
                try {
                    region = DefaultAwsRegionProviderChain.builder().build().getRegion();
                } catch (SdkClientException e) {
                    throw new InvalidConfigurationException("no AWS region for the lambda target: set AWS_REGION, "
                            + "a profile's region, or LambdaTarget.builder().region(...)", e);
                }
            } else {
                region = Region.of(name);
            }
            regionResolved = true;
        }
        return region;
    }

    private AwsCredentialsProvider credentials() {
        if (config.credentialsProvider().isPresent()) {
            return config.credentialsProvider().get();
        }
        Optional<String> key = context.env("AWS_ACCESS_KEY_ID");
        Optional<String> secret = context.env("AWS_SECRET_ACCESS_KEY");
        if (key.isPresent() && secret.isPresent()) {
            Optional<String> token = context.env("AWS_SESSION_TOKEN");
            return StaticCredentialsProvider.create(token.isPresent()
                    ? AwsSessionCredentials.create(key.get(), secret.get(), token.get())
                    : AwsBasicCredentials.create(key.get(), secret.get()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    /** Closes the clients built here; never the caller's. */
    @Override
    public synchronized void close() {
        if (ownsLambda) {
            lambda.close();
        }
        if (ownsS3 && s3 != null) {
            s3.close();
        }
        if (ownsIam && iam != null) {
            iam.close();
        }
    }
}
