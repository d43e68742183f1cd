package dev.mldeploy.aws;

import static dev.mldeploy.aws.SdkMocks.sdkMock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.spi.TargetContext;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;

class AwsClientFactoryTest {
    private static final TargetContext KEYS = new TargetContext(Map.of("AWS_ACCESS_KEY_ID", "t",
            "AWS_SECRET_ACCESS_KEY", "t"));

    private static AwsSettings settings(String region, URI endpoint) {
        return new AwsSettings(region, endpoint, null, null, "FooTarget.builder()");
    }

    @Test
    void s3_withTheCallersClient_usesItAndNeverClosesIt() {
        S3Client given = sdkMock(S3Client.class);
        AwsClientFactory factory = new AwsClientFactory(settings(null, null), new TargetContext(Map.of()));

        assertSame(given, factory.s3(Optional.of(given)));
        factory.close();

        assertEquals(0, factory.ownedCount());
        verify(given, never()).close();
    }

    @Test
    void build_withAnExplicitRegion_usesItOverTheEnvironmentsWithStandardRetries() {
        try (AwsClientFactory factory = new AwsClientFactory(settings("eu-central-1", null), new TargetContext(Map.of(
                "AWS_REGION", "us-west-2", "AWS_ACCESS_KEY_ID", "t", "AWS_SECRET_ACCESS_KEY", "t")))) {
            S3Client s3 = factory.s3(Optional.empty());

            assertEquals("eu-central-1", s3.serviceClientConfiguration().region().id());
            assertTrue(s3.serviceClientConfiguration().overrideConfiguration().retryStrategy().orElseThrow()
                    instanceof StandardRetryStrategy, "standard retry mode");
            assertEquals(1, factory.ownedCount());
        }
    }

    @Test
    void build_withoutAnExplicitRegion_takesAwsRegionThenAwsDefaultRegion() {
        try (AwsClientFactory factory = new AwsClientFactory(settings(null, null), new TargetContext(Map.of(
                "AWS_DEFAULT_REGION", "ap-south-1", "AWS_ACCESS_KEY_ID", "t", "AWS_SECRET_ACCESS_KEY", "t")))) {
            assertEquals("ap-south-1", factory.s3(Optional.empty()).serviceClientConfiguration().region().id());
        }
    }

    @Test
    void s3_underAnEndpointOverride_pointsThereWithPathStyle() {
        try (AwsClientFactory factory = new AwsClientFactory(settings("us-east-1", null), new TargetContext(Map.of(
                "AWS_ENDPOINT_URL", "http://127.0.0.1:4566", "AWS_ACCESS_KEY_ID", "t", "AWS_SECRET_ACCESS_KEY", "t")))) {
            S3Client s3 = factory.s3(Optional.empty());

            assertEquals(URI.create("http://127.0.0.1:4566"), s3.serviceClientConfiguration().endpointOverride()
                    .orElseThrow());
            assertEquals(Optional.of(URI.create("http://127.0.0.1:4566")), factory.endpoint());
        }
    }

    @Test
    void buildGlobal_withoutAnEndpointOverride_usesTheGlobalRegion() {
        try (AwsClientFactory factory = new AwsClientFactory(settings("eu-west-1", null), KEYS)) {
            assertEquals("aws-global", factory.buildGlobal(S3Client.builder()).serviceClientConfiguration().region()
                    .id());
        }
    }

    @Test
    void build_withoutAnyRegion_saysToSetAwsRegionAndTheBuilder() {
        String previous = System.getProperty("aws.region");
        System.clearProperty("aws.region");
        System.setProperty("aws.disableEc2Metadata", "true");
        System.setProperty("aws.configFile", "/nonexistent/mldeploy-test-config");
        try {
            org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("AWS_REGION") == null
                    && System.getenv("AWS_DEFAULT_REGION") == null, "the test JVM has a region in its environment");
            AwsClientFactory factory = new AwsClientFactory(settings(null, null), KEYS);
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> factory.s3(Optional.empty()));
            assertTrue(e.getMessage().contains("AWS_REGION") && e.getMessage().contains("FooTarget.builder()"),
                    e.getMessage());
            // the failed lookup is remembered: the chain (whose last step may wait seconds for EC2's metadata
            // service) is not walked again for the next client
            InvalidConfigurationException again = assertThrows(InvalidConfigurationException.class,
                    () -> factory.build(software.amazon.awssdk.services.cloudwatch.CloudWatchClient.builder()));
            assertSame(e.getCause(), again.getCause());
        } finally {
            System.clearProperty("aws.disableEc2Metadata");
            System.clearProperty("aws.configFile");
            if (previous != null) {
                System.setProperty("aws.region", previous);
            }
        }
    }
}
