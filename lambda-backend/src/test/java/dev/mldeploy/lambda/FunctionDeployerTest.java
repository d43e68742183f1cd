package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.mldeploy.DeployResult;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.ProgressEvent;
import dev.mldeploy.lambda.internal.LambdaDeploymentTarget;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.TargetContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.CreateRoleRequest;
import software.amazon.awssdk.services.iam.model.CreateRoleResponse;
import software.amazon.awssdk.services.iam.model.DeleteRoleRequest;
import software.amazon.awssdk.services.iam.model.GetRoleRequest;
import software.amazon.awssdk.services.iam.model.GetRoleResponse;
import software.amazon.awssdk.services.iam.model.ListAttachedRolePoliciesRequest;
import software.amazon.awssdk.services.iam.model.ListAttachedRolePoliciesResponse;
import software.amazon.awssdk.services.iam.model.ListRolePoliciesRequest;
import software.amazon.awssdk.services.iam.model.ListRolePoliciesResponse;
import software.amazon.awssdk.services.iam.model.ListRoleTagsRequest;
import software.amazon.awssdk.services.iam.model.ListRoleTagsResponse;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateAliasRequest;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.DeleteFunctionRequest;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationRequest;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionRequest;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.GetProvisionedConcurrencyConfigRequest;
import software.amazon.awssdk.services.lambda.model.GetProvisionedConcurrencyConfigResponse;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.ProvisionedConcurrencyStatusEnum;
import software.amazon.awssdk.services.lambda.model.PublishVersionRequest;
import software.amazon.awssdk.services.lambda.model.PublishVersionResponse;
import software.amazon.awssdk.services.lambda.model.PutProvisionedConcurrencyConfigRequest;
import software.amazon.awssdk.services.lambda.model.State;
import software.amazon.awssdk.services.lambda.model.TagResourceRequest;
import software.amazon.awssdk.services.lambda.model.UpdateAliasRequest;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionCodeRequest;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationRequest;

/** Deploy branches with mocked clients: create, unchanged, update, failed update, provisioned concurrency, roles. */
class FunctionDeployerTest {
    @TempDir
    Path dir;
    final LambdaClient lambda = MockLambda.lambda();
    final List<ProgressEvent> events = new ArrayList<>();

    private LambdaTarget.Builder config() {
        return LambdaTarget.builder().lambdaClient(lambda).iamClient(mock(IamClient.class))
                .s3Client(MockLambda.s3()).region("us-east-1").roleArn(MockLambda.ROLE)
                .pollInterval(Duration.ofMillis(1));
    }

    private DeployResult deploy(LambdaTarget config, ModelSpec spec) {
        try (LambdaDeploymentTarget t = LambdaDeploymentTarget.create(config.settings(), new TargetContext(Map.of()))) {
            return t.deploy(spec, DeployContext.of(spec.name(), "lambda", events::add, Duration.ofSeconds(30)));
        }
    }

    private ModelSpec spec(String name) {
        return ModelSpec.builder(name).source(LambdaFixtures.echoModel(dir, name)).build();
    }

    /** What a first deploy of {@code spec} sends: its spec hash and CodeSha256. */
    private record Deployed(String hash, String codeSha256) {
    }

    private Deployed firstDeploy(ModelSpec spec) throws Exception {
        LambdaClient fresh = MockLambda.lambda();
        MockLambda.stubCreatable(fresh, spec.name());
        try (LambdaDeploymentTarget t = LambdaDeploymentTarget.create(config().lambdaClient(fresh).build().settings(),
                new TargetContext(Map.of()))) {
            t.deploy(spec, DeployContext.of(spec.name(), "lambda", e -> { }, Duration.ofSeconds(30)));
        }
        ArgumentCaptor<CreateFunctionRequest> create = ArgumentCaptor.forClass(CreateFunctionRequest.class);
        verify(fresh).createFunction(create.capture());
        ArgumentCaptor<PublishVersionRequest> publish = ArgumentCaptor.forClass(PublishVersionRequest.class);
        verify(fresh).publishVersion(publish.capture());
        byte[] zip = create.getValue().code().zipFile().asByteArray();
        String sha = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(zip));
        assertEquals(sha, publish.getValue().codeSha256(), "the version is published for the uploaded code");
        return new Deployed(publish.getValue().description().substring("mldeploy:spec-hash=".length()), sha);
    }

    @Test
    void deploy_whenNew_createsPublishesAndPointsAlias() {
        MockLambda.stubCreatable(lambda, "fresh");
        DeployResult r = deploy(config().build(), spec("fresh"));

        assertEquals(DeployResult.Change.CREATED, r.change());
        ArgumentCaptor<CreateFunctionRequest> create = ArgumentCaptor.forClass(CreateFunctionRequest.class);
        verify(lambda).createFunction(create.capture());
        CreateFunctionRequest c = create.getValue();
        assertEquals("mldeploy_lambda.handler", c.handler());
        assertEquals("python3.12", c.runtimeAsString());
        assertEquals(1024, c.memorySize());
        assertEquals(10, c.timeout());
        assertEquals(512, c.ephemeralStorage().size());
        assertEquals(MockLambda.ROLE, c.role());
        assertEquals("true", c.tags().get("mldeploy:managed"));
        assertEquals("fresh", c.tags().get("mldeploy:name"));
        assertEquals(64, c.tags().get("mldeploy:spec-hash").length());
        ArgumentCaptor<CreateAliasRequest> alias = ArgumentCaptor.forClass(CreateAliasRequest.class);
        verify(lambda).createAlias(alias.capture());
        assertEquals("live", alias.getValue().name());
        assertEquals("1", alias.getValue().functionVersion());
        verify(lambda, never()).putProvisionedConcurrencyConfig(any(PutProvisionedConcurrencyConfigRequest.class));
    }

    @Test
    void deploy_whenFunctionPendingFirst_waitsForActiveReportingProgress() {
        MockLambda.stubCreatable(lambda, "slow");
        when(lambda.getFunctionConfiguration(any(GetFunctionConfigurationRequest.class)))
                .thenReturn(GetFunctionConfigurationResponse.builder().state(State.PENDING).build())
                .thenReturn(GetFunctionConfigurationResponse.builder().state(State.PENDING).build())
                .thenReturn(MockLambda.active(LastUpdateStatus.SUCCESSFUL));
        deploy(config().build(), spec("slow"));
        verify(lambda, times(3)).getFunctionConfiguration(any(GetFunctionConfigurationRequest.class));
        assertTrue(events.stream().anyMatch(e -> e.status().startsWith("Pending")), events.toString());
    }

    @Test
    void deploy_whenFunctionFailsToActivate_removesItAndSaysWhy() {
        MockLambda.stubCreatable(lambda, "broken");
        when(lambda.getFunctionConfiguration(any(GetFunctionConfigurationRequest.class)))
                .thenReturn(GetFunctionConfigurationResponse.builder().state(State.FAILED)
                        .stateReason("subnet has no free IPs").build());
        DeploymentFailedException e = assertThrows(DeploymentFailedException.class,
                () -> deploy(config().build(), spec("broken")));
        assertTrue(e.getMessage().contains("subnet has no free IPs"), e.getMessage());
        verify(lambda).deleteFunction(any(DeleteFunctionRequest.class));
        verify(lambda, never()).publishVersion(any(PublishVersionRequest.class));
    }

    @Test
    void deploy_withProvisionedConcurrency_putsItOnTheAliasAndWaitsForReady() {
        MockLambda.stubCreatable(lambda, "warm");
        when(lambda.getProvisionedConcurrencyConfig(any(GetProvisionedConcurrencyConfigRequest.class)))
                .thenReturn(GetProvisionedConcurrencyConfigResponse.builder()
                        .status(ProvisionedConcurrencyStatusEnum.IN_PROGRESS).build())
                .thenReturn(GetProvisionedConcurrencyConfigResponse.builder()
                        .status(ProvisionedConcurrencyStatusEnum.READY).build());
        deploy(config().provisionedConcurrency(3).build(), spec("warm"));

        ArgumentCaptor<PutProvisionedConcurrencyConfigRequest> pc =
                ArgumentCaptor.forClass(PutProvisionedConcurrencyConfigRequest.class);
        verify(lambda).putProvisionedConcurrencyConfig(pc.capture());
        assertEquals("live", pc.getValue().qualifier());
        assertEquals(3, pc.getValue().provisionedConcurrentExecutions());
        verify(lambda, times(2)).getProvisionedConcurrencyConfig(any(GetProvisionedConcurrencyConfigRequest.class));
    }

    @Test
    void deploy_whenProvisionedConcurrencyFails_removesTheNewFunction() {
        MockLambda.stubCreatable(lambda, "pcfail");
        when(lambda.getProvisionedConcurrencyConfig(any(GetProvisionedConcurrencyConfigRequest.class)))
                .thenReturn(GetProvisionedConcurrencyConfigResponse.builder()
                        .status(ProvisionedConcurrencyStatusEnum.FAILED).statusReason("quota exceeded").build());
        DeploymentFailedException e = assertThrows(DeploymentFailedException.class,
                () -> deploy(config().provisionedConcurrency(5).build(), spec("pcfail")));
        assertTrue(e.getMessage().contains("quota exceeded"), e.getMessage());
        verify(lambda).deleteFunction(any(DeleteFunctionRequest.class));
    }

    @Test
    void deploy_whenSpecUnchanged_makesNoMutatingCall() throws Exception {
        ModelSpec spec = spec("same");
        Deployed before = firstDeploy(spec);
        when(lambda.getFunction(any(GetFunctionRequest.class)))
                .thenReturn(MockLambda.existing("same", before.codeSha256(), Map.of()));
        MockLambda.stubAlias(lambda, MockLambda.alias("same", "4", before.hash()));

        DeployResult r = deploy(config().build(), spec);

        assertEquals(DeployResult.Change.UNCHANGED, r.change());
        assertEquals(before.hash(), r.deployment().specHash());
        verify(lambda, never()).createFunction(any(CreateFunctionRequest.class));
        verify(lambda, never()).updateFunctionCode(any(UpdateFunctionCodeRequest.class));
        verify(lambda, never()).updateFunctionConfiguration(any(UpdateFunctionConfigurationRequest.class));
        verify(lambda, never()).publishVersion(any(PublishVersionRequest.class));
        verify(lambda, never()).updateAlias(any(UpdateAliasRequest.class));
        verify(lambda, never()).tagResource(any(TagResourceRequest.class));
    }

    @Test
    void deploy_whenCodeChanged_updatesCodeOnly_publishesAndMovesAlias() throws Exception {
        ModelSpec spec = spec("upd");
        Deployed before = firstDeploy(spec);
        Files.writeString(spec.requireSource().resolve("extra.txt"), "v2");
        when(lambda.getFunction(any(GetFunctionRequest.class)))
                .thenReturn(MockLambda.existing("upd", before.codeSha256(), Map.of()));
        MockLambda.stubAlias(lambda, MockLambda.alias("upd", "1", before.hash()));
        when(lambda.getFunctionConfiguration(any(GetFunctionConfigurationRequest.class)))
                .thenReturn(MockLambda.active(LastUpdateStatus.SUCCESSFUL));
        when(lambda.publishVersion(any(PublishVersionRequest.class)))
                .thenReturn(PublishVersionResponse.builder().version("2").build());

        DeployResult r = deploy(config().build(), spec);

        assertEquals(DeployResult.Change.UPDATED, r.change(), r.message());
        assertTrue(r.message().contains("version 1") && r.message().contains("version 2"), r.message());
        verify(lambda).updateFunctionCode(any(UpdateFunctionCodeRequest.class));
        verify(lambda, never()).updateFunctionConfiguration(any(UpdateFunctionConfigurationRequest.class));
        ArgumentCaptor<UpdateAliasRequest> alias = ArgumentCaptor.forClass(UpdateAliasRequest.class);
        verify(lambda).updateAlias(alias.capture());
        assertEquals("2", alias.getValue().functionVersion());
        ArgumentCaptor<TagResourceRequest> tags = ArgumentCaptor.forClass(TagResourceRequest.class);
        verify(lambda).tagResource(tags.capture());
        assertEquals(alias.getValue().description(), "mldeploy:spec-hash=" + tags.getValue().tags()
                .get("mldeploy:spec-hash"));
    }

    @Test
    void deploy_whenOnlyEnvironmentChanged_updatesConfigurationOnly() throws Exception {
        ModelSpec spec = spec("env");
        Deployed before = firstDeploy(spec);
        when(lambda.getFunction(any(GetFunctionRequest.class)))
                .thenReturn(MockLambda.existing("env", before.codeSha256(), Map.of()));
        MockLambda.stubAlias(lambda, MockLambda.alias("env", "1", before.hash()));
        when(lambda.getFunctionConfiguration(any(GetFunctionConfigurationRequest.class)))
                .thenReturn(MockLambda.active(LastUpdateStatus.SUCCESSFUL));
        when(lambda.publishVersion(any(PublishVersionRequest.class)))
                .thenReturn(PublishVersionResponse.builder().version("2").build());

        deploy(config().build(), spec.toBuilder().putEnvironment("MODE", "fast").build());

        verify(lambda, never()).updateFunctionCode(any(UpdateFunctionCodeRequest.class));
        ArgumentCaptor<UpdateFunctionConfigurationRequest> cfg =
                ArgumentCaptor.forClass(UpdateFunctionConfigurationRequest.class);
        verify(lambda).updateFunctionConfiguration(cfg.capture());
        assertEquals(Map.of("MODE", "fast"), cfg.getValue().environment().variables());
    }

    @Test
    void deploy_whenUpdateFails_leavesAliasOnLastGoodVersion() throws Exception {
        ModelSpec spec = spec("bad");
        Deployed before = firstDeploy(spec);
        Files.writeString(spec.requireSource().resolve("extra.txt"), "v2");
        when(lambda.getFunction(any(GetFunctionRequest.class)))
                .thenReturn(MockLambda.existing("bad", before.codeSha256(), Map.of()));
        MockLambda.stubAlias(lambda, MockLambda.alias("bad", "3", before.hash()));
        when(lambda.getFunctionConfiguration(any(GetFunctionConfigurationRequest.class)))
                .thenReturn(MockLambda.active(LastUpdateStatus.SUCCESSFUL))
                .thenReturn(GetFunctionConfigurationResponse.builder().state(State.ACTIVE)
                        .lastUpdateStatus(LastUpdateStatus.FAILED).lastUpdateStatusReason("unzipped size too big")
                        .build());

        DeploymentFailedException e = assertThrows(DeploymentFailedException.class,
                () -> deploy(config().build(), spec));

        assertTrue(e.getMessage().contains("unzipped size too big"), e.getMessage());
        assertTrue(e.getMessage().contains("still serves version 3"), e.getMessage());
        verify(lambda, never()).publishVersion(any(PublishVersionRequest.class));
        verify(lambda, never()).updateAlias(any(UpdateAliasRequest.class));
        verify(lambda, never()).deleteFunction(any(DeleteFunctionRequest.class));
    }

    @Test
    void deploy_whenRoleNotAssumableAtFirst_retriesCreateFunction() {
        MockLambda.stubCreatable(lambda, "prop");
        when(lambda.createFunction(any(CreateFunctionRequest.class)))
                .thenThrow(LambdaFixtures.roleNotAssumable())
                .thenThrow(LambdaFixtures.roleNotAssumable())
                .thenReturn(software.amazon.awssdk.services.lambda.model.CreateFunctionResponse.builder()
                        .functionArn(MockLambda.ARN + "prop").build());
        assertEquals(DeployResult.Change.CREATED, deploy(config().build(), spec("prop")).change());
        verify(lambda, times(3)).createFunction(any(CreateFunctionRequest.class));
        assertTrue(events.stream().anyMatch(e -> e.status().equals("role not assumable yet")), events.toString());
    }

    @Test
    void deploy_whenRoleNeverAssumable_givesUpAfterTheBound_withAMessageSayingSo() {
        MockLambda.stubCreatable(lambda, "never");
        when(lambda.createFunction(any(CreateFunctionRequest.class))).thenThrow(LambdaFixtures.roleNotAssumable());
        DeploymentFailedException e = assertThrows(DeploymentFailedException.class, () -> deploy(config()
                .rolePropagationTimeout(Duration.ofMillis(50)).build(), spec("never")));
        assertTrue(e.getMessage().contains("cannot assume the execution role " + MockLambda.ROLE), e.getMessage());
        assertTrue(e.getMessage().contains("propagate"), e.getMessage());
        assertTrue(e.retryable());
        verify(lambda, atLeast(2)).createFunction(any(CreateFunctionRequest.class));
    }

    @Test
    void deploy_withCreateRole_createsTrustedRoleWithBasicPolicy_andRemovesItWhenCreateFails() {
        IamClient iam = MockLambda.iam();
        when(iam.getRole(any(GetRoleRequest.class))).thenThrow(NoSuchEntityException.builder().statusCode(404)
                .message("no role").build())
                .thenReturn(GetRoleResponse.builder().role(Role.builder().roleName("mldeploy-lambda-mk").build())
                        .build());
        when(iam.createRole(any(CreateRoleRequest.class))).thenReturn(CreateRoleResponse.builder()
                .role(Role.builder().arn("arn:aws:iam::123456789012:role/mldeploy-lambda-mk").build()).build());
        when(iam.listRoleTags(any(ListRoleTagsRequest.class))).thenReturn(ListRoleTagsResponse.builder()
                .tags(Tag.builder().key("mldeploy:managed").value("true").build(),
                        Tag.builder().key("mldeploy:name").value("mk").build()).build());
        when(iam.listAttachedRolePolicies(any(ListAttachedRolePoliciesRequest.class)))
                .thenReturn(ListAttachedRolePoliciesResponse.builder().build());
        when(iam.listRolePolicies(any(ListRolePoliciesRequest.class)))
                .thenReturn(ListRolePoliciesResponse.builder().build());
        MockLambda.stubCreatable(lambda, "mk");
        when(lambda.publishVersion(any(PublishVersionRequest.class))).thenThrow(
                software.amazon.awssdk.services.lambda.model.ServiceException.builder().statusCode(500)
                        .message("boom").build());
        LambdaTarget config = LambdaTarget.builder().lambdaClient(lambda).iamClient(iam).s3Client(MockLambda.s3())
                .createRole(true).pollInterval(Duration.ofMillis(1)).build();

        DeploymentFailedException e = assertThrows(DeploymentFailedException.class, () -> deploy(config,
                spec("mk")));

        assertTrue(e.getMessage().contains("cleaned up what this deploy created (function mk, IAM role "
                + "mldeploy-lambda-mk)"), e.getMessage());
        ArgumentCaptor<CreateRoleRequest> role = ArgumentCaptor.forClass(CreateRoleRequest.class);
        verify(iam).createRole(role.capture());
        assertEquals("mldeploy-lambda-mk", role.getValue().roleName());
        assertTrue(role.getValue().assumeRolePolicyDocument().contains("lambda.amazonaws.com"));
        verify(iam).attachRolePolicy(any(software.amazon.awssdk.services.iam.model.AttachRolePolicyRequest.class));
        verify(lambda).deleteFunction(any(DeleteFunctionRequest.class));
        ArgumentCaptor<DeleteRoleRequest> deleted = ArgumentCaptor.forClass(DeleteRoleRequest.class);
        verify(iam).deleteRole(deleted.capture());
        assertEquals("mldeploy-lambda-mk", deleted.getValue().roleName());
    }

    @Test
    void deploy_whenFunctionExistsButNotMldeploys_refusesWithoutChangingIt() {
        when(lambda.getFunction(any(GetFunctionRequest.class))).thenReturn(GetFunctionResponse.builder()
                .configuration(c -> c.functionName("theirs")).tags(Map.of("team", "x")).build());
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> deploy(config().build(), spec("theirs")));
        assertTrue(e.getMessage().contains("not deployed by mldeploy"), e.getMessage());
        verify(lambda, never()).updateFunctionCode(any(UpdateFunctionCodeRequest.class));
        verify(lambda, never()).createFunction(any(CreateFunctionRequest.class));
    }

    @Test
    void deploy_withoutRole_failsBeforeAnyCall() {
        LambdaTarget config = LambdaTarget.builder().lambdaClient(lambda).build();
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> deploy(config, spec("norole")));
        assertTrue(e.getMessage().contains("--role-arn") && e.getMessage().contains("--create-role"),
                e.getMessage());
        verifyNoInteractions(lambda);
    }

    @Test
    void deploy_withImageUri_createsAnImageFunctionWithoutZip() {
        MockLambda.stubCreatable(lambda, "img");
        String image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/models:v1";
        deploy(config().imageUri(image).build(), spec("img"));
        ArgumentCaptor<CreateFunctionRequest> create = ArgumentCaptor.forClass(CreateFunctionRequest.class);
        verify(lambda).createFunction(create.capture());
        assertEquals(image, create.getValue().code().imageUri());
        assertNull(create.getValue().code().zipFile());
        assertEquals("Image", create.getValue().packageTypeAsString());
        assertNull(create.getValue().handler());
        ArgumentCaptor<PublishVersionRequest> publish = ArgumentCaptor.forClass(PublishVersionRequest.class);
        verify(lambda).publishVersion(publish.capture());
        assertNotNull(publish.getValue().description());
    }

    @Test
    void deploy_whenProvisionedConcurrencyNoLongerAsked_removesItFromTheAlias() throws Exception {
        ModelSpec spec = spec("cool");
        Deployed before = firstDeploy(spec);
        when(lambda.getFunction(any(GetFunctionRequest.class)))
                .thenReturn(MockLambda.existing("cool", before.codeSha256(), Map.of()));
        MockLambda.stubAlias(lambda, MockLambda.alias("cool", "2", "an-older-spec"));
        when(lambda.getFunctionConfiguration(any(GetFunctionConfigurationRequest.class)))
                .thenReturn(MockLambda.active(LastUpdateStatus.SUCCESSFUL));
        when(lambda.publishVersion(any(PublishVersionRequest.class)))
                .thenReturn(PublishVersionResponse.builder().version("3").build());
        when(lambda.getProvisionedConcurrencyConfig(any(GetProvisionedConcurrencyConfigRequest.class)))
                .thenReturn(GetProvisionedConcurrencyConfigResponse.builder().requestedProvisionedConcurrentExecutions(2)
                        .status(ProvisionedConcurrencyStatusEnum.READY).build());

        deploy(config().build(), spec);

        verify(lambda).deleteProvisionedConcurrencyConfig(any(
                software.amazon.awssdk.services.lambda.model.DeleteProvisionedConcurrencyConfigRequest.class));
        verify(lambda, never()).putProvisionedConcurrencyConfig(any(PutProvisionedConcurrencyConfigRequest.class));
    }
}
