package dev.mldeploy.aws;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;

/**
 * What the clients a target builds are built from: the explicit region, endpoint override, credentials and client
 * override (each may be absent: then the environment, then the SDK's chains decide), and the target's builder
 * name for the advice in configuration errors ("SageMakerTarget.builder()"). Immutable.
 *
 * @param region             the region's id, or null
 * @param endpointOverride   one endpoint for every service, or null
 * @param credentials        the credentials, or null
 * @param clientOverride     applied to each client's override configuration after mldeploy's, or null
 * @param builder            the target's builder, for messages
 */
public record AwsSettings(String region, URI endpointOverride, AwsCredentialsProvider credentials,
                          Consumer<ClientOverrideConfiguration.Builder> clientOverride, String builder) {
    public AwsSettings {
        Objects.requireNonNull(builder, "builder");
    }

    /** Settings from the target's optional values. */
    public static AwsSettings of(Optional<String> region, Optional<URI> endpointOverride,
                                 Optional<AwsCredentialsProvider> credentials,
                                 Optional<Consumer<ClientOverrideConfiguration.Builder>> clientOverride,
                                 String builder) {
        return new AwsSettings(region.orElse(null), endpointOverride.orElse(null), credentials.orElse(null),
                clientOverride.orElse(null), builder);
    }
}
