package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.mldeploy.Architecture;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.lambda.internal.FunctionSettings;
import dev.mldeploy.spi.Target;
import dev.mldeploy.spi.TargetContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;

/** Configuration: validation before any call, defaults from the spec, overrides, client ownership. */
class LambdaTargetTest {
    @TempDir
    Path dir;

    private static void refused(String expectedInMessage, Runnable build) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, build::run);
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    @Test
    void build_rejectsWhatCannotWork_sayingWhatToChange() {
        refused("malformed", () -> LambdaTarget.builder().roleArn("arn:aws:iam::123:role/x").build());
        refused("malformed", () -> LambdaTarget.builder().roleArn("my-role").build());
        refused("not both", () -> LambdaTarget.builder().roleArn("arn:aws:iam::123456789012:role/x")
                .createRole(true).build());
        refused("python3.10 to python3.14", () -> LambdaTarget.builder().runtime("python3.9").build());
        refused("python3.10 to python3.14", () -> LambdaTarget.builder().runtime("python3.15").build());
        refused("python3.10 to python3.14", () -> LambdaTarget.builder().runtime("nodejs20.x").build());
        refused("128 to 10240 MB", () -> LambdaTarget.builder().memoryMb(64).build());
        refused("1 to 900 s", () -> LambdaTarget.builder().functionTimeout(Duration.ofMinutes(16)).build());
        refused("512 to 10240 MB", () -> LambdaTarget.builder().ephemeralStorageMb(100).build());
        refused("over the reserved", () -> LambdaTarget.builder().reservedConcurrency(2).provisionedConcurrency(3)
                .build());
        refused("ECR", () -> LambdaTarget.builder().imageUri("docker.io/me/model:1").build());
        refused("bucket name", () -> LambdaTarget.builder().bucket("Bad_Bucket").build());
        refused("reserved prefix", () -> LambdaTarget.builder().tags(Map.of("mldeploy:x", "y")).build());
        refused("one subnet", () -> new LambdaTarget.VpcConfig(List.of(), List.of("sg-1")));
    }

    @Test
    void toBuilder_copiesEverything() {
        LambdaTarget t = LambdaTarget.builder().region("eu-west-1").createRole(true).runtime("python3.11")
                .architecture(Architecture.ARM64).memoryMb(2048).functionTimeout(Duration.ofSeconds(30))
                .ephemeralStorageMb(1024).bucket("pkgs").createBucket(true).provisionedConcurrency(2)
                .reservedConcurrency(4).keepPackagesOnUndeploy(true).directUploadLimitBytes(10)
                .vpc(new LambdaTarget.VpcConfig(List.of("subnet-1"), List.of("sg-1"))).build();
        LambdaTarget copy = t.toBuilder().build();
        assertEquals(t.toString(), copy.toString());
        assertEquals(t.vpc(), copy.vpc());
        assertEquals(2048, copy.memoryMb().getAsInt());
        assertEquals(4, copy.reservedConcurrency().getAsInt());
        assertEquals(10, copy.directUploadLimitBytes());
        assertTrue(copy.keepPackagesOnUndeploy());
        assertEquals("lambda", LambdaTargetProvider.of(copy).name());
    }

    @Test
    void settings_defaultFromTheSpec_andTheConfigurationOverrides() {
        ModelSpec spec = ModelSpec.builder("s").source(LambdaFixtures.echoModel(dir, "s")).pythonVersion("3.11")
                .memoryMb(3000).maxInferenceTime(Duration.ofMillis(2500)).architecture(Architecture.ARM64)
                .putEnvironment("AA", "spec").build();
        FunctionSettings fromSpec = FunctionSettings.resolve(spec, LambdaTarget.builder()
                .environment(Map.of("AA", "config", "BB", "config")).build().settings());
        assertEquals("python3.11", fromSpec.runtime());
        assertEquals(3000, fromSpec.memoryMb());
        assertEquals(3, fromSpec.timeoutSeconds(), "2.5 s rounds up");
        assertEquals(Architecture.ARM64, fromSpec.architecture());
        assertEquals(Map.of("AA", "spec", "BB", "config"), fromSpec.environment(), "the spec wins on a clash");

        FunctionSettings overridden = FunctionSettings.resolve(spec, LambdaTarget.builder().runtime("python3.13")
                .memoryMb(512).functionTimeout(Duration.ofSeconds(60)).architecture(Architecture.X86_64).build().settings());
        assertEquals("python3.13", overridden.runtime());
        assertEquals(512, overridden.memoryMb());
        assertEquals(60, overridden.timeoutSeconds());
        assertEquals(Architecture.X86_64, overridden.architecture());
    }

    @Test
    void settings_refuseWhatLambdaCannotRun() {
        ModelSpec gpu = ModelSpec.builder("g").source(LambdaFixtures.echoModel(dir, "g")).gpu(true).build();
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> FunctionSettings.resolve(gpu, LambdaTarget.builder().build().settings()));
        assertTrue(e.getMessage().contains("GPU") && e.getMessage().contains("SageMaker"), e.getMessage());
        ModelSpec py39 = ModelSpec.builder("p").source(LambdaFixtures.echoModel(dir, "p")).pythonVersion("3.9")
                .build();
        assertThrows(InvalidSpecException.class, () -> FunctionSettings.resolve(py39, LambdaTarget.builder().build().settings()));
        ModelSpec big = ModelSpec.builder("b").source(LambdaFixtures.echoModel(dir, "b")).memoryMb(20_000).build();
        assertThrows(InvalidSpecException.class, () -> FunctionSettings.resolve(big, LambdaTarget.builder().build().settings()));
    }

    @Test
    void close_closesOnlyTheClientsItBuilt() {
        LambdaClient lambda = mock(LambdaClient.class);
        S3Client s3 = mock(S3Client.class);
        IamClient iam = mock(IamClient.class);
        Target t = LambdaTargetProvider.of(LambdaTarget.builder().lambdaClient(lambda).s3Client(s3).iamClient(iam)
                .build()).create(new TargetContext(Map.of()));
        t.close();
        verify(lambda, never()).close();
        verify(s3, never()).close();
        verify(iam, never()).close();
    }

    @Test
    void create_withoutARegionAnywhere_failsWithInvalidConfiguration() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("AWS_REGION") == null
                && System.getenv("AWS_DEFAULT_REGION") == null && System.getProperty("aws.region") == null
                && !java.nio.file.Files.exists(Path.of(System.getProperty("user.home"), ".aws")),
                "this machine has a default region");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> LambdaTargetProvider.of(LambdaTarget.builder().build()).create(new TargetContext(Map.of())));
        assertTrue(e.getMessage().contains("AWS_REGION"), e.getMessage());
    }

    @Test
    void create_withRegionFromTheEnvironment_buildsClientsAndClosesThem() {
        Target t = LambdaTargetProvider.of(LambdaTarget.builder().build()).create(new TargetContext(Map.of("AWS_REGION", "eu-central-1",
                "AWS_ACCESS_KEY_ID", "k", "AWS_SECRET_ACCESS_KEY", "s", "AWS_ENDPOINT_URL", "http://127.0.0.1:9")));
        assertEquals("lambda", t.name());
        t.close();
    }

    @Test
    void create_buildsClientsWithTheSdksStandardRetryMode() {
        try (dev.mldeploy.lambda.internal.AwsClients clients = dev.mldeploy.lambda.internal.AwsClients.create(
                LambdaTarget.builder().region("us-east-1").build().settings(), new TargetContext(Map.of("AWS_ACCESS_KEY_ID", "k",
                        "AWS_SECRET_ACCESS_KEY", "s", "AWS_ENDPOINT_URL", "http://127.0.0.1:9")))) {
            for (software.amazon.awssdk.core.SdkClient c : List.of(clients.lambda(), clients.iam(), clients.s3())) {
                var strategy = c.serviceClientConfiguration().overrideConfiguration().retryStrategy().orElseThrow();
                assertTrue(strategy instanceof software.amazon.awssdk.retries.StandardRetryStrategy,
                        c.serviceName() + ": " + strategy);
            }
        }
    }

    @Test
    void callTimeout_mustBePositive_andIsKeptByToBuilder() {
        refused("callTimeout must be positive", () -> LambdaTarget.builder().callTimeout(Duration.ZERO));
        LambdaTarget t = LambdaTarget.builder().callTimeout(Duration.ofSeconds(7)).build();
        assertEquals(Duration.ofSeconds(7), t.toBuilder().build().callTimeout().orElseThrow());
        assertTrue(LambdaTarget.builder().build().callTimeout().isEmpty());
    }
}
