package dev.mldeploy.sagemaker.internal;

import static dev.mldeploy.sagemaker.internal.Fixtures.ROLE;
import static dev.mldeploy.sagemaker.internal.Fixtures.notFound;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mldeploy.ConflictException;
import dev.mldeploy.DeploymentNotFoundException;
import dev.mldeploy.NoPreviousVersionException;
import dev.mldeploy.ProgressEvent;
import dev.mldeploy.RollbackResult;
import dev.mldeploy.sagemaker.SageMakerTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.mockito.Mockito;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.AddTagsRequest;
import software.amazon.awssdk.services.sagemaker.model.DeleteEndpointConfigRequest;
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
import software.amazon.awssdk.services.sagemaker.model.ListTagsRequest;
import software.amazon.awssdk.services.sagemaker.model.ListTagsResponse;
import software.amazon.awssdk.services.sagemaker.model.Tag;
import software.amazon.awssdk.services.sagemaker.model.UpdateEndpointRequest;

/** SageMaker rollback with a mocked client: the emulator answers UpdateEndpoint with HTTP 500. */
class RollbackTest {
    private static final String ARN = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/m";
    private static final String CURRENT = "m-222222222222";
    private static final String PREVIOUS = "m-111111111111";
    private static final String PREVIOUS_HASH = "1".repeat(64);

    private final SageMakerClient sm = Fixtures.sdkMock(SageMakerClient.class);
    private final Autoscaler autoscaler = mock(Autoscaler.class);
    private final Map<String, List<Tag>> tagsByArn = new HashMap<>();
    private final List<ProgressEvent> events = new ArrayList<>();
    private final Autoscaler.Snapshot noScaling = new Autoscaler.Snapshot(List.of(), List.of());

    @BeforeEach
    void setUp() {
        when(autoscaler.snapshot(any())).thenReturn(noScaling);
        when(sm.listTags(any(ListTagsRequest.class))).thenAnswer(inv -> ListTagsResponse.builder()
                .tags(tagsByArn.getOrDefault(((ListTagsRequest) inv.getArgument(0)).resourceArn(), List.of())).build());
        tagsByArn.put(ARN, Naming.tags("m", "2".repeat(64), "realtime", "s3://models/mldeploy/m/", Map.of()));
        when(sm.describeModel(any(DescribeModelRequest.class))).thenThrow(notFound("model"));
        when(sm.describeEndpointConfig(any(DescribeEndpointConfigRequest.class))).thenThrow(notFound("config"));
    }

    private Rollback rollback() {
        SageMakerTarget config = SageMakerTarget.builder().roleArn(ROLE).bucket("models").image("img:1")
                .sageMakerClient(sm).pollInterval(Duration.ofMillis(1)).build();
        SageMakerApi api = new SageMakerApi(sm);
        return new Rollback(Fixtures.settings(config), api, autoscaler, new EndpointReader(api));
    }

    private static DescribeEndpointResponse endpoint(String config, EndpointStatus status) {
        return DescribeEndpointResponse.builder().endpointName("m").endpointArn(ARN).endpointConfigName(config)
                .endpointStatus(status).build();
    }

    private void configs(String... names) {
        when(sm.listEndpointConfigs(any(ListEndpointConfigsRequest.class))).thenReturn(ListEndpointConfigsResponse
                .builder().endpointConfigs(java.util.Arrays.stream(names).map(n -> EndpointConfigSummary.builder()
                        .endpointConfigName(n).build()).toList()).build());
        for (String n : names) {
            Mockito.doReturn(DescribeEndpointConfigResponse.builder().endpointConfigName(n).endpointConfigArn("cfg/" + n)
                    .creationTime(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(n.equals(CURRENT) ? 60 : 0))
                    .productionVariants(v -> v.variantName("AllTraffic").modelName(n)).build())
                    .when(sm).describeEndpointConfig(argThat((DescribeEndpointConfigRequest r) -> r != null
                            && r.endpointConfigName().equals(n)));
            tagsByArn.put("cfg/" + n, Naming.tags("m", n.equals(PREVIOUS) ? PREVIOUS_HASH : "2".repeat(64),
                    n.equals(PREVIOUS) ? "serverless" : "realtime", "s3://models/mldeploy/m/", Map.of()));
        }
    }

    private void modelExists(String name) {
        Mockito.doReturn(DescribeModelResponse.builder().modelName(name).modelArn("model/" + name).build()).when(sm)
                .describeModel(argThat((DescribeModelRequest r) -> r != null && r.modelName().equals(name)));
    }

    @Test
    void rollback_whenAPreviousGenerationIsKept_updatesTheEndpointBackToItAndTagsItsSpecHash() {
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class)))
                .thenReturn(endpoint(CURRENT, EndpointStatus.IN_SERVICE))
                .thenReturn(endpoint(CURRENT, EndpointStatus.UPDATING))
                .thenReturn(endpoint(PREVIOUS, EndpointStatus.IN_SERVICE));
        configs(PREVIOUS, CURRENT);
        modelExists(PREVIOUS);

        RollbackResult r = rollback().rollback("m", Fixtures.context(events, Duration.ofMinutes(1)));

        assertEquals(CURRENT, r.fromVersion());
        assertEquals(PREVIOUS, r.toVersion());
        InOrder order = inOrder(sm);
        order.verify(sm).updateEndpoint(argThat((UpdateEndpointRequest u) -> u.endpointName().equals("m")
                && u.endpointConfigName().equals(PREVIOUS)));
        order.verify(sm).addTags(argThat((AddTagsRequest a) -> a.resourceArn().equals(ARN)
                && PREVIOUS_HASH.equals(Naming.toMap(a.tags()).get(Naming.TAG_SPEC_HASH))
                && "serverless".equals(Naming.toMap(a.tags()).get(Naming.TAG_MODE))));
        verify(sm, never()).deleteEndpointConfig(any(DeleteEndpointConfigRequest.class));
        verify(sm, never()).deleteModel(any(DeleteModelRequest.class));
        assertTrue(events.stream().anyMatch(e -> e.message().contains("from config " + CURRENT + " back to "
                + PREVIOUS)), events.toString());
    }

    @Test
    void rollback_withAutoscaling_removesItForTheUpdateAndPutsItBack() {
        Autoscaler.Snapshot scaling = new Autoscaler.Snapshot(List.of(ScalableTarget.builder()
                .resourceId("endpoint/m/variant/AllTraffic").build()), List.of());
        when(autoscaler.snapshot("m")).thenReturn(scaling);
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class)))
                .thenReturn(endpoint(CURRENT, EndpointStatus.IN_SERVICE))
                .thenReturn(endpoint(PREVIOUS, EndpointStatus.IN_SERVICE));
        configs(PREVIOUS, CURRENT);
        modelExists(PREVIOUS);

        rollback().rollback("m", Fixtures.context(events, Duration.ofMinutes(1)));

        InOrder order = inOrder(autoscaler, sm);
        order.verify(autoscaler).remove(scaling);
        order.verify(sm).updateEndpoint(any(UpdateEndpointRequest.class));
        order.verify(autoscaler).restore(scaling);
    }

    @Test
    void rollback_whenOnlyOneGenerationExists_failsWithNoPreviousVersionBeforeAnyChange() {
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenReturn(endpoint(CURRENT,
                EndpointStatus.IN_SERVICE));
        configs(CURRENT);

        NoPreviousVersionException e = assertThrows(NoPreviousVersionException.class,
                () -> rollback().rollback("m", Fixtures.context(events, Duration.ofMinutes(1))));

        assertTrue(e.getMessage().contains("has no earlier endpoint config kept (it runs " + CURRENT), e.getMessage());
        assertEquals(List.of(), Fixtures.mutatingCalls(sm));
    }

    @Test
    void rollback_whenThePreviousModelIsGone_failsWithNoPreviousVersionNamingIt() {
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenReturn(endpoint(CURRENT,
                EndpointStatus.IN_SERVICE));
        configs(PREVIOUS, CURRENT);

        NoPreviousVersionException e = assertThrows(NoPreviousVersionException.class,
                () -> rollback().rollback("m", Fixtures.context(events, Duration.ofMinutes(1))));

        assertTrue(e.getMessage().contains("names model " + PREVIOUS + ", which is gone"), e.getMessage());
        verify(sm, never()).updateEndpoint(any(UpdateEndpointRequest.class));
    }

    @Test
    void rollback_whenTheEndpointIsUpdating_failsWithConflictBeforeAnyChange() {
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenReturn(endpoint(CURRENT,
                EndpointStatus.UPDATING));

        ConflictException e = assertThrows(ConflictException.class,
                () -> rollback().rollback("m", Fixtures.context(events, Duration.ofMinutes(1))));

        assertTrue(e.getMessage().contains("is Updating"), e.getMessage());
        assertEquals(List.of(), Fixtures.mutatingCalls(sm));
    }

    @Test
    void rollback_whenNoEndpoint_failsWithNotFound() {
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenThrow(notFound("endpoint"));

        assertThrows(DeploymentNotFoundException.class,
                () -> rollback().rollback("m", Fixtures.context(events, Duration.ofMinutes(1))));
        verify(sm, never()).updateEndpoint(any(UpdateEndpointRequest.class));
    }
}
