package dev.mldeploy.sagemaker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.sagemaker.SageMakerTarget;
import dev.mldeploy.spi.TargetContext;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;

class AwsClientsTest {
    private static final TargetContext KEYS = new TargetContext(Map.of("AWS_ACCESS_KEY_ID", "test",
            "AWS_SECRET_ACCESS_KEY", "test"));

    @Test
    void create_withCallersClients_usesThemAndNeverClosesThem() {
        SageMakerClient sm = Fixtures.sdkMock(SageMakerClient.class);
        SageMakerRuntimeClient rt = Fixtures.sdkMock(SageMakerRuntimeClient.class);
        S3Client s3 = Fixtures.sdkMock(S3Client.class);
        ApplicationAutoScalingClient aas = Fixtures.sdkMock(ApplicationAutoScalingClient.class);
        AwsClients clients = AwsClients.create(Fixtures.settings(SageMakerTarget.builder().sageMakerClient(sm).runtimeClient(rt)
                .s3Client(s3).autoScalingClient(aas).build()), new TargetContext(Map.of()));
        assertSame(sm, clients.sageMaker());
        assertSame(s3, clients.s3());
        assertEquals(0, clients.ownedCount());
        clients.close();
        verify(sm, never()).close();
        verify(s3, never()).close();
        verify(rt, never()).close();
        verify(aas, never()).close();
    }

    @Test
    void cloudWatchAndLogs_whenTheCallerGivesThem_areUsedAsGivenWithARegion_andNeverClosed() {
        // with a region and none given they would be built from the credentials chain (and could reach AWS)
        software.amazon.awssdk.services.cloudwatch.CloudWatchClient cw =
                Fixtures.sdkMock(software.amazon.awssdk.services.cloudwatch.CloudWatchClient.class);
        software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient logs =
                Fixtures.sdkMock(software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient.class);
        SageMakerTarget config = SageMakerTarget.builder().region("us-east-1").sageMakerClient(
                Fixtures.sdkMock(SageMakerClient.class)).cloudWatchClient(cw).logsClient(logs).build();
        assertEquals(java.util.Optional.of(cw), config.toBuilder().build().cloudWatchClient());
        assertEquals(java.util.Optional.of(logs), config.logsClient());
        AwsClients clients = AwsClients.create(Fixtures.settings(config), KEYS);
        int built = clients.ownedCount();

        assertSame(cw, clients.cloudWatch());
        assertSame(logs, clients.logs());
        assertEquals(built, clients.ownedCount(), "no CloudWatch or Logs client was built");
        clients.close();
        verify(cw, never()).close();
        verify(logs, never()).close();
    }

    @Test
    void create_withSomeClients_buildsAndClosesOnlyTheOthers() {
        SageMakerClient sm = Fixtures.sdkMock(SageMakerClient.class);
        AwsClients clients = AwsClients.create(Fixtures.settings(SageMakerTarget.builder().region("us-east-1").sageMakerClient(sm)
                .build()), KEYS);
        assertEquals(3, clients.ownedCount());
        clients.close();
        verify(sm, never()).close();
    }

    @Test
    void create_withEndpointUrlInTheEnvironment_pointsEveryClientThereWithPathStyleS3() {
        AwsClients clients = AwsClients.create(Fixtures.settings(SageMakerTarget.builder().region("us-east-1").build()),
                new TargetContext(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:4566", "AWS_ACCESS_KEY_ID", "t",
                        "AWS_SECRET_ACCESS_KEY", "t")));
        assertEquals("http://127.0.0.1:4566", clients.sageMaker().serviceClientConfiguration().endpointOverride()
                .orElseThrow().toString());
        assertEquals("http://127.0.0.1:4566", clients.s3().serviceClientConfiguration().endpointOverride()
                .orElseThrow().toString());
        clients.close();
    }

    @Test
    void create_withRegionFromTheEnvironment_usesIt() {
        AwsClients clients = AwsClients.create(Fixtures.settings(SageMakerTarget.builder().build()), new TargetContext(Map.of(
                "AWS_REGION", "eu-central-1", "AWS_ACCESS_KEY_ID", "t", "AWS_SECRET_ACCESS_KEY", "t")));
        assertEquals("eu-central-1", clients.sageMaker().serviceClientConfiguration().region().id());
        clients.close();
    }

    @Test
    void deploy_whenNoCredentialsCanBeFound_failsWithAConfigurationErrorAndSendsNothing(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        dev.mldeploy.testsupport.FaultInjector sent = new dev.mldeploy.testsupport.FaultInjector();
        SageMakerTarget config = SageMakerTarget.builder().region("us-east-1")
                .endpointOverride(java.net.URI.create("http://127.0.0.1:9"))
                .credentialsProvider(() -> {
                    throw software.amazon.awssdk.core.exception.SdkClientException.create("Unable to load "
                            + "credentials from any of the providers in the chain AwsCredentialsProviderChain(...)");
                })
                .clientOverride(o -> o.addExecutionInterceptor(sent))
                .roleArn(Fixtures.ROLE).bucket("models").image("img:1").build();
        dev.mldeploy.ModelSpec spec = dev.mldeploy.ModelSpec.builder("m").source(Fixtures.model(tmp.resolve("m"),
                "v")).build();
        try (SageMakerDeploymentTarget target = SageMakerDeploymentTarget.create(Fixtures.settings(config), new TargetContext(Map.of()))) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> target
                    .deploy(spec, Fixtures.context(new java.util.ArrayList<>(), java.time.Duration.ofMinutes(1))));
            assertTrue(e.getMessage().contains("no AWS credentials found"), e.getMessage());
        }
        assertEquals(0, sent.attempts("HeadBucket"), "a request was sent without credentials");
    }
}
