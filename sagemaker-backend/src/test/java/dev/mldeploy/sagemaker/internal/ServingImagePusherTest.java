package dev.mldeploy.sagemaker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.ProgressEvent;
import dev.mldeploy.image.BuiltImage;
import dev.mldeploy.image.ImageDestination;
import dev.mldeploy.sagemaker.SageMakerTarget;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.CreateRepositoryRequest;
import software.amazon.awssdk.services.ecr.model.CreateRepositoryResponse;
import software.amazon.awssdk.services.ecr.model.DescribeRepositoriesRequest;
import software.amazon.awssdk.services.ecr.model.GetAuthorizationTokenRequest;
import software.amazon.awssdk.services.ecr.model.GetAuthorizationTokenResponse;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;

/**
 * {@code --image build} with a mocked ECR client and the push replaced: the plan runs the pushed image by digest, its
 * tags record it, a new digest changes the spec fingerprint and the same digest keeps it; contradicting options are
 * refused when the target is built.
 */
class ServingImagePusherTest {
    static final String REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
    static final String D1 = "sha256:" + "1".repeat(64);
    static final String D2 = "sha256:" + "2".repeat(64);

    @TempDir
    Path dir;
    final EcrClient ecr = Fixtures.sdkMock(EcrClient.class);
    final List<ImageDestination.Registry> pushedTo = new ArrayList<>();
    final List<ProgressEvent> events = new ArrayList<>();

    SageMakerTarget.Builder target() {
        return SageMakerTarget.builder().region("us-east-1").roleArn(Fixtures.ROLE).bucket("mldeploy-unit")
                .instanceType("ml.m5.large").buildImage(true);
    }

    ServingImagePusher pusher(SageMakerSettings settings, String digest, Optional<java.net.URI> override) {
        return new ServingImagePusher(settings.imageBuild(), () -> ecr, override,
                (recipe, to, credentials, insecure, timeout, listener) -> {
                    pushedTo.add(to);
                    assertEquals(override.isPresent(), insecure);
                    assertEquals("AWS", credentials.lookup(to.reference().registry()).orElseThrow().username());
                    return new BuiltImage(digest, "sha256:" + "c".repeat(64), List.of(), 2, 1);
                });
    }

    void ecrWithoutRepository() {
        when(ecr.describeRepositories(any(DescribeRepositoriesRequest.class))).thenThrow(
                RepositoryNotFoundException.builder().statusCode(400).message("no").build());
        when(ecr.createRepository(any(CreateRepositoryRequest.class))).thenReturn(CreateRepositoryResponse.builder()
                .repository(Repository.builder().repositoryName("mldeploy/sagemaker/m")
                        .repositoryUri(REGISTRY + "/mldeploy/sagemaker/m").build()).build());
        when(ecr.getAuthorizationToken(any(GetAuthorizationTokenRequest.class))).thenReturn(
                GetAuthorizationTokenResponse.builder().authorizationData(AuthorizationData.builder()
                        .authorizationToken(Base64.getEncoder().encodeToString("AWS:pw".getBytes(
                                StandardCharsets.UTF_8))).proxyEndpoint("https://" + REGISTRY).build()).build());
    }

    DeploymentPlan resolved(SageMakerSettings settings, ModelSpec spec, String digest,
                            Optional<java.net.URI> override) {
        DeploymentPlan plan = DeploymentPlan.resolve(settings, spec, Optional.empty());
        assertNull(plan.image(), "known after the push");
        assertNull(plan.prebuilt(), "no prebuilt image when mldeploy builds one");
        return pusher(settings, digest, override).resolve(plan, spec, Fixtures.context(events, Duration.ofSeconds(30)));
    }

    @Test
    void resolve_whenBuilding_runsTheImageByDigestAndTagsTheDigest() throws Exception {
        ecrWithoutRepository();
        ModelSpec spec = ModelSpec.builder("m").source(Fixtures.model(dir.resolve("m"), "w")).build();
        DeploymentPlan plan = resolved(Fixtures.settings(target().build()), spec, D1, Optional.empty());

        assertEquals(REGISTRY + "/mldeploy/sagemaker/m@" + D1, plan.image());
        assertEquals(ArtifactLayout.CONTAINER, plan.layout(), "the serving adapter is in the image");
        assertEquals(D1, plan.tags().get(ServingImagePusher.TAG_DIGEST));
        assertEquals("mldeploy/sagemaker/m", plan.tags().get(ServingImagePusher.TAG_REPOSITORY));
        assertEquals(REGISTRY, pushedTo.get(0).reference().registry());
        assertTrue(pushedTo.get(0).reference().tag().startsWith("mldeploy-"));
        assertTrue(events.stream().anyMatch(e -> e.message().contains("2 blobs uploaded, 1 already")),
                events.toString());
    }

    @Test
    void fingerprint_followsTheDigest() throws Exception {
        ecrWithoutRepository();
        ModelSpec spec = ModelSpec.builder("m").source(Fixtures.model(dir.resolve("m"), "w")).build();
        SageMakerSettings settings = Fixtures.settings(target().build());
        Map<String, String> one = resolved(settings, spec, D1, Optional.empty()).fingerprintSettings();
        Map<String, String> same = resolved(settings, spec, D1, Optional.empty()).fingerprintSettings();
        Map<String, String> other = resolved(settings, spec, D2, Optional.empty()).fingerprintSettings();
        assertEquals(one, same, "an unchanged image keeps the spec hash: no update");
        assertNotEquals(one, other, "a new digest is a change");
    }

    @Test
    void resolve_withTheRegistryOverride_pushesThereButNamesTheEcrRepository() throws Exception {
        ecrWithoutRepository();
        ModelSpec spec = ModelSpec.builder("m").source(Fixtures.model(dir.resolve("m"), "w")).build();
        DeploymentPlan plan = resolved(Fixtures.settings(target().build()), spec, D1,
                Optional.of(java.net.URI.create("http://127.0.0.1:5000")));
        assertEquals("127.0.0.1:5000", pushedTo.get(0).reference().registry());
        assertEquals(REGISTRY + "/mldeploy/sagemaker/m@" + D1, plan.image());
    }

    @Test
    void resolve_whenNotBuilding_leavesThePlanAlone() throws Exception {
        SageMakerSettings settings = Fixtures.settings(target().buildImage(false)
                .image(REGISTRY + "/mine:1").build());
        ModelSpec spec = ModelSpec.builder("m").source(Fixtures.model(dir.resolve("m"), "w")).build();
        DeploymentPlan plan = DeploymentPlan.resolve(settings, spec, Optional.empty());
        assertSame(plan, pusher(settings, D1, Optional.empty()).resolve(plan, spec,
                Fixtures.context(events, Duration.ofSeconds(5))));
        assertTrue(pushedTo.isEmpty());
    }

    @Test
    void build_whenImageOptionsContradict_refusesTyped() {
        assertThrows(InvalidConfigurationException.class, () -> target().image(REGISTRY + "/mine:1").build());
        assertThrows(InvalidConfigurationException.class, () -> target().framework("sklearn").build());
        assertThrows(InvalidConfigurationException.class, () -> target().buildImage(false)
                .baseImage("python:3.12-slim").build());
        InvalidConfigurationException bad = assertThrows(InvalidConfigurationException.class,
                () -> target().baseImage("Not A Reference").build());
        assertTrue(bad.getMessage().contains("--base-image"), bad.getMessage());
        InvalidConfigurationException word = assertThrows(InvalidConfigurationException.class,
                () -> SageMakerTarget.builder().image("build").build());
        assertTrue(word.getMessage().contains("buildImage(true)"), word.getMessage());
    }
}
