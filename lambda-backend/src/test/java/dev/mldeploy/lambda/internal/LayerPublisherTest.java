package dev.mldeploy.lambda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.mldeploy.Architecture;
import dev.mldeploy.ProgressListener;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.spi.DeployContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.Mockito;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.DeleteLayerVersionRequest;
import software.amazon.awssdk.services.lambda.model.LayerVersionContentInput;
import software.amazon.awssdk.services.lambda.model.LayerVersionsListItem;
import software.amazon.awssdk.services.lambda.model.ListLayerVersionsRequest;
import software.amazon.awssdk.services.lambda.model.ListLayerVersionsResponse;
import software.amazon.awssdk.services.lambda.model.PublishLayerVersionRequest;
import software.amazon.awssdk.services.lambda.model.PublishLayerVersionResponse;

/** Content addressing of the dependency layer with a mocked Lambda client: publish only what is new. */
class LayerPublisherTest {
    private static final String SHA = "ab".repeat(32);
    private static final String LAYER_ARN = "arn:aws:lambda:us-east-1:123456789012:layer:m-deps";

    private final LambdaClient lambda = mock(LambdaClient.class, withSettings().defaultAnswer(inv ->
            inv.getMethod().getParameterTypes().length == 1
                    && Consumer.class.isAssignableFrom(inv.getMethod().getParameterTypes()[0])
                    ? inv.callRealMethod() : Mockito.RETURNS_DEFAULTS.answer(inv)));
    private final LayerPublisher publisher = new LayerPublisher(lambda);
    private final FunctionSettings settings = new FunctionSettings("m", "python3.12", Architecture.X86_64, 1024, 30,
            512, Map.of(), null, 0, null, null, Map.of());
    private final LambdaPackager.Package layer = new LambdaPackager.Package(Path.of("layer.zip"), 10, 20, "c2hh",
            SHA);
    private final CallBudget budget = CallBudget.of(Duration.ofSeconds(10), "test");
    private final DeployContext ctx = DeployContext.of("m", "lambda", ProgressListener.none(),
            Duration.ofSeconds(10));

    private static LayerVersionsListItem version(long n, String description, String runtime, String arch) {
        return LayerVersionsListItem.builder().version(n).layerVersionArn(LAYER_ARN + ":" + n)
                .description(description).compatibleRuntimesWithStrings(runtime)
                .compatibleArchitecturesWithStrings(arch).build();
    }

    private void listed(LayerVersionsListItem... versions) {
        when(lambda.listLayerVersions(any(ListLayerVersionsRequest.class)))
                .thenReturn(ListLayerVersionsResponse.builder().layerVersions(versions).build());
    }

    private LayerPublisher.Version ensure(CreatedResources created, AtomicInteger uploads) {
        return publisher.ensure("m", layer, settings, () -> {
            uploads.incrementAndGet();
            return LayerVersionContentInput.builder().zipFile(SdkBytes.fromUtf8String("zip")).build();
        }, created, budget, ctx);
    }

    @Test
    void ensure_whenAVersionHoldsThisContent_publishesNothingAndUploadsNothing() {
        listed(version(2, LayerPublisher.description(SHA), "python3.12", "x86_64"),
                version(1, LayerPublisher.description("cd".repeat(32)), "python3.12", "x86_64"));
        AtomicInteger uploads = new AtomicInteger();
        CreatedResources created = new CreatedResources(null, null);

        LayerPublisher.Version v = ensure(created, uploads);

        assertEquals(LAYER_ARN + ":2", v.arn());
        assertFalse(v.published());
        assertEquals(0, uploads.get());
        verify(lambda, never()).publishLayerVersion(any(PublishLayerVersionRequest.class));
        assertEquals(List.of(), created.layerVersions);
        ArgumentCaptor<ListLayerVersionsRequest> asked = ArgumentCaptor.forClass(ListLayerVersionsRequest.class);
        verify(lambda).listLayerVersions(asked.capture());
        assertEquals("m-deps", asked.getValue().layerName());
    }

    @Test
    void ensure_whenNoVersionHoldsThisContent_publishesOneWithTheHashRuntimeAndArchitecture() {
        listed(version(1, LayerPublisher.description("cd".repeat(32)), "python3.12", "x86_64"),
                // same content for another architecture: not this function's
                version(2, LayerPublisher.description(SHA), "python3.12", "arm64"));
        when(lambda.publishLayerVersion(any(PublishLayerVersionRequest.class))).thenReturn(
                PublishLayerVersionResponse.builder().version(3L).layerVersionArn(LAYER_ARN + ":3").build());
        AtomicInteger uploads = new AtomicInteger();
        CreatedResources created = new CreatedResources(null, null);

        LayerPublisher.Version v = ensure(created, uploads);

        assertEquals(LAYER_ARN + ":3", v.arn());
        assertTrue(v.published());
        assertEquals(1, uploads.get());
        ArgumentCaptor<PublishLayerVersionRequest> sent = ArgumentCaptor.forClass(PublishLayerVersionRequest.class);
        verify(lambda).publishLayerVersion(sent.capture());
        assertEquals("m-deps", sent.getValue().layerName());
        assertEquals("mldeploy sha256=" + SHA, sent.getValue().description());
        assertEquals(List.of("python3.12"), sent.getValue().compatibleRuntimesAsStrings());
        assertEquals(List.of("x86_64"), sent.getValue().compatibleArchitecturesAsStrings());
        assertEquals("zip", sent.getValue().content().zipFile().asUtf8String());
        assertEquals(List.of(3L), created.layerVersions, "a failed first deploy deletes what it published");
    }

    @Test
    void ensure_whenListingIsPaged_findsTheVersionOnALaterPage() {
        when(lambda.listLayerVersions(any(ListLayerVersionsRequest.class))).thenReturn(
                ListLayerVersionsResponse.builder().layerVersions(version(9, "theirs", "python3.12", "x86_64"))
                        .nextMarker("page2").build(),
                ListLayerVersionsResponse.builder().layerVersions(
                        version(4, LayerPublisher.description(SHA), "python3.12", "x86_64")).build());
        LayerPublisher.Version v = ensure(new CreatedResources(null, null), new AtomicInteger());
        assertEquals(4L, v.version());
        ArgumentCaptor<ListLayerVersionsRequest> asked = ArgumentCaptor.forClass(ListLayerVersionsRequest.class);
        verify(lambda, times(2)).listLayerVersions(asked.capture());
        assertEquals("page2", asked.getAllValues().get(1).marker());
    }

    @Test
    void deleteAll_deletesOnlyTheVersionsMldeployPublished() {
        listed(version(3, LayerPublisher.description(SHA), "python3.12", "x86_64"),
                version(2, "a layer version someone else published", "python3.12", "x86_64"),
                version(1, LayerPublisher.description("cd".repeat(32)), "python3.11", "arm64"));

        assertEquals(List.of(3L, 1L), publisher.deleteAll("m", budget));

        ArgumentCaptor<DeleteLayerVersionRequest> deleted = ArgumentCaptor.forClass(DeleteLayerVersionRequest.class);
        verify(lambda, times(2)).deleteLayerVersion(deleted.capture());
        assertEquals(List.of(3L, 1L), deleted.getAllValues().stream().map(DeleteLayerVersionRequest::versionNumber)
                .toList());
        assertTrue(deleted.getAllValues().stream().allMatch(r -> r.layerName().equals("m-deps")));
    }

    @Test
    void layerName_isTheFunctionsNameWithDeps_withinLambdasPattern() {
        String longest = "a".repeat(64);
        String name = LayerPublisher.layerName(longest);
        assertTrue(name.matches("[a-zA-Z0-9-_]{1,140}"), name);
        assertEquals("m-deps", LayerPublisher.layerName("m"));
    }
}
