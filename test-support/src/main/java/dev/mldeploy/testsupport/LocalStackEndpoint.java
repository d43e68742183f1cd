package dev.mldeploy.testsupport;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * LocalStack through Testcontainers, used when moto cannot be started and a Docker engine runs. Without
 * {@code LOCALSTACK_AUTH_TOKEN} it runs {@code localstack/localstack:4.14.0}, the last image that needs no token.
 * Its free edition has no SageMaker and no Application Auto Scaling: tests needing them are skipped with that
 * reason.
 */
final class LocalStackEndpoint implements AwsEndpoint, AutoCloseable {
    static final String FREE_IMAGE = "localstack/localstack:4.14.0";
    static final String CURRENT_IMAGE = "localstack/localstack:latest";

    private final LocalStackContainer container;

    private LocalStackEndpoint(LocalStackContainer container) {
        this.container = container;
    }

    /** Starts LocalStack, or returns null when no Docker engine runs. */
    static LocalStackEndpoint startIfDockerAvailable() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            return null;
        }
        String token = System.getenv("LOCALSTACK_AUTH_TOKEN");
        boolean hasToken = token != null && !token.isBlank();
        LocalStackContainer c = new LocalStackContainer(DockerImageName.parse(hasToken ? CURRENT_IMAGE : FREE_IMAGE)
                .asCompatibleSubstituteFor("localstack/localstack"));
        if (hasToken) {
            c.withEnv("LOCALSTACK_AUTH_TOKEN", token);
        }
        c.start();
        return new LocalStackEndpoint(c);
    }

    @Override
    public URI endpoint() {
        return container.getEndpoint();
    }

    @Override
    public Kind kind() {
        return Kind.LOCALSTACK;
    }

    @Override
    public String region() {
        return container.getRegion();
    }

    @Override
    public String accessKeyId() {
        return container.getAccessKey();
    }

    @Override
    public String secretAccessKey() {
        return container.getSecretKey();
    }

    @Override
    public String accountId() {
        return "000000000000";
    }

    @Override
    public boolean supports(String service) {
        return !AwsEndpointExtension.LOCALSTACK_MISSING.contains(service.toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public void assumeSupports(String service) {
        Assumptions.assumeTrue(supports(service), () -> "LocalStack's free edition does not implement " + service);
    }

    @Override
    public void reset() {
        // LocalStack's community edition has no state reset; tests use unique names instead
    }

    @Override
    public void queueSageMakerResults(List<Map<String, String>> results) {
        Assumptions.abort("LocalStack does not implement SageMaker");
    }

    @Override
    public void queueLambdaResults(List<String> results) {
        Assumptions.abort("LocalStack runs Lambda functions for real (in Docker); queued results are a moto feature");
    }

    @Override
    public void close() {
        container.stop();
    }
}
