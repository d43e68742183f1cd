package dev.mldeploy.sagemaker.internal;

import static dev.mldeploy.sagemaker.internal.Fixtures.ROLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.Features;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.CostEstimate;
import dev.mldeploy.sagemaker.SageMakerTarget;
import dev.mldeploy.sagemaker.ServerlessSettings;
import dev.mldeploy.sagemaker.VariantSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentPlanTest {
    @TempDir
    Path tmp;
    private ModelSpec spec;

    @BeforeEach
    void setUp() throws Exception {
        spec = ModelSpec.builder("m").source(Fixtures.model(tmp.resolve("m"), "w")).build();
    }

    private static SageMakerTarget.Builder base() {
        return SageMakerTarget.builder().roleArn(ROLE).bucket("models").image("img:1");
    }

    private static Optional<CandidateEvaluation> candidate(String variant, Map<String, String> settings) {
        return Optional.of(new CandidateEvaluation("sagemaker", variant, true, List.of(),
                CostEstimate.of(), List.of(), settings));
    }

    @Test
    void resolve_withoutImage_saysHowToBuildOneWithTheDockerfile() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () ->
                DeploymentPlan.resolve(Fixtures.settings(SageMakerTarget.builder().roleArn(ROLE).bucket("b12").build()), spec,
                        Optional.empty()));
        assertTrue(e.getMessage().contains("Dockerfile") && e.getMessage().contains("MLDEPLOY_IMAGE"),
                e.getMessage());
    }

    @Test
    void resolve_withoutBucket_namesTheSettings() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () ->
                DeploymentPlan.resolve(Fixtures.settings(SageMakerTarget.builder().roleArn(ROLE).image("i").build()), spec,
                        Optional.empty()));
        assertTrue(e.getMessage().contains("MLDEPLOY_BUCKET"), e.getMessage());
    }

    @Test
    void resolve_whenConfigLeavesInstanceUnset_usesPlacementsChoice() {
        DeploymentPlan plan = DeploymentPlan.resolve(Fixtures.settings(base().build()), spec, candidate("realtime",
                Map.of("instanceType", "ml.c5.xlarge", "instanceCount", "2")));
        assertEquals("ml.c5.xlarge", plan.variants().get(0).instanceType());
        assertEquals(2, plan.variants().get(0).instanceCount());
    }

    @Test
    void resolve_whenConfigSetsInstance_itWinsOverPlacement() {
        DeploymentPlan plan = DeploymentPlan.resolve(Fixtures.settings(base().instanceType("ml.m5.xlarge").build()), spec,
                candidate("realtime", Map.of("instanceType", "ml.c5.xlarge")));
        assertEquals("ml.m5.xlarge", plan.variants().get(0).instanceType());
        assertEquals(1, plan.variants().get(0).instanceCount());
    }

    @Test
    void resolve_whenPlacementChoseServerless_deploysServerlessWithItsMemory() {
        DeploymentPlan plan = DeploymentPlan.resolve(Fixtures.settings(base().build()), spec, candidate("serverless",
                Map.of("memoryMb", "3072", "maxConcurrency", "20")));
        assertEquals(new ServerlessSettings(3072, 20), plan.serverless());
        assertEquals("serverless", plan.mode());
    }

    @Test
    void resolve_serverlessForAGpuModel_isRefused() {
        ModelSpec gpu = spec.toBuilder().gpu(true).build();
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () ->
                DeploymentPlan.resolve(Fixtures.settings(base().serverless(ServerlessSettings.of(2048)).build()), gpu, Optional.empty()));
        assertTrue(e.getMessage().contains("GPU"), e.getMessage());
    }

    @Test
    void resolve_gpuModelOnCpuInstance_isRefused() {
        ModelSpec gpu = spec.toBuilder().gpu(true).build();
        assertThrows(InvalidConfigurationException.class, () -> DeploymentPlan.resolve(Fixtures.settings(base().build()), gpu,
                Optional.empty()));
        assertEquals("ml.g5.xlarge", DeploymentPlan.resolve(Fixtures.settings(base().instanceType("ml.g5.xlarge").build()), gpu,
                Optional.empty()).variants().get(0).instanceType());
    }

    @Test
    void resolve_specAskingForDataCaptureWithoutDestination_isRefused() {
        ModelSpec capture = spec.toBuilder().features(new Features(1, true)).build();
        assertThrows(InvalidConfigurationException.class, () -> DeploymentPlan.resolve(Fixtures.settings(base().build()), capture,
                Optional.empty()));
    }

    @Test
    void resolve_specAskingForTwoVariants_splitsTrafficEvenlyWhenNoneAreConfigured() {
        ModelSpec ab = spec.toBuilder().features(new Features(2, false)).build();
        DeploymentPlan plan = DeploymentPlan.resolve(Fixtures.settings(base().build()), ab, Optional.empty());
        assertEquals(List.of("variant-1", "variant-2"), plan.variants().stream().map(VariantSettings::name).toList());
        assertEquals(plan.variants().get(0).weight(), plan.variants().get(1).weight());
    }

    @Test
    void resolve_configuredVariants_keepTheirWeightsAndInheritTheInstanceType() {
        DeploymentPlan plan = DeploymentPlan.resolve(Fixtures.settings(base().instanceType("ml.c5.xlarge")
                .addVariant(VariantSettings.of("a", 0.9)).addVariant(VariantSettings.of("b", 0.1, "ml.m5.large", 2))
                .build()), spec, Optional.empty());
        assertEquals(new VariantSettings("a", 0.9, "ml.c5.xlarge", 1), plan.variants().get(0));
        assertEquals(new VariantSettings("b", 0.1, "ml.m5.large", 2), plan.variants().get(1));
        assertNull(plan.serverless());
    }

    @Test
    void fingerprintSettings_changeWithWhatRuns() {
        Map<String, String> a = DeploymentPlan.resolve(Fixtures.settings(base().build()), spec, Optional.empty()).fingerprintSettings();
        Map<String, String> b = DeploymentPlan.resolve(Fixtures.settings(base().instanceCount(2).build()), spec, Optional.empty())
                .fingerprintSettings();
        Map<String, String> c = DeploymentPlan.resolve(Fixtures.settings(base().image("img:2").build()), spec, Optional.empty())
                .fingerprintSettings();
        assertNotEquals(a, b);
        assertNotEquals(a, c);
        assertEquals(a, DeploymentPlan.resolve(Fixtures.settings(base().build()), spec, Optional.empty()).fingerprintSettings());
    }
}
