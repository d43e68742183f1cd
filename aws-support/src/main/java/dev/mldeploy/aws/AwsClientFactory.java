package dev.mldeploy.aws;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.spi.TargetContext;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Builds the SDK clients a target needs from one {@link AwsSettings} and the context's environment, and owns
 * them: region from the settings, then {@code AWS_REGION} / {@code AWS_DEFAULT_REGION}, then the SDK's chain;
 * credentials from the settings, then the environment's keys, then the SDK's default chain; the endpoint override
 * from the settings, then {@code AWS_ENDPOINT_URL} (S3 then path-style); the SDK's standard retry mode (which
 * retries throttling with backoff, so mldeploy adds no loop of its own), then the caller's client override. A
 * caller's client is used as given and never closed: {@link #close()} closes only what was built here. Region and
 * credentials are resolved on the first build, so a target given all its clients needs neither. Time bounds are set
 * per request ({@link CallBudget}). Thread-safe.
 */
public final class AwsClientFactory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AwsClientFactory.class);

    private final AwsSettings settings;
    private final TargetContext context;
    private final URI endpoint;
    private final Deque<AutoCloseable> owned = new ArrayDeque<>();
    private Region region;
    private SdkClientException noRegion;
    private AwsCredentialsProvider credentials;

    /**
     * A factory for {@code settings} in {@code context}.
     *
     * @throws InvalidConfigurationException {@code AWS_ENDPOINT_URL} is not a URL
     */
    public AwsClientFactory(AwsSettings settings, TargetContext context) {
        this.settings = settings;
        this.context = context;
        this.endpoint = settings.endpointOverride() != null ? settings.endpointOverride()
                : AwsEnvironment.endpoint(context).orElse(null);
    }

    /** The endpoint override in force, if any. */
    public Optional<URI> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    /**
     * {@code given} when the caller gave a client, else {@code builder} configured and built here (and closed by
     * {@link #close()}).
     *
     * @throws InvalidConfigurationException no region is configured anywhere
     */
    public <B extends AwsClientBuilder<B, C>, C extends SdkClient> C clientOr(Optional<C> given, B builder) {
        return given.isPresent() ? given.get() : build(builder);
    }

    /** {@code builder} configured (region, credentials, endpoint, retry mode, override) and built here. */
    public synchronized <B extends AwsClientBuilder<B, C>, C extends SdkClient> C build(B builder) {
        return own(configure(builder, region()).build());
    }

    /**
     * {@code builder} of a global service (IAM) built here: in the {@code aws-global} region, or the configured
     * one when an endpoint override is in force (an emulator serves every service on one endpoint).
     */
    public synchronized <B extends AwsClientBuilder<B, C>, C extends SdkClient> C buildGlobal(B builder) {
        return own(configure(builder, endpoint == null ? Region.AWS_GLOBAL : region()).build());
    }

    /** The caller's S3 client when given, else one built here (path-style under an endpoint override). */
    public S3Client s3(Optional<S3Client> given) {
        return given.isPresent() ? given.get() : build(S3Client.builder().forcePathStyle(endpoint != null));
    }

    private <B extends AwsClientBuilder<B, C>, C> B configure(B builder, Region in) {
        builder.region(in).credentialsProvider(credentials()).overrideConfiguration(o -> {
            o.retryStrategy(RetryMode.STANDARD);
            if (settings.clientOverride() != null) {
                settings.clientOverride().accept(o);
            }
        });
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder;
    }

    private <C extends SdkClient> C own(C client) {
        owned.push(client);
        LOG.debug("built {} client (region {}, endpoint {})", client.serviceName(), region,
                endpoint == null ? "default" : endpoint);
        return client;
    }

    /**
     * The region the clients are built in (resolved on first use). A failed lookup is remembered too: the SDK's
     * chain ends at the EC2 instance metadata service, which off EC2 takes seconds to time out, and one undeploy asks
     * for several clients.
     */
    public synchronized Region region() {
        if (region == null) {
            if (noRegion != null) {
                throw AwsErrors.noRegion(settings.builder(), noRegion);
            }
            Optional<String> named = Optional.ofNullable(settings.region()).or(() -> AwsEnvironment.region(context));
            if (named.isPresent()) {
                region = Region.of(named.get());
            } else {
                try {
                    region = DefaultAwsRegionProviderChain.builder().build().getRegion();
                } catch (SdkClientException e) {
                    noRegion = e;
                    throw AwsErrors.noRegion(settings.builder(), e);
                }
            }
        }
        return region;
    }

    private AwsCredentialsProvider credentials() {
        if (credentials == null) {
            credentials = resolveCredentials();
        }
        return credentials;
    }

    private AwsCredentialsProvider resolveCredentials() {
        if (settings.credentials() != null) {
            return settings.credentials();
        }
        Optional<String> key = context.env(AwsEnvironment.ACCESS_KEY_ID);
        Optional<String> secret = context.env(AwsEnvironment.SECRET_ACCESS_KEY);
        if (key.isPresent() && secret.isPresent()) {
            Optional<String> token = context.env(AwsEnvironment.SESSION_TOKEN);
            return StaticCredentialsProvider.create(token.isPresent()
                    ? AwsSessionCredentials.create(key.get(), secret.get(), token.get())
                    : AwsBasicCredentials.create(key.get(), secret.get()));
        }
        DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
        owned.addLast(chain); // closed after the clients that use it
        return chain;
    }

    /** How many clients (and credential chains) were built here and will be closed. */
    public synchronized int ownedCount() {
        return owned.size();
    }

    /** Closes what was built here, newest first; never the caller's clients. */
    @Override
    public synchronized void close() {
        while (!owned.isEmpty()) {
            AutoCloseable c = owned.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing an SDK client failed: {}", e.toString());
            }
        }
    }
}
