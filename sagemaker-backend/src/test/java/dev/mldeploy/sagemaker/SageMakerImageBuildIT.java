package dev.mldeploy.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.kit.LoopbackRegistry;
import dev.mldeploy.kit.RegistryApi;
import dev.mldeploy.kit.TestBaseImage;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;
import software.amazon.awssdk.services.sagemaker.model.DescribeModelResponse;

/**
 * {@code --image build} on the emulator: SageMaker and ECR API calls to moto, the serving image's bytes to a real
 * registry on loopback ({@code MLDEPLOY_ECR_REGISTRY_OVERRIDE}, test only) on a small base the test pushes first.
 * CreateModel's image is the pushed image by digest, the model records the digest, an unchanged redeploy uploads no
 * blob and changes nothing, and undeploy deletes the images and the repository mldeploy created. moto's ECR serves
 * no registry, so the test records the pushed manifest in moto's ECR ({@code PutImage} with the registry's digest),
 * as a push to ECR would.
 */
@ExtendWith(AwsEndpointExtension.class)
class SageMakerImageBuildIT {
    private static LoopbackRegistry registry;
    private static TestBaseImage.Pushed base;

    @TempDir
    Path tmp;
    private MotoResources moto;
    private EcrClient ecr;

    @BeforeAll
    static void startRegistry() {
        registry = LoopbackRegistry.start();
        base = TestBaseImage.push(registry, "base/python", "3.12-slim", "amd64");
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void setUp(AwsEndpoint aws) {
        aws.assumeSupports("sagemaker");
        moto = new MotoResources(aws);
        ecr = EcrClient.builder().endpointOverride(aws.endpoint()).region(aws.awsRegion())
                .credentialsProvider(aws.credentialsProvider()).build();
    }

    @AfterEach
    void tearDown() {
        moto.close();
        ecr.close();
    }

    private ModelDeployer deployer() {
        SageMakerTarget target = SageMakerTarget.builder().endpointOverride(moto.aws.endpoint())
                .region(moto.aws.region()).credentialsProvider(moto.aws.credentialsProvider())
                .roleArn(MotoResources.ROLE).bucket(MotoResources.BUCKET).createBucket(true)
                .instanceType("ml.m5.large").pollInterval(Duration.ofMillis(50))
                .buildImage(true).baseImage(base.reference()).build();
        return ModelDeployer.builder().discoverProviders(false).provider(SageMakerTargetProvider.of(target))
                .defaultTarget("sagemaker").environment(Map.of("MLDEPLOY_ECR_REGISTRY_OVERRIDE", registry.url()))
                .build();
    }

    private static DeployOptions options() {
        return DeployOptions.builder().timeout(Duration.ofMinutes(3)).build();
    }

    private DescribeModelResponse onlyModel() {
        List<String> models = moto.models();
        assertEquals(1, models.size(), models.toString());
        return moto.sageMaker.describeModel(b -> b.modelName(models.get(0)));
    }

    private Map<String, String> tags(String arn) {
        return moto.sageMaker.listTags(b -> b.resourceArn(arn)).tags().stream()
                .collect(Collectors.toMap(t -> t.key(), t -> t.value()));
    }

    @Test
    void deploy_withImageBuild_createsTheModelOnThePushedDigest_andAnUnchangedRedeployChangesNothing()
            throws Exception {
        ModelSpec spec = ModelSpec.builder("built").source(MotoResources.model(tmp.resolve("m"), "v1")).build();
        try (ModelDeployer d = deployer()) {
            DeployResult first = d.deploy(spec, options());
            assertEquals(DeployResult.Change.CREATED, first.change(), first.message());

            DescribeModelResponse model = onlyModel();
            String image = model.primaryContainer().image();
            assertTrue(image.matches("^123456789012\\.dkr\\.ecr\\.us-east-1\\.amazonaws\\.com/mldeploy/sagemaker/"
                    + "built@sha256:[0-9a-f]{64}$"), image);
            String digest = image.substring(image.indexOf('@') + 1);
            assertTrue(registry.api().hasManifest("mldeploy/sagemaker/built", digest), "pushed to the registry");
            assertEquals(digest, tags(model.modelArn()).get("mldeploy:image-digest"));
            var config = registry.api().config("mldeploy/sagemaker/built",
                    registry.api().manifest("mldeploy/sagemaker/built", digest));
            assertEquals(List.of("serve"), ((Map<?, ?>) config.get("config")).get("Cmd"));

            int uploads = registry.blobUploads();
            DeployResult again = d.deploy(spec, options());
            assertEquals(DeployResult.Change.UNCHANGED, again.change(), again.message());
            assertEquals(uploads, registry.blobUploads(), "an unchanged model uploads no blob");
            assertEquals(image, onlyModel().primaryContainer().image());
        }
    }

    @Test
    void undeploy_deletesThePushedImagesAndTheRepositoryMldeployCreated() throws Exception {
        ModelSpec spec = ModelSpec.builder("builtgone").source(MotoResources.model(tmp.resolve("m"), "v1")).build();
        try (ModelDeployer d = deployer()) {
            d.deploy(spec, options());
            String image = onlyModel().primaryContainer().image();
            String digest = image.substring(image.indexOf('@') + 1);
            RegistryApi.Manifest m = registry.api().manifest("mldeploy/sagemaker/builtgone", digest);
            ecr.putImage(b -> b.repositoryName("mldeploy/sagemaker/builtgone").imageDigest(digest)
                    .imageTag(registry.api().tags("mldeploy/sagemaker/builtgone").get(0))
                    .imageManifest(new String(m.bytes(), StandardCharsets.UTF_8))
                    .imageManifestMediaType(m.mediaType()));

            assertTrue(d.undeploy("builtgone"));
        }
        assertEquals(MotoResources.NOTHING, moto.everything());
        assertThrows(RepositoryNotFoundException.class,
                () -> ecr.describeRepositories(b -> b.repositoryNames("mldeploy/sagemaker/builtgone")));
    }
}
