package dev.mldeploy.testsupport;

import dev.mldeploy.aws.AwsEnvironment;
import java.net.URI;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * An AWS-compatible endpoint for integration tests, provided by {@link AwsEndpointExtension}: the one named by
 * {@code AWS_ENDPOINT_URL}, a moto server the extension started, or LocalStack in a container.
 */
public interface AwsEndpoint {

    /** Where the endpoint came from. */
    enum Kind {
        /** Named by {@code AWS_ENDPOINT_URL}; reset and result queues work when it is a moto server. */
        EXTERNAL,
        /** A moto server the extension started on 127.0.0.1. */
        MOTO,
        /** LocalStack through Testcontainers. */
        LOCALSTACK
    }

    URI endpoint();

    Kind kind();

    default String region() {
        return "us-east-1";
    }

    default Region awsRegion() {
        return Region.of(region());
    }

    default String accessKeyId() {
        return "test";
    }

    default String secretAccessKey() {
        return "test";
    }

    /** The account id the emulator uses in ARNs ({@code 123456789012} for moto and LocalStack). */
    default String accountId() {
        return "123456789012";
    }

    /** Static test credentials, for SDK client builders. */
    default AwsCredentialsProvider credentialsProvider() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId(), secretAccessKey()));
    }

    /**
     * The environment a {@code ModelDeployer} needs to reach this endpoint: {@code AWS_ENDPOINT_URL},
     * {@code AWS_REGION}, {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}.
     */
    default Map<String, String> environment() {
        return Map.of(AwsEnvironment.ENDPOINT_URL, endpoint().toString(), AwsEnvironment.REGION, region(),
                AwsEnvironment.DEFAULT_REGION, region(), AwsEnvironment.ACCESS_KEY_ID, accessKeyId(),
                AwsEnvironment.SECRET_ACCESS_KEY, secretAccessKey());
    }

    /** Whether the emulator implements {@code service} ({@code sagemaker}, {@code lambda}, ...). */
    boolean supports(String service);

    /** Skips the calling test, with the reason, where the emulator lacks {@code service}. */
    void assumeSupports(String service);

    /** Forgets every resource (moto: {@code POST /moto-api/reset}); Lambda stays configured without Docker. */
    void reset();

    /**
     * Queues SageMaker runtime answers (moto): each map may hold {@code Body}, {@code ContentType},
     * {@code InvokedProductionVariant}, {@code CustomAttributes}. moto takes one per new (endpoint, body) pair.
     */
    void queueSageMakerResults(List<Map<String, String>> results);

    /** Queues Lambda invoke answers (moto without Docker returns them in order, then echoes). */
    void queueLambdaResults(List<String> results);
}
