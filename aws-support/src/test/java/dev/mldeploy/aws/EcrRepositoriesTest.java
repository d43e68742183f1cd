package dev.mldeploy.aws;

import static dev.mldeploy.aws.SdkMocks.awsError;
import static dev.mldeploy.aws.SdkMocks.sdkMock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.InvalidConfigurationException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
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
import software.amazon.awssdk.services.ecr.model.ImageFailure;
import software.amazon.awssdk.services.ecr.model.ImageFailureCode;
import software.amazon.awssdk.services.ecr.model.ImageIdentifier;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;
import software.amazon.awssdk.services.ecr.model.ListImagesRequest;
import software.amazon.awssdk.services.ecr.model.ListImagesResponse;
import software.amazon.awssdk.services.ecr.model.ListTagsForResourceRequest;
import software.amazon.awssdk.services.ecr.model.ListTagsForResourceResponse;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;
import software.amazon.awssdk.services.ecr.model.Tag;

class EcrRepositoriesTest {
    private static final String NAME = "mldeploy/lambda/m";
    private static final String URI_ = "123456789012.dkr.ecr.us-east-1.amazonaws.com/" + NAME;
    private static final String ARN = "arn:aws:ecr:us-east-1:123456789012:repository/" + NAME;
    private final EcrClient ecr = sdkMock(EcrClient.class);
    private final EcrRepositories repos = new EcrRepositories(ecr, "LambdaTarget.builder()");

    private static String digest(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }

    private void missing() {
        when(ecr.describeRepositories(any(DescribeRepositoriesRequest.class))).thenThrow(
                RepositoryNotFoundException.builder().statusCode(400).message("not found").build());
    }

    private void exists(Map<String, String> tags) {
        when(ecr.describeRepositories(any(DescribeRepositoriesRequest.class))).thenReturn(
                DescribeRepositoriesResponse.builder().repositories(Repository.builder().repositoryName(NAME)
                        .repositoryUri(URI_).repositoryArn(ARN).build()).build());
        when(ecr.listTagsForResource(any(ListTagsForResourceRequest.class))).thenReturn(
                ListTagsForResourceResponse.builder().tags(tags.entrySet().stream().map(e -> Tag.builder()
                        .key(e.getKey()).value(e.getValue()).build()).toList()).build());
    }

    private void images(ImageIdentifier... ids) {
        when(ecr.listImages(any(ListImagesRequest.class))).thenReturn(ListImagesResponse.builder().imageIds(ids)
                .build(), ListImagesResponse.builder().build());
    }

    private static ImageIdentifier id(char digest, String tag) {
        return ImageIdentifier.builder().imageDigest(digest(digest)).imageTag(tag).build();
    }

    @Test
    void ensure_whenMissing_createsTaggedScannedMutableRepository() {
        missing();
        when(ecr.createRepository(any(CreateRepositoryRequest.class))).thenReturn(CreateRepositoryResponse.builder()
                .repository(Repository.builder().repositoryName(NAME).repositoryUri(URI_).build()).build());
        List<String> progress = new ArrayList<>();
        EcrRepositories.Found f;
        try (CallBudget.Scope s = CallBudget.open(CallBudget.of(java.time.Duration.ofMinutes(1), "a test"))) {
            f = repos.ensure(NAME, "m", EcrRepositories.tags("lambda", "m", Map.of("team", "a")),
                    () -> progress.add("creating"));
        }
        assertEquals(new EcrRepositories.Found(NAME, URI_, true, true), f);
        assertEquals(List.of("creating"), progress);
        ArgumentCaptor<CreateRepositoryRequest> c = ArgumentCaptor.forClass(CreateRepositoryRequest.class);
        verify(ecr).createRepository(c.capture());
        assertTrue(c.getValue().imageScanningConfiguration().scanOnPush());
        assertEquals(ImageTagMutability.MUTABLE, c.getValue().imageTagMutability());
        assertEquals(Map.of("team", "a", "mldeploy:managed", "true", "mldeploy:name", "m", "mldeploy:target",
                "lambda"), c.getValue().tags().stream().collect(java.util.stream.Collectors.toMap(Tag::key,
                Tag::value)));
        assertTrue(c.getValue().overrideConfiguration().isPresent(), "bounded by the call budget");
    }

    @Test
    void ensure_whenOursExists_reusesItWithoutCreating() {
        exists(Map.of("mldeploy:managed", "true", "mldeploy:name", "m"));
        EcrRepositories.Found f = repos.ensure(NAME, "m", Map.of(), () -> {
            throw new AssertionError("no create");
        });
        assertEquals(new EcrRepositories.Found(NAME, URI_, true, false), f);
        verify(ecr, never()).createRepository(any(CreateRepositoryRequest.class));
    }

    @Test
    void ensure_whenOursForAnotherDeployment_refusesTyped() {
        exists(Map.of("mldeploy:managed", "true", "mldeploy:name", "M"));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> repos.ensure(NAME, "m", Map.of(), () -> { }));
        assertTrue(e.getMessage().contains("deployment 'M'"), e.getMessage());
    }

    @Test
    void ensure_whenUsersRepositoryExists_usesItUnmanaged() {
        exists(Map.of("team", "x"));
        assertEquals(new EcrRepositories.Found(NAME, URI_, false, false), repos.ensure(NAME, "m", Map.of(), () -> { }));
    }

    @Test
    void login_decodesTokenAndKeepsRegistryHost() {
        when(ecr.getAuthorizationToken(any(GetAuthorizationTokenRequest.class))).thenReturn(
                GetAuthorizationTokenResponse.builder().authorizationData(AuthorizationData.builder()
                        .authorizationToken(Base64.getEncoder().encodeToString("AWS:s3cr:et".getBytes(
                                StandardCharsets.UTF_8)))
                        .proxyEndpoint("https://123456789012.dkr.ecr.us-east-1.amazonaws.com").build()).build());
        EcrLogin plain = repos.login(Optional.empty());
        assertEquals("123456789012.dkr.ecr.us-east-1.amazonaws.com", plain.registryHost());
        assertEquals(URI.create("https://123456789012.dkr.ecr.us-east-1.amazonaws.com"), plain.pushEndpoint());
        assertEquals("AWS", plain.username());
        assertEquals("s3cr:et", plain.password());
        assertFalse(plain.plainHttp());
        assertFalse(plain.toString().contains("s3cr"), "the password is never printed");
        EcrLogin overridden = repos.login(Optional.of(URI.create("http://127.0.0.1:5000")));
        assertEquals("123456789012.dkr.ecr.us-east-1.amazonaws.com", overridden.registryHost());
        assertEquals("127.0.0.1:5000", overridden.pushAuthority());
        assertTrue(overridden.plainHttp());
    }

    @Test
    void login_whenTokenIsNotUserPassword_failsTyped() {
        when(ecr.getAuthorizationToken(any(GetAuthorizationTokenRequest.class))).thenReturn(
                GetAuthorizationTokenResponse.builder().authorizationData(AuthorizationData.builder()
                        .authorizationToken(Base64.getEncoder().encodeToString("nocolon".getBytes(
                                StandardCharsets.UTF_8))).proxyEndpoint("https://h").build()).build());
        assertThrows(DeploymentFailedException.class, () -> repos.login(Optional.empty()));
    }

    @Test
    void login_whenAccessDenied_isConfigurationError() {
        when(ecr.getAuthorizationToken(any(GetAuthorizationTokenRequest.class))).thenThrow(
                awsError(400, "AccessDeniedException", "no"));
        assertThrows(InvalidConfigurationException.class, () -> repos.login(Optional.empty()));
    }

    @Test
    void removePushed_inOurRepository_deletesOursByDigestThenTheEmptyRepository() {
        exists(Map.of("mldeploy:managed", "true", "mldeploy:name", "m"));
        images(id('a', "mldeploy-1111"), id('b', null), id('a', "mldeploy-2222"));
        when(ecr.batchDeleteImage(any(BatchDeleteImageRequest.class))).thenReturn(BatchDeleteImageResponse.builder()
                .imageIds(id('a', "mldeploy-1111"), id('a', "mldeploy-2222"), id('b', null)).build());
        EcrRepositories.Removal r = repos.removePushed(NAME, "m");
        ArgumentCaptor<BatchDeleteImageRequest> c = ArgumentCaptor.forClass(BatchDeleteImageRequest.class);
        verify(ecr).batchDeleteImage(c.capture());
        assertEquals(List.of(digest('a'), digest('b')), c.getValue().imageIds().stream()
                .map(ImageIdentifier::imageDigest).toList());
        assertTrue(c.getValue().imageIds().stream().allMatch(i -> i.imageTag() == null), "by digest only");
        verify(ecr).deleteRepository(any(DeleteRepositoryRequest.class));
        assertEquals(List.of(digest('a'), digest('b')), r.images());
        assertTrue(r.repositoryDeleted());
        assertEquals(Optional.empty(), r.left());
    }

    @Test
    void removePushed_whenOtherImagesRemain_keepsTheRepositoryAndSaysWhy() {
        exists(Map.of("mldeploy:managed", "true", "mldeploy:name", "m"));
        when(ecr.listImages(any(ListImagesRequest.class))).thenReturn(
                ListImagesResponse.builder().imageIds(id('a', "mldeploy-1"), id('c', "users")).build(),
                ListImagesResponse.builder().imageIds(id('c', "users")).build());
        when(ecr.batchDeleteImage(any(BatchDeleteImageRequest.class))).thenReturn(BatchDeleteImageResponse.builder()
                .imageIds(id('a', "mldeploy-1")).build());
        EcrRepositories.Removal r = repos.removePushed(NAME, "m");
        assertEquals(List.of(digest('a')), r.images());
        assertFalse(r.repositoryDeleted());
        assertTrue(r.left().orElseThrow().contains("1 images mldeploy did not push"), r.left().toString());
        verify(ecr, never()).deleteRepository(any(DeleteRepositoryRequest.class));
    }

    @Test
    void removePushed_inUsersRepository_deletesOnlyMldeployTagsAndNeverTheRepository() {
        exists(Map.of());
        images(id('a', "mldeploy-1"), id('b', null), id('c', "v1"));
        when(ecr.batchDeleteImage(any(BatchDeleteImageRequest.class))).thenReturn(BatchDeleteImageResponse.builder()
                .imageIds(id('a', "mldeploy-1")).build());
        EcrRepositories.Removal r = repos.removePushed(NAME, "m");
        ArgumentCaptor<BatchDeleteImageRequest> c = ArgumentCaptor.forClass(BatchDeleteImageRequest.class);
        verify(ecr).batchDeleteImage(c.capture());
        assertEquals(List.of(digest('a')), c.getValue().imageIds().stream().map(ImageIdentifier::imageDigest)
                .toList());
        verify(ecr, never()).deleteRepository(any(DeleteRepositoryRequest.class));
        assertFalse(r.repositoryDeleted());
    }

    @Test
    void removePushed_whenRepositoryMissing_doesNothing() {
        missing();
        EcrRepositories.Removal r = repos.removePushed(NAME, "m");
        assertTrue(r.images().isEmpty());
        verify(ecr, never()).listImages(any(ListImagesRequest.class));
    }

    @Test
    void removePushed_whenEcrRefusesAnImage_failsNamingIt() {
        exists(Map.of("mldeploy:managed", "true", "mldeploy:name", "m"));
        images(id('a', "mldeploy-1"));
        when(ecr.batchDeleteImage(any(BatchDeleteImageRequest.class))).thenReturn(BatchDeleteImageResponse.builder()
                .failures(ImageFailure.builder().imageId(id('a', null)).failureCode(ImageFailureCode.KMS_ERROR)
                        .failureReason("kms").build()).build());
        DeploymentFailedException e = assertThrows(DeploymentFailedException.class,
                () -> repos.removePushed(NAME, "m"));
        assertTrue(e.getMessage().contains(digest('a')), e.getMessage());
        verify(ecr, never()).deleteRepository(any(DeleteRepositoryRequest.class));
    }

    @Test
    void removePushed_whenMoreThanOneBatch_splitsIntoHundreds() {
        exists(Map.of("mldeploy:managed", "true", "mldeploy:name", "m"));
        List<ImageIdentifier> many = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            many.add(ImageIdentifier.builder().imageDigest("sha256:" + String.format("%064x", i)).imageTag(
                    "mldeploy-" + i).build());
        }
        when(ecr.listImages(any(ListImagesRequest.class))).thenReturn(ListImagesResponse.builder().imageIds(many)
                .build(), ListImagesResponse.builder().build());
        when(ecr.batchDeleteImage(any(BatchDeleteImageRequest.class))).thenReturn(BatchDeleteImageResponse.builder()
                .build());
        repos.removePushed(NAME, "m");
        ArgumentCaptor<BatchDeleteImageRequest> c = ArgumentCaptor.forClass(BatchDeleteImageRequest.class);
        verify(ecr, org.mockito.Mockito.times(2)).batchDeleteImage(c.capture());
        assertEquals(List.of(100, 50), c.getAllValues().stream().map(b -> b.imageIds().size()).toList());
    }
}
