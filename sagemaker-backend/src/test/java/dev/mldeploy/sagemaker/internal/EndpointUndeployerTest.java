package dev.mldeploy.sagemaker.internal;

import static dev.mldeploy.sagemaker.internal.Fixtures.notFound;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mldeploy.ProgressEvent;
import dev.mldeploy.sagemaker.SageMakerTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
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
import software.amazon.awssdk.services.sagemaker.model.ListTagsRequest;
import software.amazon.awssdk.services.sagemaker.model.ListTagsResponse;
import software.amazon.awssdk.services.sagemaker.model.ModelSummary;
import software.amazon.awssdk.services.sagemaker.model.Tag;

class EndpointUndeployerTest {
    private static final String ARN = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/m";
    private final SageMakerClient sm = Fixtures.sdkMock(SageMakerClient.class);
    private final ArtifactStore store = mock(ArtifactStore.class);
    private final Autoscaler autoscaler = mock(Autoscaler.class);
    private final Map<String, List<Tag>> tagsByArn = new HashMap<>();
    private final List<ProgressEvent> events = new ArrayList<>();

    @BeforeEach
    void setUp() {
        when(autoscaler.snapshot(any())).thenReturn(new Autoscaler.Snapshot(List.of(), List.of()));
        when(sm.listTags(any(ListTagsRequest.class))).thenAnswer(inv -> ListTagsResponse.builder()
                .tags(tagsByArn.getOrDefault(((ListTagsRequest) inv.getArgument(0)).resourceArn(), List.of())).build());
        when(sm.listEndpointConfigs(any(ListEndpointConfigsRequest.class)))
                .thenReturn(ListEndpointConfigsResponse.builder().build());
        when(sm.listModels(any(ListModelsRequest.class))).thenReturn(ListModelsResponse.builder().build());
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenThrow(notFound("endpoint"));
    }

    private EndpointUndeployer undeployer(SageMakerTarget.Builder config) {
        return new EndpointUndeployer(Fixtures.settings(config.pollInterval(Duration.ofMillis(1)).build()), new SageMakerApi(sm), store,
                autoscaler);
    }

    private void resources(String... names) {
        List<EndpointConfigSummary> configs = new ArrayList<>();
        List<ModelSummary> models = new ArrayList<>();
        for (String n : names) {
            configs.add(EndpointConfigSummary.builder().endpointConfigName(n).build());
            models.add(ModelSummary.builder().modelName(n).build());
            String owner = n.substring(0, n.length() - 13);
            tagsByArn.put("cfg/" + n, Naming.tags(owner, "h", "realtime", "s3://models/mldeploy/" + owner + "/",
                    Map.of()));
            tagsByArn.put("model/" + n, Naming.tags(owner, "h", "realtime", "s3://models/mldeploy/" + owner + "/",
                    Map.of()));
        }
        when(sm.listEndpointConfigs(any(ListEndpointConfigsRequest.class)))
                .thenReturn(ListEndpointConfigsResponse.builder().endpointConfigs(configs).build());
        when(sm.listModels(any(ListModelsRequest.class))).thenReturn(ListModelsResponse.builder().models(models)
                .build());
        when(sm.describeEndpointConfig(any(DescribeEndpointConfigRequest.class))).thenAnswer(inv -> {
            String n = ((DescribeEndpointConfigRequest) inv.getArgument(0)).endpointConfigName();
            return DescribeEndpointConfigResponse.builder().endpointConfigName(n).endpointConfigArn("cfg/" + n).build();
        });
        when(sm.describeModel(any(DescribeModelRequest.class))).thenAnswer(inv -> {
            String n = ((DescribeModelRequest) inv.getArgument(0)).modelName();
            return DescribeModelResponse.builder().modelName(n).modelArn("model/" + n).build();
        });
    }

    @Test
    void undeploy_removesAutoscalingEndpointThenEveryConfigModelAndArtifact() {
        DescribeEndpointResponse live = DescribeEndpointResponse.builder().endpointName("m").endpointArn(ARN)
                .endpointStatus(EndpointStatus.IN_SERVICE).build();
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenReturn(live).thenReturn(live)
                .thenThrow(notFound("endpoint"));
        tagsByArn.put(ARN, Naming.tags("m", "h", "realtime", "s3://models/mldeploy/m/", Map.of()));
        Autoscaler.Snapshot scaling = new Autoscaler.Snapshot(List.of(ScalableTarget.builder()
                .resourceId("endpoint/m/variant/AllTraffic").build()), List.of());
        when(autoscaler.snapshot("m")).thenReturn(scaling);
        resources("m-aaaaaaaaaaaa", "m-bbbbbbbbbbbb", "m-2-cccccccccccc");
        when(store.deleteAll("models", "mldeploy/m/")).thenReturn(3);

        assertTrue(undeployer(SageMakerTarget.builder()).undeploy("m", Fixtures.context(events,
                Duration.ofMinutes(1))));

        InOrder order = inOrder(autoscaler, sm);
        order.verify(autoscaler).remove(scaling);
        order.verify(sm).deleteEndpoint(any(DeleteEndpointRequest.class));
        order.verify(sm).deleteEndpointConfig(argThat((DeleteEndpointConfigRequest r) -> r.endpointConfigName()
                .equals("m-aaaaaaaaaaaa")));
        verify(sm).deleteEndpointConfig(argThat((DeleteEndpointConfigRequest r) -> r.endpointConfigName()
                .equals("m-bbbbbbbbbbbb")));
        verify(sm).deleteModel(argThat((DeleteModelRequest r) -> r.modelName().equals("m-aaaaaaaaaaaa")));
        verify(sm).deleteModel(argThat((DeleteModelRequest r) -> r.modelName().equals("m-bbbbbbbbbbbb")));
        // "m-2" is another deployment whose names start with "m-": untouched
        verify(sm, never()).deleteModel(argThat((DeleteModelRequest r) -> r.modelName().startsWith("m-2-")));
        verify(sm, never()).deleteEndpointConfig(argThat((DeleteEndpointConfigRequest r) ->
                r.endpointConfigName().startsWith("m-2-")));
        verify(store).deleteAll("models", "mldeploy/m/");
        verify(store, never()).deleteAll(eq("models"), eq("mldeploy/m-2/"));
    }

    @Test
    void undeploy_withKeepArtifacts_leavesS3Alone() {
        resources("m-aaaaaaaaaaaa");
        assertTrue(undeployer(SageMakerTarget.builder().bucket("models").keepArtifactsOnUndeploy(true))
                .undeploy("m", Fixtures.context(events, Duration.ofMinutes(1))));
        verify(sm).deleteModel(any(DeleteModelRequest.class));
        verify(store, never()).deleteAll(any(), any());
    }

    @Test
    void undeploy_whenNothingExists_returnsFalseAndDeletesNothing() {
        org.junit.jupiter.api.Assertions.assertFalse(undeployer(SageMakerTarget.builder().bucket("models"))
                .undeploy("m", Fixtures.context(events, Duration.ofMinutes(1))));
        verify(sm, never()).deleteEndpoint(any(DeleteEndpointRequest.class));
        verify(sm, never()).deleteModel(any(DeleteModelRequest.class));
    }

    @Test
    void undeploy_whenEndpointIsNotMldeploys_leavesIt() {
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenReturn(DescribeEndpointResponse.builder()
                .endpointName("m").endpointArn(ARN).endpointStatus(EndpointStatus.IN_SERVICE).build());
        assertFalse(undeployer(SageMakerTarget.builder()).undeploy("m", Fixtures.context(events,
                Duration.ofMinutes(1))));
        verify(sm, never()).deleteEndpoint(any(DeleteEndpointRequest.class));
        verify(autoscaler, never()).remove(any());
    }

    @Test
    void undeploy_whenOnlyArtifactsAndAnIncompleteUploadAreLeft_findsThemByTheNamesPrefix() {
        when(store.abortUploads("models", "mldeploy/m/")).thenReturn(1);
        when(store.deleteAll("models", "mldeploy/m/")).thenReturn(2);

        assertTrue(undeployer(SageMakerTarget.builder().bucket("models")).undeploy("m", Fixtures.context(events,
                Duration.ofMinutes(1))));

        verify(store).abortUploads("models", "mldeploy/m/");
        verify(store).deleteAll("models", "mldeploy/m/");
        assertTrue(events.stream().anyMatch(e -> e.message().contains("aborted 1 incomplete multipart uploads")),
                events.toString());
    }
}
