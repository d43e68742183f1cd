package dev.mldeploy.sagemaker.internal;

import static dev.mldeploy.sagemaker.internal.Fixtures.ROLE;
import static dev.mldeploy.sagemaker.internal.Fixtures.awsError;
import static dev.mldeploy.sagemaker.internal.Fixtures.notFound;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

import dev.mldeploy.DeployResult;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.DeploymentStatus;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.ProgressEvent;
import dev.mldeploy.sagemaker.AutoscalingSettings;
import dev.mldeploy.sagemaker.SageMakerTarget;
import dev.mldeploy.spi.SourceTree;
import dev.mldeploy.spi.SpecFingerprint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.AddTagsRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointConfigRequest;
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
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
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
    private ModelSpec spec;

    @BeforeEach
    void setUp() throws Exception {
        spec = ModelSpec.builder("m").source(Fixtures.model(tmp.resolve("m"), "v1")).build();
        when(store.upload(any(), any(), any(), any(), anyBoolean()))
                .thenReturn(new ArtifactStore.Artifact("s3://models/mldeploy/m/k/model.tar.gz", false, true, 10));
        when(autoscaler.snapshot(any())).thenReturn(new Autoscaler.Snapshot(List.of(), List.of()));
        when(sm.describeModel(any(DescribeModelRequest.class))).thenThrow(notFound("model"));
        when(sm.describeEndpointConfig(any(DescribeEndpointConfigRequest.class))).thenThrow(notFound("config"));
        when(sm.listTags(any(ListTagsRequest.class))).thenAnswer(inv -> ListTagsResponse.builder()
                .tags(tagsByArn.getOrDefault(((ListTagsRequest) inv.getArgument(0)).resourceArn(), List.of())).build());
    }

    private SageMakerTarget.Builder config() {
        return SageMakerTarget.builder().roleArn(ROLE).bucket("models").image("img:1").sageMakerClient(sm)
                .pollInterval(Duration.ofMillis(1));
    }

    private EndpointDeployer deployer(SageMakerTarget config) {
        SageMakerApi api = new SageMakerApi(sm);
        return new EndpointDeployer(config, api, store, autoscaler, new DeploymentReader(api));
    }

    private String hash(SageMakerTarget config) {
        return SpecFingerprint.of(spec, SourceTree.of(spec.requireSource()),
                DeploymentPlan.resolve(config, spec, Optional.empty()).fingerprintSettings());
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
    void deploy_whenSpecUnchanged_makesNoMutatingCallAndSaysUnchanged() {
        SageMakerTarget config = config().build();
        String hash = hash(config);
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class)))
                .thenReturn(endpoint(Naming.versionedName("m", hash), EndpointStatus.IN_SERVICE, null));
        ourEndpointWithHash(hash);

        DeployResult result = deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1)));

        assertEquals(DeployResult.Change.UNCHANGED, result.change());
        assertEquals(List.of(), Fixtures.mutatingCalls(sm));
        verify(store, never()).upload(any(), any(), any(), any(), anyBoolean());
    }

    @Test
    void deploy_whenSpecChanged_updatesInPlaceAndDeletesOldConfigOnlyOnceInService() {
        SageMakerTarget config = config().build();
        String versioned = Naming.versionedName("m", hash(config));
        AtomicBoolean inService = new AtomicBoolean();
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class)))
                .thenReturn(endpoint(OLD, EndpointStatus.IN_SERVICE, null))
                .thenReturn(endpoint(OLD, EndpointStatus.UPDATING, null))
                .thenAnswer(inv -> {
                    inService.set(true);
                    return endpoint(versioned, EndpointStatus.IN_SERVICE, null);
                });
        ourEndpointWithHash("0".repeat(64));
        when(sm.describeEndpointConfig(argThat((DescribeEndpointConfigRequest r) -> r != null
                && r.endpointConfigName().equals(OLD)))).thenReturn(DescribeEndpointConfigResponse.builder()
                .endpointConfigName(OLD).productionVariants(v -> v.variantName("AllTraffic").modelName(OLD)).build());
        when(sm.deleteEndpointConfig(any(DeleteEndpointConfigRequest.class))).thenAnswer(inv -> {
            assertTrue(inService.get(), "the old config was deleted before the endpoint was InService on the new one");
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
                r.endpointConfigName().equals(OLD)));
        order.verify(sm).deleteModel(argThat((DeleteModelRequest r) -> r.modelName().equals(OLD)));
        verify(sm, never()).createEndpoint(any(CreateEndpointRequest.class));
        verify(sm, never()).deleteEndpoint(any(DeleteEndpointRequest.class));
    }

    @Test
    void deploy_whenAnEarlierUpdateWentThroughAfterItsDeployGaveUp_finishesItWithoutUpdatingAgain() {
        SageMakerTarget config = config().build();
        String versioned = Naming.versionedName("m", hash(config));
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class)))
                .thenReturn(endpoint(versioned, EndpointStatus.IN_SERVICE, null));
        ourEndpointWithHash("0".repeat(64));
        when(sm.listEndpointConfigs(any(software.amazon.awssdk.services.sagemaker.model.ListEndpointConfigsRequest.class)))
                .thenReturn(software.amazon.awssdk.services.sagemaker.model.ListEndpointConfigsResponse.builder()
                        .endpointConfigs(c -> c.endpointConfigName(OLD), c -> c.endpointConfigName(versioned)).build());
        when(sm.listModels(any(software.amazon.awssdk.services.sagemaker.model.ListModelsRequest.class)))
                .thenReturn(software.amazon.awssdk.services.sagemaker.model.ListModelsResponse.builder().build());
        when(sm.describeEndpointConfig(argThat((DescribeEndpointConfigRequest r) -> r != null
                && r.endpointConfigName().equals(OLD)))).thenReturn(DescribeEndpointConfigResponse.builder()
                .endpointConfigName(OLD).endpointConfigArn("cfg/" + OLD).build());
        tagsByArn.put("cfg/" + OLD, Naming.tags("m", "0".repeat(64), "realtime", "s3://x/", Map.of()));

        DeployResult result = deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(1)));

        assertEquals(DeployResult.Change.UPDATED, result.change());
        verify(sm, never()).updateEndpoint(any(UpdateEndpointRequest.class));
        verify(sm, never()).createModel(any(CreateModelRequest.class));
        verify(sm).addTags(argThat((AddTagsRequest r) -> Naming.toMap(r.tags()).get(Naming.TAG_SPEC_HASH)
                .equals(hash(config))));
        verify(sm).deleteEndpointConfig(argThat((DeleteEndpointConfigRequest r) ->
                r.endpointConfigName().equals(OLD)));
        verify(sm, never()).deleteEndpointConfig(argThat((DeleteEndpointConfigRequest r) ->
                r.endpointConfigName().equals(versioned)));
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
                .thenThrow(awsError(400, "ValidationException", "Cannot update in-progress endpoint"));

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
    void deploy_whenEndpointNeverComesUp_timesOutAndRemovesWhatItCreated() {
        SageMakerTarget config = config().pollInterval(Duration.ofMillis(10)).build();
        String versioned = Naming.versionedName("m", hash(config));
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenThrow(notFound("endpoint"))
                .thenReturn(endpoint(versioned, EndpointStatus.CREATING, null));

        OperationTimeoutException e = assertThrows(OperationTimeoutException.class,
                () -> deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMillis(300))));

        assertTrue(e.getMessage().contains("InService"), e.getMessage());
        verify(sm).deleteEndpoint(any(DeleteEndpointRequest.class));
        verify(sm).deleteEndpointConfig(any(DeleteEndpointConfigRequest.class));
        verify(sm).deleteModel(any(DeleteModelRequest.class));
    }

    @Test
    void deploy_whenTargetTimeoutIsShorterThanCallers_givesUpAtTheTargetTimeout() {
        SageMakerTarget config = config().pollInterval(Duration.ofMillis(10)).timeout(Duration.ofMillis(200)).build();
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenThrow(notFound("endpoint"))
                .thenReturn(endpoint("x", EndpointStatus.CREATING, null));
        long start = System.nanoTime();
        assertThrows(OperationTimeoutException.class,
                () -> deployer(config).deploy(spec, Fixtures.context(events, Duration.ofMinutes(5))));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(30)) < 0);
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
        verify(store, never()).upload(any(), any(), any(), any(), anyBoolean());
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
        order.verify(autoscaler).apply(eq("m"), eq(List.of("AllTraffic")), eq(scaling));
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
