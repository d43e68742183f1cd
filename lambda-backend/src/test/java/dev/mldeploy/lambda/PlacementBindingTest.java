package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.mldeploy.Architecture;
import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.lambda.internal.FunctionSettings;
import dev.mldeploy.lambda.internal.LambdaDeploymentTarget;
import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.CostEstimate;
import dev.mldeploy.PlacementOptions;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.TargetContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.GetProvisionedConcurrencyConfigRequest;
import software.amazon.awssdk.services.lambda.model.GetProvisionedConcurrencyConfigResponse;
import software.amazon.awssdk.services.lambda.model.ProvisionedConcurrencyStatusEnum;
import software.amazon.awssdk.services.lambda.model.PutProvisionedConcurrencyConfigRequest;

/**
 * The lambda target honours placement: what the chosen candidate decided (memory, timeout, ephemeral storage,
 * architecture, runtime, provisioned concurrency, packaging) is what the function gets, unless the target's own
 * configuration sets it; names Lambda cannot take are refused before any call.
 */
class PlacementBindingTest {
    @TempDir
    Path dir;
    final LambdaClient lambda = MockLambda.lambda();

    private LambdaTarget.Builder config() {
        return LambdaTarget.builder().lambdaClient(lambda).iamClient(mock(IamClient.class))
                .s3Client(MockLambda.s3()).region("us-east-1").roleArn(MockLambda.ROLE)
                .pollInterval(Duration.ofMillis(1));
    }

    private ModelSpec spec(String name) {
        return ModelSpec.builder(name).source(LambdaFixtures.echoModel(dir, name)).build();
    }

    private static CandidateEvaluation candidate(String target, String variant, Map<String, String> settings) {
        return new CandidateEvaluation(target, variant, true, List.of(), CostEstimate.of(), List.of(), settings);
    }

    /** Settings a Lambda profile could choose, each unlike the spec's defaults (1024 MB, 10 s, 512 MB, x86_64). */
    private static final Map<String, String> PLACED = Map.of(CandidateEvaluation.MEMORY_MB, "3008",
            CandidateEvaluation.TIMEOUT_SECONDS, "45", CandidateEvaluation.EPHEMERAL_STORAGE_MB, "2048",
            CandidateEvaluation.ARCHITECTURE, "arm64", CandidateEvaluation.RUNTIME, "python3.13",
            CandidateEvaluation.PACKAGING, "zip", CandidateEvaluation.PROVISIONED_CONCURRENCY, "2");

    @Test
    void providers_contributeTheZipThenTheImageProfile_asLambdasOnlyProfiles() {
        for (dev.mldeploy.spi.TargetProvider p : List.of(LambdaTargetProvider.of(LambdaTarget.builder().build()),
                new LambdaTargetProvider())) {
            assertEquals(List.of("lambda:zip", "lambda:image"), p.placementProfiles().stream()
                    .map(dev.mldeploy.placement.PlacementProfile::name).toList());
            assertEquals(List.of(10, 20), p.placementProfiles().stream()
                    .map(dev.mldeploy.placement.PlacementProfile::order).toList());
        }
    }

    @Test
    void resolve_withALambdaCandidate_takesEverySettingItChose() {
        FunctionSettings s = FunctionSettings.resolve(spec("placed"), config().build().settings(),
                Optional.of(candidate("lambda", "zip", PLACED)));
        assertEquals(3008, s.memoryMb());
        assertEquals(45, s.timeoutSeconds());
        assertEquals(2048, s.ephemeralStorageMb());
        assertEquals(Architecture.ARM64, s.architecture());
        assertEquals("python3.13", s.runtime());
        assertEquals(2, s.provisionedConcurrency());
        assertNull(s.imageUri());
    }

    @Test
    void resolve_whenTheTargetSetsAValue_itWinsOverPlacement() {
        LambdaTarget explicit = config().memoryMb(512).functionTimeout(Duration.ofSeconds(20)).ephemeralStorageMb(4096)
                .architecture(Architecture.X86_64).runtime("python3.11").provisionedConcurrency(1).build();
        FunctionSettings s = FunctionSettings.resolve(spec("explicit"), explicit.settings(),
                Optional.of(candidate("lambda", "zip", PLACED)));
        assertEquals(512, s.memoryMb());
        assertEquals(20, s.timeoutSeconds());
        assertEquals(4096, s.ephemeralStorageMb());
        assertEquals(Architecture.X86_64, s.architecture());
        assertEquals("python3.11", s.runtime());
        assertEquals(1, s.provisionedConcurrency());
    }

    @Test
    void resolve_withAnotherTargetsCandidate_ignoresIt_andUsesTheSpec() {
        FunctionSettings s = FunctionSettings.resolve(spec("other"), config().build().settings(),
                Optional.of(candidate("sagemaker", "serverless", Map.of(CandidateEvaluation.MEMORY_MB, "4096"))));
        assertEquals(1024, s.memoryMb());
        assertEquals(10, s.timeoutSeconds());
        assertEquals(0, s.provisionedConcurrency());
    }

    @Test
    void resolve_whenPlacementChoseAnImage_andNoPackageTypeIsSet_buildsTheImage() {
        FunctionSettings s = FunctionSettings.resolve(spec("big"), config().build().settings(),
                Optional.of(candidate("lambda", "image", Map.of(CandidateEvaluation.PACKAGING, "image"))));
        assertTrue(s.buildImage());
        assertTrue(s.isImage());
        assertEquals(null, s.imageUri(), "known only after the push");
    }

    @Test
    void resolve_whenPlacementChoseAnImage_andTheTargetIsSetToZip_refusesSayingWhatToSet() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> FunctionSettings.resolve(spec("big"), config().packageType(LambdaTarget.PackageType.ZIP).build()
                        .settings(), Optional.of(candidate("lambda", "image", Map.of(CandidateEvaluation.PACKAGING,
                        "image")))));
        assertTrue(e.getMessage().contains("placement chose lambda:image") && e.getMessage().contains("--package image")
                && e.getMessage().contains("imageUri") && e.getMessage().contains("SageMaker"), e.getMessage());
    }

    @Test
    void resolve_whenPlacementChoseAnImage_andAnImageUriIsGiven_deploysThatImage() {
        String image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/big:1";
        FunctionSettings s = FunctionSettings.resolve(spec("big"), config().imageUri(image).build().settings(),
                Optional.of(candidate("lambda", "image", Map.of(CandidateEvaluation.PACKAGING, "image"))));
        assertEquals(image, s.imageUri());
        assertFalse(s.buildImage());
    }

    @Test
    void resolve_whenAskedForAnImage_andTheNameIsNotAnEcrRepositoryName_refusesBeforeAnyCall() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> FunctionSettings.resolve(spec("odd_-name"), config().packageType(LambdaTarget.PackageType.IMAGE)
                        .build().settings(), Optional.empty()));
        assertTrue(e.getMessage().contains("mldeploy/lambda/odd_-name"), e.getMessage());
    }

    @Test
    void resolve_whenPlacementsProvisionedConcurrencyIsOverTheReservation_refuses() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> FunctionSettings.resolve(spec("reserved"), config().reservedConcurrency(1).build().settings(),
                        Optional.of(candidate("lambda", "zip", PLACED))));
        assertTrue(e.getMessage().contains("provisioned concurrency 2") && e.getMessage().contains("reserved "
                + "concurrency 1"), e.getMessage());
    }

    @Test
    void resolve_withANameLambdaCannotTake_refusesWithItsRule_andTakesUnderscores() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> FunctionSettings.resolve(spec("a".repeat(49)), config().build().settings()));
        assertTrue(e.getMessage().contains("the lambda target cannot deploy model") && e.getMessage().contains(
                "is 49 characters, over the 48 Lambda allows"), e.getMessage());
        assertEquals("my_model", FunctionSettings.resolve(spec("my_model"), config().build().settings()).functionName());
    }

    @Test
    void deploy_withANameLambdaCannotTake_makesNoCall() {
        LambdaClient untouched = mock(LambdaClient.class);
        ModelSpec spec = spec("n".repeat(49));
        try (LambdaDeploymentTarget t = LambdaDeploymentTarget.create(config().lambdaClient(untouched).build().settings(),
                new TargetContext(Map.of()))) {
            assertThrows(InvalidSpecException.class, () -> t.deploy(spec, DeployContext.of(spec.name(), "lambda",
                    e -> { }, Duration.ofSeconds(30))));
        }
        verifyNoInteractions(untouched);
    }

    @Test
    void deploy_withACandidateInItsContext_createsTheFunctionWithTheCandidatesSettings() {
        MockLambda.stubCreatable(lambda, "ctx");
        when(lambda.getProvisionedConcurrencyConfig(any(GetProvisionedConcurrencyConfigRequest.class)))
                .thenReturn(GetProvisionedConcurrencyConfigResponse.builder()
                        .status(ProvisionedConcurrencyStatusEnum.READY).build());
        ModelSpec spec = spec("ctx");
        try (LambdaDeploymentTarget t = LambdaDeploymentTarget.create(config().build().settings(), new TargetContext(Map.of()))) {
            t.deploy(spec, DeployContext.of("ctx", "lambda", e -> { }, Duration.ofSeconds(30), null,
                    candidate("lambda", "zip", PLACED)));
        }
        ArgumentCaptor<CreateFunctionRequest> create = ArgumentCaptor.forClass(CreateFunctionRequest.class);
        verify(lambda).createFunction(create.capture());
        assertEquals(3008, create.getValue().memorySize());
        assertEquals(45, create.getValue().timeout());
        assertEquals(2048, create.getValue().ephemeralStorage().size());
        assertEquals(List.of("arm64"), create.getValue().architecturesAsStrings());
        assertEquals("python3.13", create.getValue().runtimeAsString());
        ArgumentCaptor<PutProvisionedConcurrencyConfigRequest> pc =
                ArgumentCaptor.forClass(PutProvisionedConcurrencyConfigRequest.class);
        verify(lambda).putProvisionedConcurrencyConfig(pc.capture());
        assertEquals(2, pc.getValue().provisionedConcurrentExecutions());
    }

    @Test
    void deployThroughAuto_aSpecBelowLambdasMemoryFloor_andPricedProvisionedConcurrency_getWhatPlacementChose() {
        MockLambda.stubCreatable(lambda, "auto");
        when(lambda.getProvisionedConcurrencyConfig(any(GetProvisionedConcurrencyConfigRequest.class)))
                .thenReturn(GetProvisionedConcurrencyConfigResponse.builder()
                        .status(ProvisionedConcurrencyStatusEnum.READY).build());
        // 64 MB is under Lambda's 128 MB floor: without placement the target refuses it (see the assert below)
        ModelSpec spec = spec("auto").toBuilder().memoryMb(64).build();
        assertThrows(InvalidSpecException.class, () -> FunctionSettings.resolve(spec, config().build().settings()));
        try (ModelDeployer d = ModelDeployer.builder().discoverProviders(false).provider(LambdaTargetProvider.of(config().build()))
                .defaultTarget(ModelDeployer.AUTO).environment(Map.of()).build()) {
            DeployResult r = d.deploy(spec, DeployOptions.builder().timeout(Duration.ofSeconds(30))
                    .placementOptions(PlacementOptions.builder().provisionedConcurrency(3).build()).build());
            assertEquals("lambda:zip", r.placementDecision().orElseThrow().chosen().orElseThrow().name());
        }
        ArgumentCaptor<CreateFunctionRequest> create = ArgumentCaptor.forClass(CreateFunctionRequest.class);
        verify(lambda).createFunction(create.capture());
        assertEquals(128, create.getValue().memorySize(), "placement's memory: the spec's, at least 128");
        ArgumentCaptor<PutProvisionedConcurrencyConfigRequest> pc =
                ArgumentCaptor.forClass(PutProvisionedConcurrencyConfigRequest.class);
        verify(lambda).putProvisionedConcurrencyConfig(pc.capture());
        assertEquals(3, pc.getValue().provisionedConcurrentExecutions(), "priced by placement, so provisioned");
    }
}
