package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mldeploy.ConflictException;
import dev.mldeploy.DeployResult;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.lambda.internal.LambdaDeploymentTarget;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.TargetContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.DeleteFunctionRequest;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationRequest;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionRequest;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.PreconditionFailedException;
import software.amazon.awssdk.services.lambda.model.PublishVersionRequest;
import software.amazon.awssdk.services.lambda.model.PublishVersionResponse;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.State;
import software.amazon.awssdk.services.lambda.model.UpdateAliasRequest;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionCodeRequest;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionCodeResponse;

/**
 * Two deploys of one name at once, as Lambda's optimistic concurrency reports them: every update, the publish and
 * the alias move carry the RevisionId this deploy read, and a refused one ({@code PreconditionFailedException})
 * makes the deploy stop with {@link ConflictException} without moving the alias.
 */
class ConcurrentDeployTest {
    @TempDir
    Path dir;
    final LambdaClient lambda = MockLambda.lambda();

    private DeployResult deploy(ModelSpec spec) {
        LambdaTarget config = LambdaTarget.builder().lambdaClient(lambda).iamClient(mock(IamClient.class))
                .s3Client(MockLambda.s3()).region("us-east-1").roleArn(MockLambda.ROLE)
                .pollInterval(Duration.ofMillis(1)).build();
        try (LambdaDeploymentTarget t = LambdaDeploymentTarget.create(config.settings(), new TargetContext(Map.of()))) {
            return t.deploy(spec, DeployContext.of(spec.name(), "lambda", e -> { }, Duration.ofSeconds(30)));
        }
    }

    private static PreconditionFailedException preconditionFailed() {
        return (PreconditionFailedException) PreconditionFailedException.builder().statusCode(412)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("PreconditionFailedException")
                        .errorMessage("The Revision Id provided does not match the latest Revision Id.").build())
                .build();
    }

    /** An existing function at revision rev-1 serving version 1, whose code differs from the spec's. */
    private ModelSpec existingWithOtherCode(String name) throws Exception {
        ModelSpec spec = ModelSpec.builder(name).source(LambdaFixtures.echoModel(dir, name)).build();
        Files.writeString(spec.requireSource().resolve("weights.txt"), "new");
        GetFunctionResponse f = MockLambda.existing(name, "old-sha", Map.of());
        when(lambda.getFunction(any(GetFunctionRequest.class))).thenReturn(f.toBuilder()
                .configuration(f.configuration().toBuilder().revisionId("rev-1").build()).build());
        MockLambda.stubAlias(lambda, MockLambda.alias(name, "1", "old-hash"));
        when(lambda.getFunctionConfiguration(any(GetFunctionConfigurationRequest.class)))
                .thenReturn(GetFunctionConfigurationResponse.builder().state(State.ACTIVE)
                        .lastUpdateStatus(LastUpdateStatus.SUCCESSFUL).revisionId("rev-1").build())
                .thenReturn(GetFunctionConfigurationResponse.builder().state(State.ACTIVE)
                        .lastUpdateStatus(LastUpdateStatus.SUCCESSFUL).revisionId("rev-2").build());
        when(lambda.updateFunctionCode(any(UpdateFunctionCodeRequest.class)))
                .thenReturn(UpdateFunctionCodeResponse.builder().revisionId("rev-2").build());
        return spec;
    }

    @Test
    void deploy_whenCodeUpdateRefusedForItsRevision_throwsConflict_andNeitherPublishesNorMovesTheAlias()
            throws Exception {
        ModelSpec spec = existingWithOtherCode("race1");
        when(lambda.updateFunctionCode(any(UpdateFunctionCodeRequest.class))).thenThrow(preconditionFailed());

        ConflictException e = assertThrows(ConflictException.class, () -> deploy(spec));

        assertTrue(e.getMessage().contains("another deploy") && e.getMessage().contains("still serves version 1"),
                e.getMessage());
        ArgumentCaptor<UpdateFunctionCodeRequest> code = ArgumentCaptor.forClass(UpdateFunctionCodeRequest.class);
        verify(lambda).updateFunctionCode(code.capture());
        assertEquals("rev-1", code.getValue().revisionId(), "the revision this deploy read");
        verify(lambda, never()).publishVersion(any(PublishVersionRequest.class));
        verify(lambda, never()).updateAlias(any(UpdateAliasRequest.class));
    }

    @Test
    void deploy_whenPublishRefusedForItsRevision_throwsConflict_andLeavesTheAlias() throws Exception {
        ModelSpec spec = existingWithOtherCode("race2");
        when(lambda.publishVersion(any(PublishVersionRequest.class))).thenThrow(preconditionFailed());

        assertThrows(ConflictException.class, () -> deploy(spec));

        ArgumentCaptor<PublishVersionRequest> publish = ArgumentCaptor.forClass(PublishVersionRequest.class);
        verify(lambda).publishVersion(publish.capture());
        assertEquals("rev-2", publish.getValue().revisionId(), "the revision after this deploy's own update");
        assertTrue(publish.getValue().codeSha256() != null, "and the code this deploy uploaded");
        verify(lambda, never()).updateAlias(any(UpdateAliasRequest.class));
    }

    @Test
    void deploy_whenAliasMoveRefusedForItsRevision_throwsConflict() throws Exception {
        ModelSpec spec = existingWithOtherCode("race3");
        when(lambda.publishVersion(any(PublishVersionRequest.class)))
                .thenReturn(PublishVersionResponse.builder().version("2").build());
        when(lambda.updateAlias(any(UpdateAliasRequest.class))).thenThrow(preconditionFailed());

        ConflictException e = assertThrows(ConflictException.class, () -> deploy(spec));

        assertTrue(e.getMessage().contains("another deploy"), e.getMessage());
        ArgumentCaptor<UpdateAliasRequest> alias = ArgumentCaptor.forClass(UpdateAliasRequest.class);
        verify(lambda).updateAlias(alias.capture());
        assertEquals("alias-rev-1", alias.getValue().revisionId(), "the alias revision this deploy read");
    }

    @Test
    void deploy_whenThePublishedVersionHoldsAnotherDeploysCode_throwsConflict_andLeavesTheAlias()
            throws Exception {
        ModelSpec spec = existingWithOtherCode("race4");
        when(lambda.publishVersion(any(PublishVersionRequest.class))).thenReturn(PublishVersionResponse.builder()
                .version("2").codeSha256("someone-elses-sha").build());

        ConflictException e = assertThrows(ConflictException.class, () -> deploy(spec));

        assertTrue(e.getMessage().contains("the code published as version 2"), e.getMessage());
        verify(lambda, never()).updateAlias(any(UpdateAliasRequest.class));
    }

    @Test
    void deploy_whenAnotherDeployCreatedTheFunctionFirst_throwsConflict_andDeletesNothingOfTheirs() {
        when(lambda.getFunction(any(GetFunctionRequest.class))).thenThrow(MockLambda.notFound());
        when(lambda.createFunction(any(CreateFunctionRequest.class))).thenThrow(ResourceConflictException.builder()
                .statusCode(409).awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceConflictException")
                        .errorMessage("Function already exist: race5").build()).build());
        ModelSpec spec = ModelSpec.builder("race5").source(LambdaFixtures.echoModel(dir, "race5")).build();

        ConflictException e = assertThrows(ConflictException.class, () -> deploy(spec));

        assertTrue(e.getMessage().contains("another deploy"), e.getMessage());
        verify(lambda, never()).deleteFunction(any(DeleteFunctionRequest.class));
        verify(lambda, never()).publishVersion(any(PublishVersionRequest.class));
    }

    @Test
    void deploy_boundsEveryRequestByTheDeadline() {
        MockLambda.stubCreatable(lambda, "bounded");
        ModelSpec spec = ModelSpec.builder("bounded").source(LambdaFixtures.echoModel(dir, "bounded")).build();
        deploy(spec);
        ArgumentCaptor<CreateFunctionRequest> create = ArgumentCaptor.forClass(CreateFunctionRequest.class);
        verify(lambda).createFunction(create.capture());
        ArgumentCaptor<PublishVersionRequest> publish = ArgumentCaptor.forClass(PublishVersionRequest.class);
        verify(lambda).publishVersion(publish.capture());
        java.util.List<software.amazon.awssdk.awscore.AwsRequest> sent = java.util.List.of(create.getValue(),
                publish.getValue());
        for (software.amazon.awssdk.awscore.AwsRequest request : sent) {
            var o = request.overrideConfiguration().orElseThrow();
            Duration call = o.apiCallTimeout().orElseThrow();
            assertTrue(call.compareTo(Duration.ofSeconds(30)) <= 0 && !call.isNegative(), call.toString());
            assertTrue(o.apiCallAttemptTimeout().orElseThrow().compareTo(call) <= 0);
        }
    }

    @Test
    void deploy_whenAnotherDeployMovedTheAliasMeanwhile_throwsConflict_withoutMovingIt() throws Exception {
        ModelSpec spec = existingWithOtherCode("race6");
        when(lambda.publishVersion(any(PublishVersionRequest.class)))
                .thenReturn(PublishVersionResponse.builder().version("3").build());
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        when(lambda.getAlias(any(software.amazon.awssdk.services.lambda.model.GetAliasRequest.class)))
                .thenAnswer(inv -> reads.incrementAndGet() <= 3
                        ? MockLambda.alias("race6", "1", "old-hash")     // as this deploy read it, before and under the lease
                        : MockLambda.alias("race6", "2", "their-hash")); // then moved by a deploy that ignored the lease

        ConflictException e = assertThrows(ConflictException.class, () -> deploy(spec));

        assertTrue(e.getMessage().contains("now version 2"), e.getMessage());
        verify(lambda, never()).updateAlias(any(UpdateAliasRequest.class));
    }

    @Test
    void deploy_whenALaterVersionWasPublishedByTheTimeTheAliasMoved_throwsConflict() throws Exception {
        ModelSpec spec = existingWithOtherCode("race7");
        when(lambda.publishVersion(any(PublishVersionRequest.class)))
                .thenReturn(PublishVersionResponse.builder().version("2").build());
        when(lambda.listVersionsByFunction(any(
                software.amazon.awssdk.services.lambda.model.ListVersionsByFunctionRequest.class)))
                .thenReturn(software.amazon.awssdk.services.lambda.model.ListVersionsByFunctionResponse.builder()
                        .versions(v -> v.version("$LATEST"), v -> v.version("2"), v -> v.version("3")).build());

        ConflictException e = assertThrows(ConflictException.class, () -> deploy(spec));

        assertTrue(e.getMessage().contains("the latest published is 3, this deploy published 2"), e.getMessage());
    }

    @Test
    void deploy_whenAnotherDeployHoldsTheLease_throwsConflictBeforeChangingAnything() throws Exception {
        ModelSpec spec = existingWithOtherCode("race8");
        when(lambda.createAlias(any(software.amazon.awssdk.services.lambda.model.CreateAliasRequest.class)))
                .thenThrow(ResourceConflictException.builder().statusCode(409).awsErrorDetails(AwsErrorDetails
                        .builder().errorCode("ResourceConflictException").errorMessage("Alias already exists")
                        .build()).build());
        String until = java.time.Instant.now().plus(Duration.ofMinutes(4)).toString();
        when(lambda.getAlias(org.mockito.ArgumentMatchers.<software.amazon.awssdk.services.lambda.model
                .GetAliasRequest>argThat(r -> r != null && "mldeploy-deploying".equals(r.name()))))
                .thenReturn(software.amazon.awssdk.services.lambda.model.GetAliasResponse.builder()
                        .name("mldeploy-deploying").description("mldeploy deploy lease abc until " + until).build());

        ConflictException e = assertThrows(ConflictException.class, () -> deploy(spec));

        assertTrue(e.getMessage().contains("another deploy") && e.getMessage().contains(until), e.getMessage());
        verify(lambda, never()).updateFunctionCode(any(UpdateFunctionCodeRequest.class));
        verify(lambda, never()).publishVersion(any(PublishVersionRequest.class));
        verify(lambda, never()).updateAlias(any(UpdateAliasRequest.class));
    }

    @Test
    void deploy_takesTheLeaseBeforeChangingTheFunction_andGivesItBack() throws Exception {
        ModelSpec spec = existingWithOtherCode("race9");
        when(lambda.publishVersion(any(PublishVersionRequest.class)))
                .thenReturn(PublishVersionResponse.builder().version("2").build());

        deploy(spec);

        var order = org.mockito.Mockito.inOrder(lambda);
        ArgumentCaptor<software.amazon.awssdk.services.lambda.model.CreateAliasRequest> lease =
                ArgumentCaptor.forClass(software.amazon.awssdk.services.lambda.model.CreateAliasRequest.class);
        order.verify(lambda).createAlias(lease.capture());
        order.verify(lambda).updateFunctionCode(any(UpdateFunctionCodeRequest.class));
        order.verify(lambda).updateAlias(any(UpdateAliasRequest.class));
        ArgumentCaptor<software.amazon.awssdk.services.lambda.model.DeleteAliasRequest> released =
                ArgumentCaptor.forClass(software.amazon.awssdk.services.lambda.model.DeleteAliasRequest.class);
        order.verify(lambda).deleteAlias(released.capture());
        assertEquals("mldeploy-deploying", lease.getValue().name());
        assertEquals("$LATEST", lease.getValue().functionVersion());
        assertEquals("mldeploy-deploying", released.getValue().name());
    }
}
