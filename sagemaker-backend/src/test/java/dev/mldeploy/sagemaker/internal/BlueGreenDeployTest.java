package dev.mldeploy.sagemaker.internal;

import static dev.mldeploy.sagemaker.internal.Fixtures.ROLE;
import static dev.mldeploy.sagemaker.internal.Fixtures.notFound;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.mldeploy.ConflictException;
import dev.mldeploy.DeployResult;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.ProgressEvent;
import dev.mldeploy.RolloutPolicy;
import dev.mldeploy.RolloutRolledBackException;
import dev.mldeploy.aws.AlarmStates;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.bundle.SourceTree;
import dev.mldeploy.bundle.SpecFingerprint;
import dev.mldeploy.sagemaker.SageMakerTarget;
import dev.mldeploy.spi.DeployContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.AddTagsRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointConfigRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointConfigResponse;
import software.amazon.awssdk.services.sagemaker.model.CreateModelRequest;
import software.amazon.awssdk.services.sagemaker.model.DeleteEndpointConfigRequest;
import software.amazon.awssdk.services.sagemaker.model.DeleteModelRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointConfigRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointConfigResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeModelRequest;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemaker.model.ListTagsRequest;
import software.amazon.awssdk.services.sagemaker.model.ListTagsResponse;
import software.amazon.awssdk.services.sagemaker.model.PendingDeploymentSummary;
import software.amazon.awssdk.services.sagemaker.model.Tag;
import software.amazon.awssdk.services.sagemaker.model.TrafficRoutingConfigType;
import software.amazon.awssdk.services.sagemaker.model.UpdateEndpointRequest;

/** A SageMaker update under a rollout policy, on mocked clients (moto has no UpdateEndpoint). */
class BlueGreenDeployTest {
    private static final String ARN = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/m";
    private static final String OLD = "m-000000000000";

    @TempDir
    Path tmp;

    private final SageMakerClient sm = Fixtures.sdkMock(SageMakerClient.class);
    private final ArtifactStore store = mock(ArtifactStore.class);
    private final Autoscaler autoscaler = mock(Autoscaler.class);
    private final AlarmStates alarms = mock(AlarmStates.class);
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
        when(sm.listEndpointConfigs(any(software.amazon.awssdk.services.sagemaker.model.ListEndpointConfigsRequest
                .class))).thenReturn(software.amazon.awssdk.services.sagemaker.model.ListEndpointConfigsResponse
                .builder().build());
        when(sm.listModels(any(software.amazon.awssdk.services.sagemaker.model.ListModelsRequest.class)))
                .thenReturn(software.amazon.awssdk.services.sagemaker.model.ListModelsResponse.builder().build());
        tagsByArn.put(ARN, Naming.tags("m", "0".repeat(64), "realtime", "s3://models/mldeploy/m/", Map.of()));
    }

    private SageMakerTarget config() {
        return SageMakerTarget.builder().roleArn(ROLE).bucket("models").image("img:1").sageMakerClient(sm)
                .pollInterval(Duration.ofMillis(1)).build();
    }

    private EndpointDeployer deployer() {
        SageMakerApi api = new SageMakerApi(sm);
        return new EndpointDeployer(Fixtures.settings(config()), api, store, autoscaler, new EndpointReader(api),
                () -> alarms);
    }

    private String versioned() {
        return Naming.versionedName("m", SpecFingerprint.of(spec, SourceTree.of(spec.requireSource()),
                DeploymentPlan.resolve(Fixtures.settings(config()), spec, Optional.empty()).fingerprintSettings()));
    }

    private static DescribeEndpointResponse endpoint(String config, EndpointStatus status, String reason) {
        return DescribeEndpointResponse.builder().endpointName("m").endpointArn(ARN).endpointConfigName(config)
                .endpointStatus(status).failureReason(reason).build();
    }

    private DeployContext ctx(RolloutPolicy policy) {
        return DeployContext.of("m", "sagemaker", events::add, Duration.ofMinutes(30)).withRollout(policy);
    }

    @Test
    void deploy_withCanary_updatesWithTheBlueGreenConfigAndWaitsForTheNewConfig() {
        String versioned = versioned();
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class)))
                .thenReturn(endpoint(OLD, EndpointStatus.IN_SERVICE, null))
                .thenReturn(endpoint(OLD, EndpointStatus.UPDATING, null))
                .thenReturn(endpoint(versioned, EndpointStatus.IN_SERVICE, null));

        DeployResult r = deployer().deploy(spec, ctx(RolloutPolicy.canary(10, Duration.ofMinutes(5))
                .withRollbackAlarms("errors")));

        assertEquals(DeployResult.Change.UPDATED, r.change(), r.message());
        verify(alarms).requireReady(eq(List.of("errors")), any(CallBudget.class));
        ArgumentCaptor<UpdateEndpointRequest> sent = ArgumentCaptor.forClass(UpdateEndpointRequest.class);
        verify(sm).updateEndpoint(sent.capture());
        var bg = sent.getValue().deploymentConfig().blueGreenUpdatePolicy();
        assertEquals(versioned, sent.getValue().endpointConfigName());
        assertEquals(TrafficRoutingConfigType.CANARY, bg.trafficRoutingConfiguration().type());
        assertEquals(10, bg.trafficRoutingConfiguration().canarySize().value());
        assertEquals(300, bg.trafficRoutingConfiguration().waitIntervalInSeconds());
        assertEquals("errors", sent.getValue().deploymentConfig().autoRollbackConfiguration().alarms().get(0)
                .alarmName());
        assertTrue(events.stream().anyMatch(e -> e.message().contains("by blue/green rollout canary:10:300s")),
                events.toString());
        assertTrue(events.stream().anyMatch(e -> "wait".equals(e.phase()) && "Updating".equals(e.status())),
                "progress while SageMaker shifts: " + events);
    }

    @Test
    void deploy_withDefaultRollout_sendsNoDeploymentConfigAndReadsNoAlarm() {
        String versioned = versioned();
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class)))
                .thenReturn(endpoint(OLD, EndpointStatus.IN_SERVICE, null))
                .thenReturn(endpoint(versioned, EndpointStatus.IN_SERVICE, null));
        deployer().deploy(spec, ctx(RolloutPolicy.allAtOnce()));
        verify(sm).updateEndpoint(argThat((UpdateEndpointRequest u) -> u.deploymentConfig() == null));
        verifyNoInteractions(alarms);
    }

    @Test
    void deploy_whenSageMakerRollsTheCanaryBack_failsNamingTheAlarmAndRemovesTheNewConfig() {
        String versioned = versioned();
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class)))
                .thenReturn(endpoint(OLD, EndpointStatus.IN_SERVICE, null))
                .thenReturn(endpoint(OLD, EndpointStatus.UPDATING, null).toBuilder()
                        .pendingDeploymentSummary(PendingDeploymentSummary.builder().endpointConfigName(versioned)
                                .build()).build())
                .thenReturn(endpoint(OLD, EndpointStatus.ROLLING_BACK, null))
                .thenReturn(endpoint(OLD, EndpointStatus.IN_SERVICE, "Deployment was rolled back: CloudWatch "
                        + "alarm(s) [p99-latency] went into ALARM state"));

        RolloutRolledBackException e = assertThrows(RolloutRolledBackException.class, () -> deployer().deploy(spec,
                ctx(RolloutPolicy.linear(20, Duration.ofMinutes(1)).withRollbackAlarms("errors", "p99-latency"))));

        assertEquals("p99-latency", e.alarm().orElseThrow());
        assertTrue(e.getMessage().contains("rolled back by SageMaker") && e.getMessage().contains("serves config "
                + OLD + " again"), e.getMessage());
        verify(sm).deleteEndpointConfig(argThat((DeleteEndpointConfigRequest r) ->
                r.endpointConfigName().equals(versioned)));
        verify(sm).deleteModel(argThat((DeleteModelRequest r) -> r.modelName().equals(versioned)));
        verify(sm, never()).addTags(any(AddTagsRequest.class));
    }

    @Test
    void deploy_whenRollbackReasonNamesNoAlarm_asksWhichIsInAlarm() {
        String versioned = versioned();
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class)))
                .thenReturn(endpoint(OLD, EndpointStatus.IN_SERVICE, null))
                .thenReturn(endpoint(OLD, EndpointStatus.IN_SERVICE, "Rolled back"));
        when(alarms.inAlarm(anyList(), any(CallBudget.class))).thenReturn(List.of("errors"));
        RolloutRolledBackException e = assertThrows(RolloutRolledBackException.class, () -> deployer().deploy(spec,
                ctx(RolloutPolicy.canary(10, Duration.ofMinutes(1)).withRollbackAlarms("errors"))));
        assertEquals("errors", e.alarm().orElseThrow());
        assertTrue(e.getMessage().contains(versioned), e.getMessage());
    }

    @Test
    void deploy_whenRollbackAlarmMissing_refusesBeforeAnyUploadOrChange() {
        doThrow(new InvalidConfigurationException("rollback alarm [typo] does not exist")).when(alarms)
                .requireReady(anyList(), any(CallBudget.class));
        assertThrows(InvalidConfigurationException.class, () -> deployer().deploy(spec,
                ctx(RolloutPolicy.canary(10, Duration.ofMinutes(1)).withRollbackAlarms("typo"))));
        verifyNoInteractions(store);
        verify(sm, never()).createModel(any(CreateModelRequest.class));
        verify(sm, never()).updateEndpoint(any(UpdateEndpointRequest.class));
    }

    @Test
    void deploy_whenCanaryTooLargeForSageMaker_refusesBeforeAnyCall() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> deployer()
                .deploy(spec, ctx(RolloutPolicy.canary(75, Duration.ofMinutes(1)))));
        assertTrue(e.getMessage().contains("at most 50 %"), e.getMessage());
        verifyNoInteractions(store);
        verify(sm, never()).describeEndpoint(any(DescribeEndpointRequest.class));
    }

    @Test
    void rollback_duringABlueGreenUpdate_refusesSayingSageMakerCannotStopIt() {
        SageMakerApi api = new SageMakerApi(sm);
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenReturn(endpoint(OLD,
                EndpointStatus.UPDATING, null).toBuilder().pendingDeploymentSummary(PendingDeploymentSummary.builder()
                .endpointConfigName("m-111111111111").build()).build());
        Rollback rollback = new Rollback(Fixtures.settings(config()), api, autoscaler, new EndpointReader(api));
        ConflictException e = assertThrows(ConflictException.class, () -> rollback.rollback("m",
                DeployContext.of("m", "sagemaker", events::add, Duration.ofMinutes(1))));
        assertTrue(e.getMessage().contains("no call to stop an update") && e.getMessage().contains(OLD),
                e.getMessage());
        verify(sm, never()).updateEndpoint(any(UpdateEndpointRequest.class));
    }
}
