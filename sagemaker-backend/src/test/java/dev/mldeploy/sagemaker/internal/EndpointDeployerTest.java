package dev.mldeploy.sagemaker.internal;

import static dev.mldeploy.sagemaker.internal.Fixtures.ROLE;
import static dev.mldeploy.sagemaker.internal.Fixtures.awsError;
import static dev.mldeploy.sagemaker.internal.Fixtures.notFound;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mldeploy.ConflictException;
import dev.mldeploy.DeployResult;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.DeploymentStatus;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.ProgressEvent;
import dev.mldeploy.bundle.SourceTree;
import dev.mldeploy.bundle.SpecFingerprint;
import dev.mldeploy.sagemaker.AutoscalingSettings;
import dev.mldeploy.sagemaker.SageMakerTarget;
import dev.mldeploy.spi.DeployContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;
import org.mockito.Mockito;
import software.amazon.awssdk.awscore.AwsRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.SageMakerServiceClientConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemaker.model.AddTagsRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointConfigRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointConfigResponse;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateModelRequest;
import software.amazon.awssdk.services.sagemaker.model.DeleteEndpointConfigRequest;
import software.amazon.awssdk.services.sagemaker.model.DeleteEndpointRequest;
import software.amazon.awssdk.services.sagemaker.model.DeleteModelRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointConfigRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointConfigResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeModelRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeModelResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointConfigSummary;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemaker.model.ListEndpointConfigsRequest;
import software.amazon.awssdk.services.sagemaker.model.ListEndpointConfigsResponse;
import software.amazon.awssdk.services.sagemaker.model.ListModelsRequest;
import software.amazon.awssdk.services.sagemaker.model.ListModelsResponse;
import software.amazon.awssdk.services.sagemaker.model.ModelSummary;
import software.amazon.awssdk.services.sagemaker.model.ListTagsRequest;
import software.amazon.awssdk.services.sagemaker.model.ListTagsResponse;
import software.amazon.awssdk.services.sagemaker.model.Tag;
import software.amazon.awssdk.services.sagemaker.model.UpdateEndpointRequest;

class EndpointDeployerTest {
    private static final String ARN = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/m";
    private static final String OLD = "m-000000000000";

    @TempDir
    Path tmp;

    private final SageMakerClient sm = Fixtures.sdkMock(SageMakerClient.class);
    private final ArtifactStore store = mock(ArtifactStore.class);
    private final Autoscaler autoscaler = mock(Autoscaler.class);
    private final Map<String, List<Tag>> tagsByArn = new HashMap<>();
    private final List<ProgressEvent> events = new ArrayList<>();
    private final Set<String> createdConfigs = ConcurrentHashMap.newKeySet();
    private ModelSpec spec;

    @BeforeEach
    void setUp() throws Exception {
        spec = ModelSpec.builder("m").source(Fixtures.model(tmp.resolve("m"), "v1")).build();
        when(store.upload(any(), any(), any(), any(), any(), anyBoolean()))
                .thenReturn(new ArtifactStore.Artifact("s3://models/mldeploy/m/k/model.tar.gz", false, true, 10));
        when(autoscaler.snapshot(any())).thenReturn(new Autoscaler.Snapshot(List.of(), List.of()));
        when(sm.describeModel(any(DescribeModelRequest.class))).thenThrow(notFound("model"));
        // a config is readable once created (see the eventual-consistency test for the moment before)
        when(sm.createEndpointConfig(any(CreateEndpointConfigRequest.class))).thenAnswer(inv -> {
            createdConfigs.add(((CreateEndpointConfigRequest) inv.getArgument(0)).endpointConfigName());
            return CreateEndpointConfigResponse.builder().build();
        });
        when(sm.describeEndpointConfig(any(DescribeEndpointConfigRequest.class))).thenAnswer(inv -> {
            String n = ((DescribeEndpointConfigRequest) inv.getArgument(0)).endpointConfigName();
            if (!createdConfigs.contains(n)) {
                throw notFound("config");
            }
            return DescribeEndpointConfigResponse.builder().endpointConfigName(n).endpointConfigArn("cfg/" + n)
                    .build();
        });
        when(sm.listTags(any(ListTagsRequest.class))).thenAnswer(inv -> ListTagsResponse.builder()
                .tags(tagsByArn.getOrDefault(((ListTagsRequest) inv.getArgument(0)).resourceArn(), List.of())).build());
    }

    private SageMakerTarget.Builder config() {
        return SageMakerTarget.builder().roleArn(ROLE).bucket("models").image("img:1").sageMakerClient(sm)
                .pollInterval(Duration.ofMillis(1));
    }

    private EndpointDeployer deployer(SageMakerTarget config) {
        SageMakerApi api = new SageMakerApi(sm);
        return new EndpointDeployer(Fixtures.settings(config), api, store, autoscaler, new EndpointReader(api));
    }

    private String hash(SageMakerTarget config) {
        return SpecFingerprint.of(spec, SourceTree.of(spec.requireSource()),
                DeploymentPlan.resolve(Fixtures.settings(config), spec, Optional.empty()).fingerprintSettings());
    }

    private static DescribeEndpointResponse endpoint(String config, EndpointStatus status, String reason) {
        return DescribeEndpointResponse.builder().endpointName("m").endpointArn(ARN).endpointConfigName(config)
                .endpointStatus(status).failureReason(reason).build();
    }

    private void ourEndpointWithHash(String hash) {
        tagsByArn.put(ARN, Naming.tags("m", hash, "realtime", "s3://models/mldeploy/m/", Map.of()));
    }

    @Test
    void deploy_whenNoEndpoint_createsModelConfigAndEndpointAndWaitsForInService() {
        SageMakerTarget config = config().build();
        String versioned = Naming.versionedName("m", hash(config));
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenThrow(notFound("endpoint"))
                .thenReturn(endpoint(versioned, EndpointStatus.CREATING, null))
                .thenReturn(endpoint(versioned, EndpointStatus.IN_SERVICE, null));
        ourEndpointWithHash(hash(config));

        DeployResult result = deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1)));

        assertEquals(DeployResult.Change.CREATED, result.change());
        assertEquals(DeploymentStatus.IN_SERVICE, result.deployment().status());
        assertEquals(hash(config), result.deployment().specHash());
        ArgumentCaptor<CreateModelRequest> model = ArgumentCaptor.forClass(CreateModelRequest.class);
        verify(sm).createModel(model.capture());
        assertEquals(versioned, model.getValue().modelName());
        assertEquals("s3://models/mldeploy/m/k/model.tar.gz", model.getValue().primaryContainer().modelDataUrl());
        assertEquals(ROLE, model.getValue().executionRoleArn());
        Map<String, String> tags = Naming.toMap(model.getValue().tags());
        assertEquals("true", tags.get(Naming.TAG_MANAGED));
        assertEquals(hash(config), tags.get(Naming.TAG_SPEC_HASH));
        ArgumentCaptor<CreateEndpointConfigRequest> cfg = ArgumentCaptor.forClass(CreateEndpointConfigRequest.class);
        verify(sm).createEndpointConfig(cfg.capture());
        assertEquals("ml.m5.large", cfg.getValue().productionVariants().get(0).instanceTypeAsString());
        assertEquals(1, cfg.getValue().productionVariants().get(0).initialInstanceCount());
        verify(sm).createEndpoint(argThat((CreateEndpointRequest r) -> r.endpointConfigName().equals(versioned)));
        assertTrue(events.stream().anyMatch(e -> e.phase().equals("wait") && e.status().equals("Creating")
                && e.elapsed() != null), events.toString());
        verify(sm, never()).deleteModel(any(DeleteModelRequest.class));
    }

    @Test
    void deploy_withoutImage_createsTheModelOnThePrebuiltImageOfTheClientsRegionWithTheToolkitKeys()
            throws Exception {
        when(sm.serviceClientConfiguration()).thenReturn(SageMakerServiceClientConfiguration.builder()
                .region(Region.EU_WEST_1).build());
        spec = ModelSpec.builder("m").source(spec.requireSource()).environment(Map.of("MODE", "fast")).build();
        SageMakerTarget config = SageMakerTarget.builder().roleArn(ROLE).bucket("models").sageMakerClient(sm)
                .pollInterval(Duration.ofMillis(1)).build();
        String hash = SpecFingerprint.of(spec, SourceTree.of(spec.requireSource()), DeploymentPlan.resolve(
                Fixtures.settings(config), spec, Optional.empty(), () -> "eu-west-1").fingerprintSettings());
        String versioned = Naming.versionedName("m", hash);
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenThrow(notFound("endpoint"))
                .thenReturn(endpoint(versioned, EndpointStatus.IN_SERVICE, null));
        ourEndpointWithHash(hash);

        DeployResult result = deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1)));

        String image = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.4-2-py312-cpu-py3";
        ArgumentCaptor<CreateModelRequest> model = ArgumentCaptor.forClass(CreateModelRequest.class);
        verify(sm).createModel(model.capture());
        assertEquals(image, model.getValue().primaryContainer().image());
        assertEquals(Map.of("MODE", "fast", "SAGEMAKER_PROGRAM", "inference.py", "SAGEMAKER_SUBMIT_DIRECTORY",
                "/opt/ml/model/code"), model.getValue().primaryContainer().environment());
        verify(store).upload(any(), eq(ArtifactLayout.FRAMEWORK), eq("models"), any(), eq("m"), eq(false));
        assertTrue(events.stream().anyMatch(e -> e.phase().equals("image") && e.status().equals("Prebuilt")
                && e.message().contains(image)), events.toString());
        assertTrue(result.message().contains("on prebuilt sklearn 1.4-2-py312 cpu serving image " + image),
                result.message());
    }

    @Test
    void deploy_whenSpecUnchanged_makesNoMutatingCallAndSaysUnchanged() {
        SageMakerTarget config = config().build();
        String hash = hash(config);
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class)))
                .thenReturn(endpoint(Naming.versionedName("m", hash), EndpointStatus.IN_SERVICE, null));
        ourEndpointWithHash(hash);

        DeployResult result = deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1)));

        assertEquals(DeployResult.Change.UNCHANGED, result.change());
        assertEquals(List.of(), Fixtures.mutatingCalls(sm));
        verify(store, never()).upload(any(), any(), any(), any(), any(), anyBoolean());
    }

    /** Endpoint configs and models mldeploy made for "m": listed, described (with creation time) and tagged. */
    private void generations(String... names) {
        when(sm.listEndpointConfigs(any(ListEndpointConfigsRequest.class))).thenReturn(ListEndpointConfigsResponse
                .builder().endpointConfigs(Arrays.stream(names).map(n -> EndpointConfigSummary.builder()
                        .endpointConfigName(n).build()).toList()).build());
        when(sm.listModels(any(ListModelsRequest.class))).thenReturn(ListModelsResponse.builder()
                .models(Arrays.stream(names).map(n -> ModelSummary.builder().modelName(n).build()).toList()).build());
        for (int i = 0; i < names.length; i++) {
            String n = names[i];
            java.time.Instant created = java.time.Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i);
            when(sm.describeEndpointConfig(argThat((DescribeEndpointConfigRequest r) -> r != null
                    && r.endpointConfigName().equals(n)))).thenReturn(DescribeEndpointConfigResponse.builder()
                    .endpointConfigName(n).endpointConfigArn("cfg/" + n).creationTime(created)
                    .productionVariants(v -> v.variantName("AllTraffic").modelName(n)).build());
            Mockito.doReturn(DescribeModelResponse.builder().modelName(n).modelArn("model/" + n).build()).when(sm)
                    .describeModel(argThat((DescribeModelRequest r) -> r != null && r.modelName().equals(n)));
            tagsByArn.put("cfg/" + n, Naming.tags("m", n.substring(2).repeat(6).substring(0, 64), "realtime",
                    "s3://models/mldeploy/m/", Map.of()));
            tagsByArn.put("model/" + n, tagsByArn.get("cfg/" + n));
        }
    }

    @Test
    void deploy_whenSpecChanged_updatesInPlaceKeepsThePreviousGenerationAndDeletesOlderOnesOnceInService() {
        SageMakerTarget config = config().build();
        String versioned = Naming.versionedName("m", hash(config));
        String older = "m-111111111111";
        AtomicBoolean inService = new AtomicBoolean();
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class)))
                .thenReturn(endpoint(OLD, EndpointStatus.IN_SERVICE, null))
                .thenReturn(endpoint(OLD, EndpointStatus.UPDATING, null))
                .thenAnswer(inv -> {
                    inService.set(true);
                    return endpoint(versioned, EndpointStatus.IN_SERVICE, null);
                });
        ourEndpointWithHash("0".repeat(64));
        generations(older, OLD);
        when(sm.deleteEndpointConfig(any(DeleteEndpointConfigRequest.class))).thenAnswer(inv -> {
            assertTrue(inService.get(), "an old config was deleted before the endpoint was InService on the new one");
            return null;
        });

        DeployResult result = deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1)));

        assertEquals(DeployResult.Change.UPDATED, result.change());
        InOrder order = inOrder(sm);
        order.verify(sm).createModel(any(CreateModelRequest.class));
        order.verify(sm).createEndpointConfig(any(CreateEndpointConfigRequest.class));
        order.verify(sm).updateEndpoint(argThat((UpdateEndpointRequest r) -> r.endpointName().equals("m")
                && r.endpointConfigName().equals(versioned)));
        order.verify(sm).addTags(argThat((AddTagsRequest r) -> Naming.toMap(r.tags()).get(Naming.TAG_SPEC_HASH)
                .equals(hash(config))));
        order.verify(sm).deleteEndpointConfig(argThat((DeleteEndpointConfigRequest r) ->
                r.endpointConfigName().equals(older)));
        verify(sm).deleteModel(argThat((DeleteModelRequest r) -> r.modelName().equals(older)));
        verify(sm, never()).deleteEndpointConfig(argThat((DeleteEndpointConfigRequest r) ->
                r.endpointConfigName().equals(OLD) || r.endpointConfigName().equals(versioned)));
        verify(sm, never()).deleteModel(argThat((DeleteModelRequest r) -> r.modelName().equals(OLD)
                || r.modelName().equals(versioned)));
        verify(sm, never()).createEndpoint(any(CreateEndpointRequest.class));
        verify(sm, never()).deleteEndpoint(any(DeleteEndpointRequest.class));
    }

    @Test
    void deploy_whenAnEarlierUpdateWentThroughAfterItsDeployGaveUp_finishesItWithoutUpdatingAgain() {
        SageMakerTarget config = config().build();
        String versioned = Naming.versionedName("m", hash(config));
        String older = "m-111111111111";
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class)))
                .thenReturn(endpoint(versioned, EndpointStatus.IN_SERVICE, null));
        ourEndpointWithHash("0".repeat(64));
        generations(older, OLD, versioned);

        DeployResult result = deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1)));

        assertEquals(DeployResult.Change.UPDATED, result.change());
        verify(sm, never()).updateEndpoint(any(UpdateEndpointRequest.class));
        verify(sm, never()).createModel(any(CreateModelRequest.class));
        verify(sm).addTags(argThat((AddTagsRequest r) -> Naming.toMap(r.tags()).get(Naming.TAG_SPEC_HASH)
                .equals(hash(config))));
        verify(sm).deleteEndpointConfig(argThat((DeleteEndpointConfigRequest r) ->
                r.endpointConfigName().equals(older)));
        verify(sm, never()).deleteEndpointConfig(argThat((DeleteEndpointConfigRequest r) ->
                r.endpointConfigName().equals(versioned) || r.endpointConfigName().equals(OLD)));
    }

    @Test
    void deploy_whenUpdateRollsBack_staysOnPreviousConfigAndRemovesNewModelAndConfig() {
        SageMakerTarget config = config().build();
        String versioned = Naming.versionedName("m", hash(config));
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class)))
                .thenReturn(endpoint(OLD, EndpointStatus.IN_SERVICE, null))
                .thenReturn(endpoint(OLD, EndpointStatus.UPDATING, null))
                .thenReturn(endpoint(OLD, EndpointStatus.IN_SERVICE, "The primary container did not pass the ping "
                        + "health check"));
        ourEndpointWithHash("0".repeat(64));

        DeploymentFailedException e = assertThrows(DeploymentFailedException.class,
                () -> deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1))));

        assertTrue(e.getMessage().contains("did not pass the ping health check"), e.getMessage());
        assertTrue(e.getMessage().contains(OLD), e.getMessage());
        verify(sm).updateEndpoint(any(UpdateEndpointRequest.class));
        verify(sm).deleteEndpointConfig(argThat((DeleteEndpointConfigRequest r) ->
                r.endpointConfigName().equals(versioned)));
        verify(sm).deleteModel(argThat((DeleteModelRequest r) -> r.modelName().equals(versioned)));
        verify(sm, never()).deleteEndpointConfig(argThat((DeleteEndpointConfigRequest r) ->
                r.endpointConfigName().equals(OLD)));
        verify(sm, never()).deleteEndpoint(any(DeleteEndpointRequest.class));
        verify(sm, never()).addTags(any(AddTagsRequest.class));
    }

    @Test
    void deploy_whenUpdateEndpointCallFails_removesNewResourcesAndRestoresAutoscaling() {
        SageMakerTarget config = config().build();
        String versioned = Naming.versionedName("m", hash(config));
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class)))
                .thenReturn(endpoint(OLD, EndpointStatus.IN_SERVICE, null));
        ourEndpointWithHash("0".repeat(64));
        Autoscaler.Snapshot scaling = new Autoscaler.Snapshot(List.of(ScalableTarget.builder()
                .resourceId("endpoint/m/variant/AllTraffic").build()), List.of());
        when(autoscaler.snapshot("m")).thenReturn(scaling);
        when(sm.updateEndpoint(any(UpdateEndpointRequest.class)))
                .thenThrow(awsError(400, "ValidationException", "Variant AllTraffic is invalid"));

        DeploymentFailedException e = assertThrows(DeploymentFailedException.class,
                () -> deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1))));

        assertTrue(e.getMessage().contains("stays on config " + OLD), e.getMessage());
        InOrder order = inOrder(autoscaler, sm);
        order.verify(autoscaler).remove(scaling);
        order.verify(sm).updateEndpoint(any(UpdateEndpointRequest.class));
        order.verify(autoscaler).restore(scaling);
        verify(sm).deleteEndpointConfig(argThat((DeleteEndpointConfigRequest r) ->
                r.endpointConfigName().equals(versioned)));
        verify(sm).deleteModel(argThat((DeleteModelRequest r) -> r.modelName().equals(versioned)));
    }

    @Test
    void deploy_whenNewEndpointFails_surfacesFailureReasonAndRemovesWhatItCreated() {
        SageMakerTarget config = config().build();
        String versioned = Naming.versionedName("m", hash(config));
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenThrow(notFound("endpoint"))
                .thenReturn(endpoint(versioned, EndpointStatus.CREATING, null))
                .thenReturn(endpoint(versioned, EndpointStatus.FAILED, "CannotStartContainerError. Please ensure "
                        + "the model container for variant AllTraffic starts correctly"));

        DeploymentFailedException e = assertThrows(DeploymentFailedException.class,
                () -> deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1))));

        assertTrue(e.getMessage().contains("CannotStartContainerError"), e.getMessage());
        assertTrue(e.getMessage().contains("retry starts clean"), e.getMessage());
        verify(sm).deleteEndpoint(argThat((DeleteEndpointRequest r) -> r.endpointName().equals("m")));
        verify(sm).deleteEndpointConfig(argThat((DeleteEndpointConfigRequest r) ->
                r.endpointConfigName().equals(versioned)));
        verify(sm).deleteModel(argThat((DeleteModelRequest r) -> r.modelName().equals(versioned)));
    }

    @Test
    void deploy_whenCreateEndpointIsRefused_removesModelAndConfigAndExplainsQuota() {
        SageMakerTarget config = config().build();
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenThrow(notFound("endpoint"));
        when(sm.createEndpoint(any(CreateEndpointRequest.class))).thenThrow(awsError(400, "ResourceLimitExceeded",
                "The account-level service limit 'ml.m5.large for endpoint usage' is 0 Instances"));

        DeploymentFailedException e = assertThrows(DeploymentFailedException.class,
                () -> deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1))));

        assertTrue(e.getMessage().contains("quota"), e.getMessage());
        verify(sm).deleteEndpointConfig(any(DeleteEndpointConfigRequest.class));
        verify(sm).deleteModel(any(DeleteModelRequest.class));
        verify(sm, never()).deleteEndpoint(any(DeleteEndpointRequest.class));
    }

    @Test
    void deploy_whenNewEndpointTimesOutWhileCreating_leavesEndpointConfigAndModelAndSaysHowToFinish() {
        SageMakerTarget config = config().pollInterval(Duration.ofMillis(10)).build();
        String versioned = Naming.versionedName("m", hash(config));
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenThrow(notFound("endpoint"))
                .thenReturn(endpoint(versioned, EndpointStatus.CREATING, null));

        OperationTimeoutException e = assertThrows(OperationTimeoutException.class,
                () -> deployer(config).deploy(spec, Fixtures.context(events, Duration.ofSeconds(2))));

        assertTrue(e.getMessage().contains("InService"), e.getMessage());
        assertTrue(e.getMessage().contains("left endpoint m (still being created), its endpoint config " + versioned
                + " and model " + versioned), e.getMessage());
        assertTrue(e.getMessage().contains("'undeploy m'"), e.getMessage());
        verify(sm, never()).deleteEndpoint(any(DeleteEndpointRequest.class));
        verify(sm, never()).deleteEndpointConfig(any(DeleteEndpointConfigRequest.class));
        verify(sm, never()).deleteModel(any(DeleteModelRequest.class));
        verify(store, never()).deleteArtifact(any());
    }

    @Test
    void deploy_whenInterruptedWhileTheNewEndpointIsCreating_leavesEverythingAndSaysSo() {
        SageMakerTarget config = config().pollInterval(Duration.ofSeconds(5)).build();
        String versioned = Naming.versionedName("m", hash(config));
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenThrow(notFound("endpoint"))
                .thenReturn(endpoint(versioned, EndpointStatus.CREATING, null));
        DeployContext ctx = DeployContext.of("m", "sagemaker", ev -> {
            if (ev.phase().equals("wait") && ev.status().equals("Creating")) {
                Thread.currentThread().interrupt(); // as if the caller cancelled the deploy during the wait
            }
        }, Duration.ofMinutes(1));

        MlDeployException e;
        try {
            e = assertThrows(MlDeployException.class, () -> deployer(config).deploy(spec, ctx));
        } finally {
            Thread.interrupted();
        }

        assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
        assertTrue(e.getMessage().contains("left endpoint m (still being created)"), e.getMessage());
        verify(sm, never()).deleteEndpoint(any(DeleteEndpointRequest.class));
        verify(sm, never()).deleteEndpointConfig(any(DeleteEndpointConfigRequest.class));
        verify(sm, never()).deleteModel(any(DeleteModelRequest.class));
    }

    @Test
    void deploy_whenAnEarlierDeployOfThisSpecLeftTheEndpointCreating_waitsForItAndReportsUnchanged() {
        SageMakerTarget config = config().build();
        String versioned = Naming.versionedName("m", hash(config));
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class)))
                .thenReturn(endpoint(versioned, EndpointStatus.CREATING, null))
                .thenReturn(endpoint(versioned, EndpointStatus.CREATING, null))
                .thenReturn(endpoint(versioned, EndpointStatus.IN_SERVICE, null));
        ourEndpointWithHash(hash(config));

        DeployResult result = deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1)));

        assertEquals(DeployResult.Change.UNCHANGED, result.change());
        assertEquals(List.of(), Fixtures.mutatingCalls(sm));
    }

    @Test
    void deploy_whenAnotherDeployIsCreatingTheEndpoint_failsWithConflictBeforeAnyChange() {
        SageMakerTarget config = config().build();
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class)))
                .thenReturn(endpoint("m-111111111111", EndpointStatus.CREATING, null));
        ourEndpointWithHash("1".repeat(64));

        ConflictException e = assertThrows(ConflictException.class,
                () -> deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1))));

        assertTrue(e.getMessage().contains("another deploy of it is running"), e.getMessage());
        assertEquals(List.of(), Fixtures.mutatingCalls(sm));
        verify(store, never()).upload(any(), any(), any(), any(), any(), anyBoolean());
    }

    @Test
    void deploy_whenAnotherDeployIsUpdatingTheEndpoint_failsWithConflictBeforeAnyChange() {
        SageMakerTarget config = config().build();
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenReturn(endpoint(OLD,
                EndpointStatus.UPDATING, null).toBuilder().pendingDeploymentSummary(p -> p
                .endpointConfigName("m-222222222222")).build());
        ourEndpointWithHash("0".repeat(64));

        ConflictException e = assertThrows(ConflictException.class,
                () -> deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1))));

        assertTrue(e.getMessage().contains("Updating to config m-222222222222"), e.getMessage());
        assertEquals(List.of(), Fixtures.mutatingCalls(sm));
    }

    @Test
    void deploy_whenCreateEndpointSaysTheEndpointAlreadyExists_failsWithConflictAndRemovesOnlyItsOwnResources() {
        SageMakerTarget config = config().build();
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenThrow(notFound("endpoint"));
        when(sm.createEndpoint(any(CreateEndpointRequest.class))).thenThrow(awsError(400, "ValidationException",
                "Cannot create already existing endpoint \"arn:aws:sagemaker:us-east-1:123456789012:endpoint/m\"."));

        ConflictException e = assertThrows(ConflictException.class,
                () -> deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1))));

        assertTrue(e.getMessage().contains("another deploy"), e.getMessage());
        verify(sm, never()).deleteEndpoint(any(DeleteEndpointRequest.class));
        verify(sm).deleteEndpointConfig(any(DeleteEndpointConfigRequest.class));
        verify(sm).deleteModel(any(DeleteModelRequest.class));
    }

    @Test
    void deploy_whenTheEndpointComesUpWithAnotherDeploysConfig_failsWithConflictAndLeavesTheirEndpoint() {
        SageMakerTarget config = config().build();
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenThrow(notFound("endpoint"))
                .thenReturn(endpoint("m-333333333333", EndpointStatus.IN_SERVICE, null));

        assertThrows(ConflictException.class,
                () -> deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1))));

        verify(sm, never()).deleteEndpoint(any(DeleteEndpointRequest.class));
        verify(sm).deleteModel(any(DeleteModelRequest.class));
    }

    @Test
    void deploy_whenTheNewConfigIsBrieflyNotFound_readsItBackBeforeCreatingTheEndpoint() {
        SageMakerTarget config = config().build();
        String versioned = Naming.versionedName("m", hash(config));
        AtomicInteger reads = new AtomicInteger();
        when(sm.describeEndpointConfig(any(DescribeEndpointConfigRequest.class))).thenAnswer(inv -> {
            if (!createdConfigs.contains(versioned) || reads.incrementAndGet() <= 2) {
                throw notFound("endpoint config"); // SageMaker's eventual consistency right after creation
            }
            return DescribeEndpointConfigResponse.builder().endpointConfigName(versioned).build();
        });
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenThrow(notFound("endpoint"))
                .thenReturn(endpoint(versioned, EndpointStatus.IN_SERVICE, null));
        when(sm.createEndpoint(any(CreateEndpointRequest.class))).thenAnswer(inv -> {
            assertEquals(3, reads.get(), "CreateEndpoint was sent before the config could be read back");
            return null;
        });
        ourEndpointWithHash(hash(config));

        DeployResult result = deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1)));

        assertEquals(DeployResult.Change.CREATED, result.change());
        verify(sm).createEndpoint(any(CreateEndpointRequest.class));
    }

    @Test
    void deploy_whenCreateEndpointConfigIsRefused_removesTheModelAndTheUploadedArtifact() {
        SageMakerTarget config = config().build();
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenThrow(notFound("endpoint"));
        when(sm.createEndpointConfig(any(CreateEndpointConfigRequest.class))).thenThrow(awsError(400,
                "ValidationException", "Invalid KmsKeyId"));
        when(store.deleteArtifact(any())).thenReturn(1);

        DeploymentFailedException e = assertThrows(DeploymentFailedException.class,
                () -> deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1))));

        assertTrue(e.getMessage().contains("Invalid KmsKeyId"), e.getMessage());
        assertTrue(e.getMessage().contains("artifact s3://models/mldeploy/m/k/model.tar.gz"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing is left"), e.getMessage());
        verify(sm).deleteModel(any(DeleteModelRequest.class));
        verify(store).deleteArtifact(any());
        verify(sm, never()).createEndpoint(any(CreateEndpointRequest.class));
    }

    @Test
    void deploy_whenTheCleanupCannotRemoveTheModel_namesWhatIsLeftAndKeepsItsArtifact() {
        SageMakerTarget config = config().build();
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenThrow(notFound("endpoint"));
        when(sm.createEndpointConfig(any(CreateEndpointConfigRequest.class))).thenThrow(awsError(400,
                "ValidationException", "refused"));
        when(sm.deleteModel(any(DeleteModelRequest.class))).thenThrow(awsError(500, "InternalFailure", "oops"));

        DeploymentFailedException e = assertThrows(DeploymentFailedException.class,
                () -> deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1))));

        assertTrue(e.getMessage().contains("left: model m-"), e.getMessage());
        assertTrue(e.getMessage().contains("artifact s3://models/mldeploy/m/k/model.tar.gz"), e.getMessage());
        assertTrue(e.getMessage().contains("'undeploy m' removes them"), e.getMessage());
        assertFalse(e.getMessage().contains("nothing is left"), e.getMessage());
        verify(store, never()).deleteArtifact(any());
    }

    @Test
    void deploy_whenTheUpdateWaitTimesOut_restoresTheAutoscalingItRemovedAndLeavesTheNewConfig() {
        SageMakerTarget config = config().pollInterval(Duration.ofMillis(10)).build();
        String versioned = Naming.versionedName("m", hash(config));
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class)))
                .thenReturn(endpoint(OLD, EndpointStatus.IN_SERVICE, null))
                .thenReturn(endpoint(OLD, EndpointStatus.UPDATING, null));
        ourEndpointWithHash("0".repeat(64));
        Autoscaler.Snapshot scaling = new Autoscaler.Snapshot(List.of(ScalableTarget.builder()
                .resourceId("endpoint/m/variant/AllTraffic").build()), List.of());
        when(autoscaler.snapshot("m")).thenReturn(scaling);

        OperationTimeoutException e = assertThrows(OperationTimeoutException.class,
                () -> deployer(config).deploy(spec, Fixtures.context(events, Duration.ofSeconds(2))));

        assertTrue(e.getMessage().contains("restored its autoscaling"), e.getMessage());
        assertTrue(e.getMessage().contains("still updating to config " + versioned), e.getMessage());
        InOrder order = inOrder(autoscaler, sm);
        order.verify(autoscaler).remove(scaling);
        order.verify(sm).updateEndpoint(any(UpdateEndpointRequest.class));
        order.verify(autoscaler).restore(scaling);
        verify(sm, never()).deleteEndpointConfig(any(DeleteEndpointConfigRequest.class));
        verify(sm, never()).deleteModel(any(DeleteModelRequest.class));
    }

    @Test
    void deploy_whenUpdateEndpointSaysAnUpdateIsInProgress_failsWithConflictAndRemovesItsNewResources() {
        SageMakerTarget config = config().build();
        String versioned = Naming.versionedName("m", hash(config));
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class)))
                .thenReturn(endpoint(OLD, EndpointStatus.IN_SERVICE, null));
        ourEndpointWithHash("0".repeat(64));
        when(sm.updateEndpoint(any(UpdateEndpointRequest.class))).thenThrow(awsError(400, "ValidationException",
                "Cannot update in-progress endpoint \"arn:aws:sagemaker:us-east-1:123456789012:endpoint/m\"."));

        ConflictException e = assertThrows(ConflictException.class,
                () -> deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1))));

        assertTrue(e.getMessage().contains("another deploy"), e.getMessage());
        verify(sm).deleteEndpointConfig(argThat((DeleteEndpointConfigRequest r) ->
                r.endpointConfigName().equals(versioned)));
        verify(sm, never()).deleteEndpointConfig(argThat((DeleteEndpointConfigRequest r) ->
                r.endpointConfigName().equals(OLD)));
    }

    @Test
    void deploy_whenTargetTimeoutIsShorterThanCallers_givesUpAtTheTargetTimeout() {
        SageMakerTarget config = config().pollInterval(Duration.ofMillis(10)).timeout(Duration.ofMillis(200)).build();
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenThrow(notFound("endpoint"))
                .thenReturn(endpoint("x", EndpointStatus.CREATING, null));
        // the caller allows an hour: only the target's 200 ms can end this wait
        OperationTimeoutException e = assertThrows(OperationTimeoutException.class,
                () -> deployer(config).deploy(spec, Fixtures.context(events, Duration.ofHours(1))));
        assertTrue(e.getMessage().contains("InService"), e.getMessage());
    }

    @Test
    void deploy_setsEveryCallsTimeoutsFromWhatIsLeftOfTheDeadline() {
        SageMakerTarget config = config().build();
        String versioned = Naming.versionedName("m", hash(config));
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenThrow(notFound("endpoint"))
                .thenReturn(endpoint(versioned, EndpointStatus.IN_SERVICE, null));
        ourEndpointWithHash(hash(config));

        deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(2)));

        List<AwsRequest> sent = Mockito.mockingDetails(sm).getInvocations().stream()
                .flatMap(i -> Arrays.stream(i.getArguments())).filter(a -> a instanceof AwsRequest)
                .map(a -> (AwsRequest) a).toList();
        assertTrue(sent.size() >= 6, sent.toString());
        for (AwsRequest r : sent) {
            var o = r.overrideConfiguration().orElseThrow(() -> new AssertionError("no timeouts on " + r));
            Duration call = o.apiCallTimeout().orElseThrow();
            Duration attempt = o.apiCallAttemptTimeout().orElseThrow();
            assertTrue(call.compareTo(Duration.ofMinutes(2)) <= 0 && !call.isNegative(), r + ": " + call);
            assertTrue(attempt.compareTo(call) <= 0, r + ": " + attempt);
        }
    }

    @Test
    void deploy_whenLeftoversOfAFailedAttemptExist_reusesThemInsteadOfCreatingAgain() {
        SageMakerTarget config = config().build();
        String versioned = Naming.versionedName("m", hash(config));
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenThrow(notFound("endpoint"))
                .thenReturn(endpoint(versioned, EndpointStatus.IN_SERVICE, null));
        String modelArn = "arn:aws:sagemaker:us-east-1:123456789012:model/" + versioned;
        String cfgArn = "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/" + versioned;
        when(sm.describeModel(any(DescribeModelRequest.class))).thenReturn(DescribeModelResponse.builder()
                .modelName(versioned).modelArn(modelArn).build());
        when(sm.describeEndpointConfig(any(DescribeEndpointConfigRequest.class)))
                .thenReturn(DescribeEndpointConfigResponse.builder().endpointConfigName(versioned)
                        .endpointConfigArn(cfgArn).build());
        tagsByArn.put(modelArn, Naming.tags("m", hash(config), "realtime", "s3://x/", Map.of()));
        tagsByArn.put(cfgArn, Naming.tags("m", hash(config), "realtime", "s3://x/", Map.of()));
        ourEndpointWithHash(hash(config));

        DeployResult result = deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1)));

        assertEquals(DeployResult.Change.CREATED, result.change());
        verify(sm, never()).createModel(any(CreateModelRequest.class));
        verify(sm, never()).createEndpointConfig(any(CreateEndpointConfigRequest.class));
        verify(sm).createEndpoint(any(CreateEndpointRequest.class));
    }

    @Test
    void deploy_whenAModelOfThatNameIsNotMldeploys_refusesBeforeCreatingAnything() {
        SageMakerTarget config = config().build();
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenThrow(notFound("endpoint"));
        when(sm.describeModel(any(DescribeModelRequest.class))).thenReturn(DescribeModelResponse.builder()
                .modelName("x").modelArn("arn:model/x").build());

        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1))));

        assertTrue(e.getMessage().contains("did not create"), e.getMessage());
        verify(sm, never()).createModel(any(CreateModelRequest.class));
        verify(sm, never()).createEndpoint(any(CreateEndpointRequest.class));
    }

    @Test
    void deploy_whenEndpointOfThatNameIsNotMldeploys_refusesWithoutAnyChange() {
        SageMakerTarget config = config().build();
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class)))
                .thenReturn(endpoint("theirs", EndpointStatus.IN_SERVICE, null));

        assertThrows(InvalidConfigurationException.class,
                () -> deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1))));

        assertEquals(List.of(), Fixtures.mutatingCalls(sm));
        verify(store, never()).upload(any(), any(), any(), any(), any(), anyBoolean());
    }

    @Test
    void deploy_whenAnEarlierAttemptLeftTheEndpointFailed_deletesItAndCreatesAgain() {
        SageMakerTarget config = config().build();
        String versioned = Naming.versionedName("m", hash(config));
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class)))
                .thenReturn(endpoint(versioned, EndpointStatus.FAILED, "boom"))
                .thenThrow(notFound("endpoint"))
                .thenReturn(endpoint(versioned, EndpointStatus.IN_SERVICE, null));
        ourEndpointWithHash(hash(config));

        DeployResult result = deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1)));

        assertEquals(DeployResult.Change.CREATED, result.change());
        InOrder order = inOrder(sm);
        order.verify(sm).deleteEndpoint(any(DeleteEndpointRequest.class));
        order.verify(sm).createEndpoint(any(CreateEndpointRequest.class));
    }

    @Test
    void deploy_withAutoscaling_registersEachVariantOnceInService() {
        AutoscalingSettings scaling = AutoscalingSettings.of(1, 4, 100);
        SageMakerTarget config = config().autoscaling(scaling).build();
        String versioned = Naming.versionedName("m", hash(config));
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenThrow(notFound("endpoint"))
                .thenReturn(endpoint(versioned, EndpointStatus.IN_SERVICE, null));
        ourEndpointWithHash(hash(config));

        deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1)));

        InOrder order = inOrder(sm, autoscaler);
        order.verify(sm).createEndpoint(any(CreateEndpointRequest.class));
        order.verify(autoscaler).apply(eq("m"), eq(List.of("AllTraffic")),
                eq(new SageMakerSettings.Autoscaling(1, 4, 100)));
    }

    @Test
    void deploy_withoutRole_failsBeforeAnyCall() {
        SageMakerTarget config = SageMakerTarget.builder().bucket("models").image("img").sageMakerClient(sm).build();

        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1))));

        assertTrue(e.getMessage().contains("MLDEPLOY_ROLE_ARN"), e.getMessage());
        assertEquals(0, org.mockito.Mockito.mockingDetails(sm).getInvocations().size());
        verify(store, never()).ensureBucket(any(), anyBoolean());
    }
}
