package dev.mldeploy.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.spi.Target;
import dev.mldeploy.spi.TargetContext;
import dev.mldeploy.spi.TargetProvider;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class SageMakerTargetProviderTest {
    private static final String ROLE = "arn:aws:iam::123456789012:role/SageMakerExecution";

    @Test
    void serviceLoader_findsTheSagemakerProviderWithAPackagerAndPlacementProfiles() {
        TargetProvider p = ServiceLoader.load(TargetProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(x -> x.name().equals("sagemaker")).findFirst().orElseThrow();
        assertEquals(SageMakerTargetProvider.class, p.getClass());
        assertTrue(p.packager().isPresent());
        assertTrue(p.placementProfiles().stream().allMatch(x -> x.target().equals("sagemaker")));
        assertTrue(p.placementProfiles().stream().anyMatch(x -> x.variant().equals("realtime")));
    }

    @Test
    void serviceLoader_andOf_areTheOneProviderClass_andTheTargetIsConfigurationOnly() {
        TargetProvider found = ServiceLoader.load(TargetProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(x -> x.name().equals("sagemaker")).findFirst().orElseThrow();
        TargetProvider explicit = SageMakerTargetProvider.of(SageMakerTarget.builder().build());
        assertEquals(found.getClass(), explicit.getClass());
        assertEquals(found.name(), explicit.name());
        assertEquals(found.placementProfiles().toString(), explicit.placementProfiles().toString());
        assertFalse(TargetProvider.class.isAssignableFrom(SageMakerTarget.class), "SageMakerTarget is configuration");
    }

    @Test
    void of_createsWithTheGivenConfiguration_notTheEnvironmentsKeys() {
        // the environment's role is malformed: the discovered provider reads it and refuses, the explicit one
        // deploys with its own configuration and takes only the clients' region from the environment
        TargetContext env = new TargetContext(Map.of("MLDEPLOY_ROLE_ARN", "my-role", "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "k", "AWS_SECRET_ACCESS_KEY", "s", "AWS_ENDPOINT_URL", "http://127.0.0.1:9"));
        assertThrows(InvalidConfigurationException.class, () -> new SageMakerTargetProvider().create(env));
        try (Target t = SageMakerTargetProvider.of(SageMakerTarget.builder().roleArn(ROLE).build()).create(env)) {
            assertEquals("sagemaker", t.name());
        }
    }

    @Test
    void of_deployerTakesTheExplicitProvider_withoutDiscovery() {
        try (ModelDeployer d = ModelDeployer.builder().discoverProviders(false)
                .provider(SageMakerTargetProvider.of(SageMakerTarget.builder().region("us-east-1").build()))
                .defaultTarget("sagemaker").environment(Map.of()).build()) {
            assertTrue(d.targets().contains("sagemaker"), d.targets().toString());
        }
    }

    @Test
    void fromEnvironment_readsEveryKey() {
        SageMakerTarget t = SageMakerTargetProvider.targetFrom(new TargetContext(Map.of(
                "MLDEPLOY_ROLE_ARN", ROLE, "MLDEPLOY_BUCKET", "models", "MLDEPLOY_CREATE_BUCKET", "true",
                "MLDEPLOY_IMAGE", "img:1", "MLDEPLOY_SAGEMAKER_INSTANCE_TYPE", "ml.c5.xlarge",
                "MLDEPLOY_SAGEMAKER_INSTANCE_COUNT", "2", "AWS_ENDPOINT_URL", "http://127.0.0.1:5000",
                "AWS_REGION", "us-west-2")));
        assertEquals(ROLE, t.roleArn().orElseThrow());
        assertEquals("models", t.bucket().orElseThrow());
        assertTrue(t.createBucket());
        assertEquals("img:1", t.image().orElseThrow());
        assertEquals("ml.c5.xlarge", t.instanceType().orElseThrow());
        assertEquals(2, t.instanceCount());
        assertEquals("http://127.0.0.1:5000", t.endpointOverride().orElseThrow().toString());
        assertEquals("us-west-2", t.region().orElseThrow());
    }

    @Test
    void fromEnvironment_frameworkKeys_setThePrebuiltImagesFrameworkAndVersion() {
        SageMakerTarget t = SageMakerTargetProvider.targetFrom(new TargetContext(Map.of(
                "MLDEPLOY_SAGEMAKER_FRAMEWORK", "pytorch", "MLDEPLOY_SAGEMAKER_FRAMEWORK_VERSION", "2.5")));
        assertEquals("pytorch", t.framework().orElseThrow());
        assertEquals("2.5", t.frameworkVersion().orElseThrow());
        assertEquals(t.framework(), t.toBuilder().build().framework());
        assertEquals(t.frameworkVersion(), t.toBuilder().build().frameworkVersion());
    }

    @Test
    void fromEnvironment_unknownFramework_isRefusedListingTheKnownOnes() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () ->
                SageMakerTargetProvider.targetFrom(new TargetContext(Map.of("MLDEPLOY_SAGEMAKER_FRAMEWORK",
                        "tensorflow"))));
        assertTrue(e.getMessage().contains("known frameworks: sklearn, pytorch, xgboost"), e.getMessage());
    }

    @Test
    void fromEnvironment_serverlessMemory_selectsServerless() {
        SageMakerTarget t = SageMakerTargetProvider.targetFrom(new TargetContext(Map.of(
                "MLDEPLOY_SAGEMAKER_SERVERLESS_MEMORY_MB", "2048")));
        assertEquals(ServerlessSettings.of(2048), t.serverless().orElseThrow());
    }

    @Test
    void create_withMalformedRoleInTheEnvironment_failsBeforeAnyClientIsBuilt() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () ->
                new SageMakerTargetProvider().create(new TargetContext(Map.of("MLDEPLOY_ROLE_ARN", "my-role"))));
        assertTrue(e.getMessage().contains("MLDEPLOY_ROLE_ARN"), e.getMessage());
    }

    @Test
    void fromEnvironment_badNumbersAndBooleans_sayWhichKey() {
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> SageMakerTargetProvider.targetFrom(
                new TargetContext(Map.of("MLDEPLOY_SAGEMAKER_INSTANCE_COUNT", "two")))).getMessage()
                .contains("MLDEPLOY_SAGEMAKER_INSTANCE_COUNT"));
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> SageMakerTargetProvider.targetFrom(
                new TargetContext(Map.of("MLDEPLOY_CREATE_BUCKET", "maybe")))).getMessage()
                .contains("MLDEPLOY_CREATE_BUCKET"));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"10s,PT10S", "500ms,PT0.5S", "2m,PT2M", "1h,PT1H", "45,PT45S",
            "PT20S,PT20S"})
    void fromEnvironment_callTimeout_acceptsTheCliDurationForms(String value, String expected) {
        SageMakerTarget t = SageMakerTargetProvider.targetFrom(new TargetContext(Map.of("MLDEPLOY_CALL_TIMEOUT",
                value)));
        assertEquals(java.time.Duration.parse(expected), t.callTimeout().orElseThrow());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"soon", "10 s", "-5s", "0s"})
    void fromEnvironment_badCallTimeout_saysWhichKey(String value) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> SageMakerTargetProvider
                .targetFrom(new TargetContext(Map.of("MLDEPLOY_CALL_TIMEOUT", value))));
        assertTrue(e.getMessage().contains("MLDEPLOY_CALL_TIMEOUT") || e.getMessage().contains("call timeout"),
                e.getMessage());
    }

    @Test
    void fromEnvironment_timeout_boundsDeployAndUndeploy() {
        SageMakerTarget t = SageMakerTargetProvider.targetFrom(new TargetContext(Map.of("MLDEPLOY_TIMEOUT", "20s")));
        assertEquals(java.time.Duration.ofSeconds(20), t.timeout().orElseThrow());
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> SageMakerTargetProvider.targetFrom(
                new TargetContext(Map.of("MLDEPLOY_TIMEOUT", "later"))))
                .getMessage().contains("MLDEPLOY_TIMEOUT"));
    }
}
