package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.sagemaker.SageMakerTarget;
import dev.mldeploy.spi.TargetContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;

/**
 * The four SDK clients a target uses: the caller's where given, otherwise built here (region, credentials,
 * endpoint override with S3 path-style, standard retry mode). {@link #close()} closes only those built here.
 * Thread-safe.
 */
public final class AwsClients implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AwsClients.class);

    private final SageMakerClient sageMaker;
    private final SageMakerRuntimeClient runtime;
    private final S3Client s3;
    private final ApplicationAutoScalingClient autoScaling;
    private final URI endpoint;
    private final List<AutoCloseable> owned = new ArrayList<>();

    AwsClients(SageMakerClient sageMaker, SageMakerRuntimeClient runtime, S3Client s3,
               ApplicationAutoScalingClient autoScaling) {
        this.sageMaker = sageMaker;
        this.runtime = runtime;
        this.s3 = s3;
        this.autoScaling = autoScaling;
        this.endpoint = null;
    }

    private AwsClients(SageMakerTarget config, TargetContext context) {
        this.endpoint = config.endpointOverride()
                .or(() -> context.env("AWS_ENDPOINT_URL").map(AwsClients::parseEndpoint)).orElse(null);
        boolean needsBuilding = config.sageMakerClient().isEmpty() || config.runtimeClient().isEmpty()
                || config.s3Client().isEmpty() || config.autoScalingClient().isEmpty();
        Region region = needsBuilding ? resolveRegion(config, context) : null;
        AwsCredentialsProvider credentials = needsBuilding ? resolveCredentials(config, context) : null;
        Consumer<ClientOverrideConfiguration.Builder> override = o -> {
            o.retryStrategy(RetryMode.STANDARD);
            config.clientOverride().ifPresent(c -> c.accept(o));
        };
        this.sageMaker = config.sageMakerClient().orElseGet(() ->
                own(configure(SageMakerClient.builder(), region, credentials, override).build()));
        this.runtime = config.runtimeClient().orElseGet(() ->
                own(configure(SageMakerRuntimeClient.builder(), region, credentials, override).build()));
        this.s3 = config.s3Client().orElseGet(() -> own(configure(S3Client.builder(), region, credentials, override)
                .forcePathStyle(endpoint != null).build()));
        this.autoScaling = config.autoScalingClient().orElseGet(() ->
                own(configure(ApplicationAutoScalingClient.builder(), region, credentials, override).build()));
        LOG.debug("sagemaker clients ready (region {}, endpoint {}, {} built here)", region,
                endpoint == null ? "default" : endpoint, owned.size());
    }

    /** The clients for {@code config}, building those it does not give. */
    public static AwsClients create(SageMakerTarget config, TargetContext context) {
        return new AwsClients(config, context);
    }

    private <B extends AwsClientBuilder<B, C>, C> B configure(B builder, Region region,
                                                              AwsCredentialsProvider credentials,
                                                              Consumer<ClientOverrideConfiguration.Builder> o) {
        builder.region(region).credentialsProvider(credentials).overrideConfiguration(o);
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder;
    }

    private <C extends SdkClient> C own(C client) {
        owned.add(client);
        return client;
    }

    private static URI parseEndpoint(String url) {
        try {
            URI uri = URI.create(url.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException("AWS_ENDPOINT_URL '" + url + "' is not a URL; give one such as "
                    + "http://127.0.0.1:5000", e);
        }
    }

    private static Region resolveRegion(SageMakerTarget config, TargetContext context) {
        Optional<String> named = config.region().or(() -> context.env("AWS_REGION"))
                .or(() -> context.env("AWS_DEFAULT_REGION"));
        if (named.isPresent()) {
            return Region.of(named.get());
        }
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion();
        } catch (SdkClientException e) {
            throw new InvalidConfigurationException("no AWS region is configured for the sagemaker target; set "
                    + "AWS_REGION (or a region in ~/.aws/config, or SageMakerTarget.builder().region(...))", e);
        }
    }

    private AwsCredentialsProvider resolveCredentials(SageMakerTarget config, TargetContext context) {
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
        DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
        owned.add(chain);
        return chain;
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

    /** How many clients were built here (and will be closed). */
    int ownedCount() {
        return owned.size();
    }

    @Override
    public void close() {
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing an SDK client failed: {}", e.toString());
            }
        }
        owned.clear();
    }
}
