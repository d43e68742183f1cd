package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.ProgressEvent;
import dev.mldeploy.kit.LoopbackRegistry;
import dev.mldeploy.kit.RegistryApi;
import dev.mldeploy.kit.TestBaseImage;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.ImageIdentifier;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.PackageType;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionCodeRequest;

/**
 * {@code --package image} on the emulator: the ECR API calls go to moto and the image bytes to a real registry on
 * loopback ({@code MLDEPLOY_ECR_REGISTRY_OVERRIDE}, test only), built on a small base image the test pushes first.
 * The function is created with {@code PackageType=Image} and the image by digest, which GetFunction reads back; an
 * unchanged redeploy uploads no blob and updates no code; changed code gives a new digest and one code update;
 * undeploy deletes the images and the repository mldeploy created. moto's Lambda stores image functions without
 * Docker (nothing is invoked here). moto's ECR serves no registry, so after each push the test records the pushed
 * manifest in moto's ECR ({@code PutImage} with the registry's digest) as a push to ECR would, so that undeploy's
 * ListImages and BatchDeleteImage act on real entries.
 */
@ExtendWith(AwsEndpointExtension.class)
class LambdaImageDeployIT {
    private static LoopbackRegistry registry;
    private static TestBaseImage.Pushed base;

    @TempDir
    Path dir;
    LambdaFixtures fx;
    EcrClient ecr;
    final List<SdkRequest> requests = new ArrayList<>();
    final List<ProgressEvent> events = new ArrayList<>();

    @BeforeAll
    static void startRegistry() {
        registry = LoopbackRegistry.start();
        base = TestBaseImage.push(registry, "base/lambda-python", "3.12", "amd64");
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void setUp(AwsEndpoint aws) {
        aws.assumeSupports("lambda");
        ExecutionInterceptor record = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                synchronized (requests) {
                    requests.add(context.request());
                }
            }
        };
        fx = new LambdaFixtures(aws, record);
        ecr = EcrClient.builder().endpointOverride(aws.endpoint()).region(aws.awsRegion())
                .credentialsProvider(aws.credentialsProvider())
                .overrideConfiguration(o -> o.addExecutionInterceptor(record)).build();
    }

    @AfterEach
    void close() {
        fx.close();
        ecr.close();
    }

    private LambdaTarget target() {
        return fx.target().ecrClient(ecr).roleArn(fx.existingRole("image-exec"))
                .packageType(LambdaTarget.PackageType.IMAGE).baseImage(base.reference()).build();
    }

    private ModelDeployer deployer(LambdaTarget target) {
        Map<String, String> env = new HashMap<>(fx.aws.environment());
        env.put("MLDEPLOY_ECR_REGISTRY_OVERRIDE", registry.url());
        return ModelDeployer.builder().provider(LambdaTargetProvider.of(target)).defaultTarget("lambda")
                .discoverProviders(false).environment(env).build();
    }

    private DeployResult deploy(ModelDeployer d, ModelSpec spec) {
        return d.deploy(spec, DeployOptions.builder().timeout(Duration.ofMinutes(3)).progressListener(events::add)
                .build());
    }

    private ModelSpec spec(String name) {
        return ModelSpec.builder(name).source(LambdaFixtures.echoModel(dir, name)).build();
    }

    private long count(Class<?> type) {
        synchronized (requests) {
            return requests.stream().filter(type::isInstance).count();
        }
    }

    private static String digestOf(GetFunctionResponse f) {
        String uri = f.code().imageUri();
        return uri.substring(uri.indexOf('@') + 1);
    }

    /** What a push to ECR leaves in its API: the manifest under its tag and digest (moto's ECR has no registry). */
    private void recordInMotoEcr(String repository, String digest) {
        RegistryApi.Manifest m = registry.api().manifest(repository, digest);
        String tag = registry.api().tags(repository).stream().filter(t -> t.startsWith("mldeploy-")).findFirst()
                .orElseThrow();
        ecr.putImage(b -> b.repositoryName(repository).imageDigest(digest).imageTag(tag + "-" + digest.substring(7, 15))
                .imageManifest(new String(m.bytes(), StandardCharsets.UTF_8)).imageManifestMediaType(m.mediaType()));
    }

    @Test
    void deploy_withPackageImage_createsAnImageFunctionByDigest_andAnUnchangedRedeployUploadsAndUpdatesNothing() {
        ModelSpec spec = spec("imgfn");
        try (ModelDeployer d = deployer(target())) {
            DeployResult first = deploy(d, spec);
            assertEquals(DeployResult.Change.CREATED, first.change(), first.message());

            GetFunctionResponse f = fx.lambda.getFunction(b -> b.functionName("imgfn"));
            assertEquals(PackageType.IMAGE, f.configuration().packageType());
            String uri = f.code().imageUri();
            assertTrue(uri.matches("^123456789012\\.dkr\\.ecr\\.us-east-1\\.amazonaws\\.com/mldeploy/lambda/imgfn"
                    + "@sha256:[0-9a-f]{64}$"), uri);
            String digest = digestOf(f);
            assertTrue(registry.api().hasManifest("mldeploy/lambda/imgfn", digest), "pushed to the registry");
            assertEquals(digest, f.tags().get("mldeploy:image-digest"));
            assertEquals("mldeploy/lambda/imgfn", f.tags().get("mldeploy:image-repository"));
            var repo = ecr.describeRepositories(b -> b.repositoryNames("mldeploy/lambda/imgfn")).repositories().get(0);
            assertTrue(repo.imageScanningConfiguration().scanOnPush());
            Map<String, String> repoTags = new HashMap<>();
            ecr.listTagsForResource(b -> b.resourceArn(repo.repositoryArn())).tags()
                    .forEach(t -> repoTags.put(t.key(), t.value()));
            assertEquals("true", repoTags.get("mldeploy:managed"));
            assertEquals("imgfn", repoTags.get("mldeploy:name"));
            assertTrue(events.stream().anyMatch(e -> e.phase().startsWith("image-")), events.toString());

            int uploads = registry.blobUploads();
            long codeUpdates = count(UpdateFunctionCodeRequest.class);
            DeployResult again = deploy(d, spec);
            assertEquals(DeployResult.Change.UNCHANGED, again.change(), again.message());
            assertEquals(uploads, registry.blobUploads(), "an unchanged model uploads no blob");
            assertEquals(codeUpdates, count(UpdateFunctionCodeRequest.class), "and updates no code");
            assertEquals(digest, digestOf(fx.lambda.getFunction(b -> b.functionName("imgfn"))));
        }
    }

    @Test
    void deploy_whenTheCodeChanges_pushesANewDigestAndUpdatesTheFunctionToIt() throws Exception {
        ModelSpec spec = spec("imgupd");
        try (ModelDeployer d = deployer(target())) {
            deploy(d, spec);
            String before = digestOf(fx.lambda.getFunction(b -> b.functionName("imgupd")));
            Files.writeString(spec.requireSource().resolve("extra.txt"), "v2");

            DeployResult r = deploy(d, spec);

            assertEquals(DeployResult.Change.UPDATED, r.change(), r.message());
            GetFunctionResponse f = fx.lambda.getFunction(b -> b.functionName("imgupd"));
            String after = digestOf(f);
            assertNotEquals(before, after);
            assertEquals(after, f.tags().get("mldeploy:image-digest"));
            assertEquals(1, count(UpdateFunctionCodeRequest.class));
            UpdateFunctionCodeRequest u = requests.stream().filter(UpdateFunctionCodeRequest.class::isInstance)
                    .map(UpdateFunctionCodeRequest.class::cast).findFirst().orElseThrow();
            assertTrue(u.imageUri().endsWith("@" + after), u.imageUri());
            assertEquals(after, digestOf(fx.lambda.getFunction(b -> b.functionName("imgupd").qualifier("live"))),
                    "the alias serves the new digest");
        }
    }

    @Test
    void undeploy_deletesThePushedImagesAndTheRepositoryMldeployCreated() throws Exception {
        ModelSpec spec = spec("imggone");
        try (ModelDeployer d = deployer(target())) {
            deploy(d, spec);
            recordInMotoEcr("mldeploy/lambda/imggone", digestOf(fx.lambda.getFunction(b -> b.functionName("imggone"))));
            Files.writeString(spec.requireSource().resolve("extra.txt"), "v2");
            deploy(d, spec);
            recordInMotoEcr("mldeploy/lambda/imggone", digestOf(fx.lambda.getFunction(b -> b.functionName("imggone"))));
            assertEquals(2, ecr.listImages(b -> b.repositoryName("mldeploy/lambda/imggone")).imageIds().stream()
                    .map(ImageIdentifier::imageDigest).distinct().count());

            assertTrue(d.undeploy("imggone"));
        }
        assertFalse(fx.functions().contains("imggone"));
        assertThrows(RepositoryNotFoundException.class,
                () -> ecr.describeRepositories(b -> b.repositoryNames("mldeploy/lambda/imggone")));
    }

    @Test
    void undeploy_keepsARepositoryHoldingImagesMldeployDidNotPush() throws Exception {
        ModelSpec spec = spec("imgshared");
        try (ModelDeployer d = deployer(target())) {
            deploy(d, spec);
            String digest = digestOf(fx.lambda.getFunction(b -> b.functionName("imgshared")));
            recordInMotoEcr("mldeploy/lambda/imgshared", digest);
            RegistryApi.Manifest m = registry.api().manifest("mldeploy/lambda/imgshared", digest);
            String users = "sha256:" + "e".repeat(64);
            ecr.putImage(b -> b.repositoryName("mldeploy/lambda/imgshared").imageTag("users-own").imageDigest(users)
                    .imageManifest(new String(m.bytes(), StandardCharsets.UTF_8).replace("}", " }"))
                    .imageManifestMediaType(m.mediaType()));

            d.undeploy("imgshared");
        }
        List<ImageIdentifier> left = ecr.listImages(b -> b.repositoryName("mldeploy/lambda/imgshared")).imageIds();
        assertEquals(List.of("users-own"), left.stream().map(ImageIdentifier::imageTag).toList());
    }

    @Test
    void deploy_whenTheNameIsNotAnEcrRepositoryName_refusesBeforeAnyCall() {
        try (ModelDeployer d = deployer(target())) {
            requests.clear();
            InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> deploy(d, spec("odd_-name")));
            assertTrue(e.getMessage().contains("mldeploy/lambda/odd_-name"), e.getMessage());
        }
        assertEquals(List.of(), requests.stream().map(r -> r.getClass().getSimpleName()).toList());
        assertEquals(List.of(), ecr.describeRepositories().repositories());
    }
}
