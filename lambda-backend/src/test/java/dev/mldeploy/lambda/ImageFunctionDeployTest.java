package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.mldeploy.DeployResult;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.ProgressEvent;
import dev.mldeploy.image.BuiltImage;
import dev.mldeploy.image.ImageDestination;
import dev.mldeploy.image.RegistryCredential;
import dev.mldeploy.lambda.internal.ImagePush;
import dev.mldeploy.lambda.internal.LambdaDeploymentTarget;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.TargetContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;
import org.mockito.Mockito;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.BatchDeleteImageRequest;
import software.amazon.awssdk.services.ecr.model.BatchDeleteImageResponse;
import software.amazon.awssdk.services.ecr.model.CreateRepositoryRequest;
import software.amazon.awssdk.services.ecr.model.CreateRepositoryResponse;
import software.amazon.awssdk.services.ecr.model.DeleteRepositoryRequest;
import software.amazon.awssdk.services.ecr.model.DescribeRepositoriesRequest;
import software.amazon.awssdk.services.ecr.model.DescribeRepositoriesResponse;
import software.amazon.awssdk.services.ecr.model.GetAuthorizationTokenRequest;
import software.amazon.awssdk.services.ecr.model.GetAuthorizationTokenResponse;
import software.amazon.awssdk.services.ecr.model.ImageIdentifier;
import software.amazon.awssdk.services.ecr.model.ListImagesRequest;
import software.amazon.awssdk.services.ecr.model.ListImagesResponse;
import software.amazon.awssdk.services.ecr.model.ListTagsForResourceRequest;
import software.amazon.awssdk.services.ecr.model.ListTagsForResourceResponse;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;
import software.amazon.awssdk.services.ecr.model.Tag;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationRequest;
import software.amazon.awssdk.services.lambda.model.GetFunctionRequest;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.PackageType;
import software.amazon.awssdk.services.lambda.model.PublishVersionRequest;
import software.amazon.awssdk.services.lambda.model.PublishVersionResponse;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionCodeRequest;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationRequest;

/**
 * Container images mldeploy builds, with mocked Lambda and ECR clients and the push replaced: the function runs the
 * pushed image by digest, its tags record it, the digest decides whether the code is updated, and a failed first
 * deploy or an undeploy removes what was pushed.
 */
class ImageFunctionDeployTest {
    static final String REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
    static final String D1 = "sha256:" + "1".repeat(64);
    static final String D2 = "sha256:" + "2".repeat(64);

    @TempDir
    Path dir;
    final LambdaClient lambda = MockLambda.lambda();
    final EcrClient ecr = mock(EcrClient.class, withSettings().defaultAnswer(inv -> {
        Class<?>[] types = inv.getMethod().getParameterTypes();
        return types.length >= 1 && Consumer.class.isAssignableFrom(types[0]) ? inv.callRealMethod()
                : Mockito.RETURNS_DEFAULTS.answer(inv);
    }));
    final List<ImageDestination.Registry> pushedTo = new ArrayList<>();
    final List<Optional<RegistryCredential>> credentials = new ArrayList<>();
    final List<ProgressEvent> events = new ArrayList<>();

    /** A push that records where it went and answers {@code digest}, uploading 3 blobs. */
    ImagePush pushing(String digest) {
        return (recipe, to, creds, insecure, timeout, listener) -> {
            pushedTo.add(to);
            credentials.add(creds.lookup(to.reference().registry()));
            assertFalse(insecure, "plain HTTP only for a loopback override");
            return new BuiltImage(digest, "sha256:" + "c".repeat(64), List.of(), 3, 0);
        };
    }

    LambdaTarget.Builder config(String name) {
        return config(lambda);
    }

    LambdaTarget.Builder config(LambdaClient client) {
        return LambdaTarget.builder().lambdaClient(client).iamClient(mock(IamClient.class)).ecrClient(ecr)
                .s3Client(MockLambda.s3()).roleArn(MockLambda.ROLE)
                .pollInterval(Duration.ofMillis(1)).packageType(LambdaTarget.PackageType.IMAGE);
    }

    ModelSpec spec(String name) {
        return ModelSpec.builder(name).source(LambdaFixtures.echoModel(dir, name)).build();
    }

    DeployResult deploy(LambdaTarget config, ModelSpec spec, ImagePush push) {
        try (LambdaDeploymentTarget t = LambdaDeploymentTarget.create(config.settings(), new TargetContext(Map.of()),
                push)) {
            return t.deploy(spec, DeployContext.of(spec.name(), "lambda", events::add, Duration.ofSeconds(30)));
        }
    }

    static String repositoryUri(String name) {
        return REGISTRY + "/mldeploy/lambda/" + name;
    }

    void repositoryMissingThenCreatable(String name) {
        when(ecr.describeRepositories(any(DescribeRepositoriesRequest.class))).thenThrow(
                RepositoryNotFoundException.builder().statusCode(400).message("not found").build());
        when(ecr.createRepository(any(CreateRepositoryRequest.class))).thenReturn(CreateRepositoryResponse.builder()
                .repository(Repository.builder().repositoryName("mldeploy/lambda/" + name)
                        .repositoryUri(repositoryUri(name)).build()).build());
        login();
    }

    void repositoryOurs(String name) {
        when(ecr.describeRepositories(any(DescribeRepositoriesRequest.class))).thenReturn(ours(name));
        when(ecr.listTagsForResource(any(ListTagsForResourceRequest.class))).thenReturn(oursTags(name));
        login();
    }

    static DescribeRepositoriesResponse ours(String name) {
        return DescribeRepositoriesResponse.builder().repositories(Repository.builder()
                .repositoryName("mldeploy/lambda/" + name).repositoryUri(repositoryUri(name))
                .repositoryArn("arn:aws:ecr:us-east-1:123456789012:repository/mldeploy/lambda/" + name).build())
                .build();
    }

    static ListTagsForResourceResponse oursTags(String name) {
        return ListTagsForResourceResponse.builder().tags(Tag.builder().key("mldeploy:managed").value("true").build(),
                Tag.builder().key("mldeploy:name").value(name).build()).build();
    }

    void login() {
        when(ecr.getAuthorizationToken(any(GetAuthorizationTokenRequest.class))).thenReturn(
                GetAuthorizationTokenResponse.builder().authorizationData(AuthorizationData.builder()
                        .authorizationToken(Base64.getEncoder().encodeToString("AWS:pw".getBytes(
                                StandardCharsets.UTF_8))).proxyEndpoint("https://" + REGISTRY).build()).build());
    }

    /** A first deploy with the image at {@code digest}; returns its CreateFunction request. */
    CreateFunctionRequest firstDeploy(String name, String digest) {
        return firstDeploy(name, digest, lambda);
    }

    /** A first deploy with {@code client}; returns its CreateFunction request. */
    CreateFunctionRequest firstDeploy(String name, String digest, LambdaClient client) {
        repositoryMissingThenCreatable(name);
        MockLambda.stubCreatable(client, name);
        DeployResult r = deploy(config(client).build(), spec(name), pushing(digest));
        assertEquals(DeployResult.Change.CREATED, r.change(), r.message());
        ArgumentCaptor<CreateFunctionRequest> c = ArgumentCaptor.forClass(CreateFunctionRequest.class);
        verify(client).createFunction(c.capture());
        return c.getValue();
    }

    /** The function as a first deploy with {@code create} left it. */
    static GetFunctionResponse existing(String name, CreateFunctionRequest create) {
        GetFunctionResponse base = MockLambda.existing(name, "sha", Map.of());
        return base.toBuilder().configuration(base.configuration().toBuilder().packageType(PackageType.IMAGE)
                        .runtime((String) null).handler(null).build())
                .code(c -> c.imageUri(create.code().imageUri())).tags(create.tags()).build();
    }

    @Test
    void deploy_whenPackageTypeIsImage_createsAnImageFunctionByDigest_andTagsTheDigest() {
        CreateFunctionRequest c = firstDeploy("img", D1);
        assertEquals(PackageType.IMAGE, c.packageType());
        assertEquals(repositoryUri("img") + "@" + D1, c.code().imageUri());
        assertNull(c.handler(), "an image function names no handler");
        assertNull(c.runtime());
        assertEquals(D1, c.tags().get("mldeploy:image-digest"));
        assertEquals("mldeploy/lambda/img", c.tags().get("mldeploy:image-repository"));
        ImageDestination.Registry to = pushedTo.get(0);
        assertEquals(REGISTRY, to.reference().registry());
        assertEquals("mldeploy/lambda/img", to.reference().repository());
        assertTrue(to.reference().tag().startsWith("mldeploy-"), to.reference().tag());
        assertEquals("AWS", credentials.get(0).orElseThrow().username());
        ArgumentCaptor<CreateRepositoryRequest> repo = ArgumentCaptor.forClass(CreateRepositoryRequest.class);
        verify(ecr).createRepository(repo.capture());
        assertTrue(repo.getValue().imageScanningConfiguration().scanOnPush());
        assertTrue(events.stream().anyMatch(e -> e.phase().equals("image-pushed")
                && e.message().contains("3 blobs uploaded")), events.toString());
    }

    @Test
    void deploy_whenRedeployedAndTheDigestIsUnchanged_updatesNoCode() {
        CreateFunctionRequest c = firstDeploy("same", D1, MockLambda.lambda());
        String hash = c.tags().get("mldeploy:spec-hash");
        Mockito.reset(ecr);
        LambdaClient again = lambda;
        when(again.getFunction(any(GetFunctionRequest.class))).thenReturn(existing("same", c));
        MockLambda.stubAlias(again, MockLambda.alias("same", "1", hash));
        repositoryOurs("same");

        DeployResult r = deploy(config("same").build(), spec("same"), pushing(D1));

        assertEquals(DeployResult.Change.UNCHANGED, r.change(), r.message());
        verify(again, never()).updateFunctionCode(any(UpdateFunctionCodeRequest.class));
        verify(again, never()).updateFunctionConfiguration(any(UpdateFunctionConfigurationRequest.class));
        verify(again, never()).publishVersion(any(PublishVersionRequest.class));
    }

    @Test
    void deploy_whenTheDigestChanges_updatesTheCodeToTheNewDigest() {
        CreateFunctionRequest c = firstDeploy("moved", D1, MockLambda.lambda());
        String hash = c.tags().get("mldeploy:spec-hash");
        Mockito.reset(ecr);
        when(lambda.getFunction(any(GetFunctionRequest.class))).thenReturn(existing("moved", c));
        MockLambda.stubAlias(lambda, MockLambda.alias("moved", "1", hash));
        when(lambda.getFunctionConfiguration(any(GetFunctionConfigurationRequest.class)))
                .thenReturn(MockLambda.active(LastUpdateStatus.SUCCESSFUL));
        when(lambda.publishVersion(any(PublishVersionRequest.class)))
                .thenReturn(PublishVersionResponse.builder().version("2").build());
        when(lambda.createAlias(any(software.amazon.awssdk.services.lambda.model.CreateAliasRequest.class)))
                .thenReturn(software.amazon.awssdk.services.lambda.model.CreateAliasResponse.builder().build());
        repositoryOurs("moved");

        DeployResult r = deploy(config("moved").build(), spec("moved"), pushing(D2));

        assertEquals(DeployResult.Change.UPDATED, r.change(), r.message());
        ArgumentCaptor<UpdateFunctionCodeRequest> u = ArgumentCaptor.forClass(UpdateFunctionCodeRequest.class);
        verify(lambda).updateFunctionCode(u.capture());
        assertEquals(repositoryUri("moved") + "@" + D2, u.getValue().imageUri());
        assertNull(u.getValue().zipFile());
        verify(lambda, never()).updateFunctionConfiguration(any(UpdateFunctionConfigurationRequest.class));
        ArgumentCaptor<software.amazon.awssdk.services.lambda.model.TagResourceRequest> tags =
                ArgumentCaptor.forClass(software.amazon.awssdk.services.lambda.model.TagResourceRequest.class);
        verify(lambda).tagResource(tags.capture());
        assertEquals(D2, tags.getValue().tags().get("mldeploy:image-digest"));
    }

    @Test
    void deploy_whenAFirstDeployFailsAfterThePush_removesThePushedImageAndTheRepositoryItCreated() {
        when(ecr.describeRepositories(any(DescribeRepositoriesRequest.class)))
                .thenThrow(RepositoryNotFoundException.builder().statusCode(400).message("not found").build())
                .thenReturn(ours("fails"));
        when(ecr.createRepository(any(CreateRepositoryRequest.class))).thenReturn(CreateRepositoryResponse.builder()
                .repository(Repository.builder().repositoryName("mldeploy/lambda/fails")
                        .repositoryUri(repositoryUri("fails")).build()).build());
        when(ecr.listTagsForResource(any(ListTagsForResourceRequest.class))).thenReturn(oursTags("fails"));
        login();
        when(ecr.listImages(any(ListImagesRequest.class))).thenReturn(ListImagesResponse.builder().imageIds(
                ImageIdentifier.builder().imageDigest(D1).imageTag("mldeploy-0123").build()).build(),
                ListImagesResponse.builder().build());
        when(ecr.batchDeleteImage(any(BatchDeleteImageRequest.class))).thenReturn(BatchDeleteImageResponse.builder()
                .imageIds(ImageIdentifier.builder().imageDigest(D1).imageTag("mldeploy-0123").build()).build());
        MockLambda.stubCreatable(lambda, "fails");
        when(lambda.createFunction(any(CreateFunctionRequest.class))).thenThrow(
                InvalidParameterValueException.builder().statusCode(400).message("image manifest not supported")
                        .build());

        DeploymentFailedException e = assertThrows(DeploymentFailedException.class,
                () -> deploy(config("fails").build(), spec("fails"), pushing(D1)));

        assertTrue(e.getMessage().contains("1 image in ECR repository mldeploy/lambda/fails")
                && e.getMessage().contains("ECR repository mldeploy/lambda/fails)"), e.getMessage());
        ArgumentCaptor<BatchDeleteImageRequest> deleted = ArgumentCaptor.forClass(BatchDeleteImageRequest.class);
        verify(ecr).batchDeleteImage(deleted.capture());
        assertEquals(D1, deleted.getValue().imageIds().get(0).imageDigest());
        verify(ecr).deleteRepository(any(DeleteRepositoryRequest.class));
    }

    @Test
    void undeploy_removesThePushedImagesAndTheRepositoryMldeployCreated() {
        CreateFunctionRequest c = firstDeploy("gone", D1, MockLambda.lambda());
        Mockito.reset(ecr);
        when(lambda.getFunction(any(GetFunctionRequest.class))).thenReturn(existing("gone", c));
        repositoryOurs("gone");
        when(ecr.listImages(any(ListImagesRequest.class))).thenReturn(ListImagesResponse.builder().imageIds(
                ImageIdentifier.builder().imageDigest(D1).imageTag("mldeploy-0123").build()).build(),
                ListImagesResponse.builder().build());
        when(ecr.batchDeleteImage(any(BatchDeleteImageRequest.class))).thenReturn(BatchDeleteImageResponse.builder()
                .imageIds(ImageIdentifier.builder().imageDigest(D1).build()).build());
        List<String> said = new ArrayList<>();
        try (LambdaDeploymentTarget t = LambdaDeploymentTarget.create(config("gone").build().settings(),
                new TargetContext(Map.of()))) {
            assertTrue(t.undeploy("gone", DeployContext.of("gone", "lambda", e -> said.add(e.message()),
                    Duration.ofSeconds(10))));
        }
        verify(ecr).deleteRepository(any(DeleteRepositoryRequest.class));
        assertTrue(said.stream().anyMatch(m -> m.contains("1 image in ECR repository mldeploy/lambda/gone")
                && m.contains("ECR repository mldeploy/lambda/gone")), said.toString());
    }

    @Test
    void undeploy_whenTheFunctionRecordsAnImageAndEcrRefuses_failsNamingWhatIsLeft() {
        CreateFunctionRequest c = firstDeploy("denied", D1, MockLambda.lambda());
        Mockito.reset(ecr);
        when(lambda.getFunction(any(GetFunctionRequest.class))).thenReturn(existing("denied", c));
        when(ecr.describeRepositories(any(DescribeRepositoriesRequest.class))).thenThrow(
                software.amazon.awssdk.services.ecr.model.EcrException.builder().statusCode(400)
                        .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                                .errorCode("AccessDeniedException").errorMessage("no").build()).build());
        RuntimeException e = assertThrows(RuntimeException.class, () -> {
            try (LambdaDeploymentTarget t = LambdaDeploymentTarget.create(config("denied").build().settings(),
                    new TargetContext(Map.of()))) {
                t.undeploy("denied", DeployContext.of("denied", "lambda", ev -> { }, Duration.ofSeconds(10)));
            }
        });
        assertTrue(e.getMessage().contains("ECR repository mldeploy/lambda/denied")
                && e.getMessage().contains("run undeploy again"), e.getMessage());
    }

    @Test
    void target_whenRegistryOverrideIsNotLoopback_refusesBeforeAnyCall() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> LambdaDeploymentTarget.create(config("x").build().settings(), new TargetContext(Map.of(
                        "MLDEPLOY_ECR_REGISTRY_OVERRIDE", "http://registry.example.com:5000"))));
        assertTrue(e.getMessage().contains("MLDEPLOY_ECR_REGISTRY_OVERRIDE"), e.getMessage());
        Mockito.verifyNoInteractions(lambda, ecr);
    }

    @Test
    void build_whenImageOptionsContradict_refusesTyped() {
        assertThrows(InvalidConfigurationException.class, () -> LambdaTarget.builder()
                .packageType(LambdaTarget.PackageType.ZIP).baseImage("public.ecr.aws/lambda/python:3.12").build());
        InvalidConfigurationException bad = assertThrows(InvalidConfigurationException.class,
                () -> LambdaTarget.builder().baseImage("Not A Reference").build());
        assertTrue(bad.getMessage().contains("--base-image"), bad.getMessage());
        assertThrows(InvalidConfigurationException.class, () -> LambdaTarget.builder()
                .imageUri(REGISTRY + "/r:1").packageType(LambdaTarget.PackageType.IMAGE).build());
        InvalidConfigurationException env = assertThrows(InvalidConfigurationException.class,
                () -> LambdaTargetProvider.configure(new TargetContext(Map.of("MLDEPLOY_LAMBDA_PACKAGE", "jar"))));
        assertTrue(env.getMessage().contains("zip or image"), env.getMessage());
        assertEquals(Optional.of(LambdaTarget.PackageType.IMAGE), LambdaTargetProvider.configure(new TargetContext(
                Map.of("MLDEPLOY_LAMBDA_PACKAGE", "image"))).packageType());
    }
}
