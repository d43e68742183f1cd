package dev.mldeploy.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.ProgressEvent;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import dev.mldeploy.testsupport.FaultInjector;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.ContainerDefinition;

/**
 * Deploys without an image onto AWS's prebuilt framework images, on the emulator, in regions other than the
 * emulator's default: the model SageMaker stores names the image of that region and the two environment keys of the
 * framework containers' inference toolkit, the artifact is laid out for them, and undeploy leaves nothing.
 */
@ExtendWith(AwsEndpointExtension.class)
class SageMakerFrameworkImageIT {
    private static final String BUCKET = "mldeploy-framework-it";

    @TempDir
    Path tmp;
    private AwsEndpoint aws;
    private final FaultInjector faults = new FaultInjector();
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void setUp(AwsEndpoint aws) {
        aws.assumeSupports("sagemaker");
        this.aws = aws;
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    /** A target in {@code region} without an image: the prebuilt image is the deploy's choice. */
    private SageMakerTarget.Builder target(String region) {
        return SageMakerTarget.builder().endpointOverride(aws.endpoint()).region(region)
                .credentialsProvider(aws.credentialsProvider()).clientOverride(o -> o.addExecutionInterceptor(faults))
                .roleArn(MotoResources.ROLE).bucket(BUCKET).createBucket(true).pollInterval(Duration.ofMillis(50));
    }

    private ModelDeployer deployer(SageMakerTarget target) {
        ModelDeployer d = ModelDeployer.builder().discoverProviders(false).provider(SageMakerTargetProvider.of(target)).defaultTarget("sagemaker")
                .environment(Map.of()).build();
        closing.add(d);
        return d;
    }

    private SageMakerClient sageMaker(String region) {
        SageMakerClient c = SageMakerClient.builder().endpointOverride(aws.endpoint()).region(Region.of(region))
                .credentialsProvider(aws.credentialsProvider()).build();
        closing.add(c);
        return c;
    }

    private S3Client s3(String region) {
        S3Client c = S3Client.builder().endpointOverride(aws.endpoint()).region(Region.of(region))
                .credentialsProvider(aws.credentialsProvider()).forcePathStyle(true).build();
        closing.add(c);
        return c;
    }

    /** A model with code, requirements and a data file. */
    private Path model(String name) throws IOException {
        Path dir = MotoResources.model(tmp.resolve(name), "w1");
        Files.writeString(dir.resolve("requirements.txt"), "scikit-learn==1.4.2\n");
        Files.writeString(dir.resolve("features.py"), "def scale(x):\n    return x\n");
        return dir;
    }

    @Test
    void deploy_withoutImageInEuWest1_createsTheModelOnThePrebuiltSklearnImageOfThatRegionAndUndeployLeavesNothing()
            throws Exception {
        String region = "eu-west-1";
        ModelSpec spec = ModelSpec.builder("tabular").source(model("m")).build();
        ModelDeployer d = deployer(target(region).instanceType("ml.m5.large").build());
        List<ProgressEvent> events = new ArrayList<>();

        DeployResult result = d.deploy(spec, DeployOptions.of(o -> o.progressListener(events::add)));

        String expected = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.4-2-py312-cpu-py3";
        assertEquals(DeployResult.Change.CREATED, result.change());
        SageMakerClient sm = sageMaker(region);
        List<String> models = sm.listModels(r -> r.maxResults(100)).models().stream().map(m -> m.modelName())
                .toList();
        assertEquals(1, models.size(), models.toString());
        ContainerDefinition container = sm.describeModel(r -> r.modelName(models.get(0))).primaryContainer();
        assertEquals(expected, container.image());
        assertEquals("inference.py", container.environment().get("SAGEMAKER_PROGRAM"));
        assertEquals("/opt/ml/model/code", container.environment().get("SAGEMAKER_SUBMIT_DIRECTORY"));
        assertTrue(result.message().contains(expected) && result.message().contains("default for a CPU model"),
                result.message());
        assertTrue(events.stream().anyMatch(e -> e.phase().equals("image") && e.message().contains(expected)
                && e.message().contains("region eu-west-1")), events.toString());

        Map<String, String> described = d.describe("tabular").attributes();
        assertEquals(expected, described.get("image"), described.toString());
        assertEquals("sklearn", described.get("framework"), described.toString());
        assertEquals("1.4-2-py312", described.get("frameworkVersion"), described.toString());

        S3Client s3 = s3(region);
        List<String> keys = keys(s3);
        assertEquals(1, keys.size(), keys.toString());
        assertEquals("s3://" + BUCKET + "/" + keys.get(0), container.modelDataUrl());
        Map<String, String> tar = tarEntries(s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(keys.get(0)))
                .asByteArray());
        assertEquals(List.of("code/features.py", "code/inference.py", "code/requirements.txt", "weights.txt"),
                List.copyOf(tar.keySet()));
        assertEquals(Files.readString(spec.source().orElseThrow().resolve("inference.py")),
                tar.get("code/inference.py"));
        assertEquals("scikit-learn==1.4.2\n", tar.get("code/requirements.txt"));
        assertEquals("w1", tar.get("weights.txt"));

        assertTrue(d.undeploy("tabular"));
        assertEquals(List.of(), sm.listModels(r -> r.maxResults(100)).models());
        assertEquals(List.of(), sm.listEndpointConfigs(r -> r.maxResults(100)).endpointConfigs());
        assertEquals(List.of(), sm.listEndpoints(r -> r.maxResults(100)).endpoints());
        assertEquals(List.of(), keys(s3));
    }

    @Test
    void deploy_gpuModelWithPytorchVersionAliasInApSoutheast2_usesThePytorchGpuImageOfThatRegion() throws Exception {
        String region = "ap-southeast-2";
        ModelSpec spec = ModelSpec.builder("vision").source(model("g")).gpu(true).build();
        ModelDeployer d = deployer(target(region).instanceType("ml.g4dn.xlarge").frameworkVersion("2.5").build());

        DeployResult result = d.deploy(spec);

        SageMakerClient sm = sageMaker(region);
        String model = sm.listModels(r -> r.maxResults(100)).models().get(0).modelName();
        ContainerDefinition container = sm.describeModel(r -> r.modelName(model)).primaryContainer();
        assertEquals("763104351884.dkr.ecr.ap-southeast-2.amazonaws.com/pytorch-inference:2.5.1-gpu-py311",
                container.image());
        assertEquals("/opt/ml/model/code", container.environment().get("SAGEMAKER_SUBMIT_DIRECTORY"));
        assertTrue(result.message().contains("default for a GPU model") && result.message().contains("2.5.1 as "
                + "configured"), result.message());
        Map<String, String> described = d.describe("vision").attributes();
        assertEquals(container.image(), described.get("image"));
        assertEquals("pytorch", described.get("framework"));
        assertEquals("2.5.1", described.get("frameworkVersion"), "the full version, not the alias configured");
        assertTrue(d.undeploy("vision"));
        assertEquals(List.of(), sm.listModels(r -> r.maxResults(100)).models());
        assertEquals(List.of(), keys(s3(region)));
    }

    @Test
    void deploy_withoutImageInARegionWithoutPrebuiltImages_isRefusedBeforeAnyCallAndLeavesNothing() throws Exception {
        ModelSpec spec = ModelSpec.builder("nowhere").source(model("n")).build();
        ModelDeployer d = deployer(target("xx-nowhere-1").framework("xgboost").build());

        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> d.deploy(spec));

        assertTrue(e.getMessage().startsWith("AWS publishes no xgboost 3.2-0 serving image in region 'xx-nowhere-1'")
                && e.getMessage().contains("eu-west-1"), e.getMessage());
        assertEquals(List.of(), faults.calls(), "no AWS call before the refusal");
        assertFalse(s3("us-east-1").listBuckets().buckets().stream().anyMatch(b -> b.name().equals(BUCKET)));
    }

    private static List<String> keys(S3Client s3) {
        if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(BUCKET))) {
            return List.of();
        }
        return s3.listObjectsV2Paginator(r -> r.bucket(BUCKET)).contents().stream().map(S3Object::key).sorted()
                .toList();
    }

    /** The regular files of a {@code .tar.gz} (ustar; names up to 100 characters), path to UTF-8 content. */
    private static Map<String, String> tarEntries(byte[] tarGz) throws IOException {
        byte[] tar;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(tarGz))) {
            tar = in.readAllBytes();
        }
        Map<String, String> files = new TreeMap<>();
        int at = 0;
        while (at + 512 <= tar.length && tar[at] != 0) {
            String name = field(tar, at, 100);
            String prefix = field(tar, at + 345, 155);
            long size = Long.parseLong(field(tar, at + 124, 12).trim(), 8);
            if (tar[at + 156] == '0' || tar[at + 156] == 0) {
                files.put(prefix.isEmpty() ? name : prefix + "/" + name,
                        new String(tar, at + 512, (int) size, StandardCharsets.UTF_8));
            }
            at += 512 + (int) ((size + 511) / 512 * 512);
        }
        return files;
    }

    private static String field(byte[] b, int from, int length) {
        int end = from;
        while (end < from + length && b[end] != 0) {
            end++;
        }
        return new String(b, from, end - from, StandardCharsets.US_ASCII);
    }
}
