package dev.mldeploy.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.DeploymentStatus;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.ProgressEvent;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sagemaker.model.DescribeModelResponse;
import software.amazon.awssdk.services.sagemaker.model.ModelCompressionType;

@ExtendWith(AwsEndpointExtension.class)
class SageMakerLifecycleIT {
    @TempDir
    Path tmp;
    private MotoResources moto;
    private ModelDeployer deployer;

    @BeforeEach
    void setUp(AwsEndpoint aws) {
        aws.assumeSupports("sagemaker");
        moto = new MotoResources(aws);
    }

    @AfterEach
    void tearDown() {
        if (deployer != null) {
            deployer.close();
        }
        moto.close();
    }

    private ModelDeployer deployer(SageMakerTarget target) {
        deployer = ModelDeployer.builder().discoverProviders(false).provider(SageMakerTargetProvider.of(target)).defaultTarget("sagemaker")
                .environment(Map.of()).build();
        return deployer;
    }

    @Test
    void lifecycle_deployDescribeListInvokeUndeploy_leavesNothingBehind() throws Exception {
        ModelSpec spec = ModelSpec.builder("sentiment").source(MotoResources.model(tmp.resolve("m"), "v1")).build();
        ModelDeployer d = deployer(moto.target().autoscaling(AutoscalingSettings.of(1, 3, 200)).build());
        List<ProgressEvent> events = new ArrayList<>();

        DeployResult result = d.deploy(spec, DeployOptions.of(o -> o.progressListener(events::add)));

        assertEquals(DeployResult.Change.CREATED, result.change());
        assertEquals(DeploymentStatus.IN_SERVICE, result.deployment().status());
        assertTrue(events.stream().anyMatch(e -> e.status().equals("InService")), events.toString());
        assertEquals(List.of("sentiment"), moto.endpoints());
        assertEquals(1, moto.endpointConfigs().size());
        assertEquals(1, moto.models().size());
        assertEquals(List.of("endpoint/sentiment/variant/AllTraffic"), moto.scalableTargets());
        assertEquals(1, moto.scalingPolicies().size());
        assertEquals(1, moto.artifacts().size());
        assertTrue(moto.artifacts().get(0).matches("mldeploy/sentiment/[0-9a-f]{32}/model.tar.gz"),
                moto.artifacts().toString());

        Deployment described = d.describe("sentiment");
        assertEquals(result.deployment().specHash(), described.specHash());
        assertEquals("realtime", described.variant());
        assertEquals("123456789012.dkr.ecr.us-east-1.amazonaws.com/mldeploy-serve:it", described.attributes().get("image"));
        assertFalse(described.attributes().containsKey("framework"), "your own image is no prebuilt framework's");
        assertEquals(List.of("sentiment"), d.list().stream().map(Deployment::name).toList());

        moto.aws.queueSageMakerResults(List.of(Map.of("Body", "{\"label\": \"positive\"}",
                "ContentType", "application/json", "InvokedProductionVariant", "AllTraffic")));
        try (InferenceClient client = d.client("sentiment")) {
            InferenceResponse r = client.invoke(InferenceRequest.json("{\"text\": \"lovely\"}"));
            assertEquals("{\"label\": \"positive\"}", r.bodyAsString());
            assertEquals("AllTraffic", r.variant().orElseThrow());
            assertEquals(6L * 1024 * 1024, client.maxRequestBytes());
        }

        assertTrue(d.undeploy("sentiment"));
        assertEquals(List.of(), moto.endpoints());
        assertEquals(List.of(), moto.endpointConfigs());
        assertEquals(List.of(), moto.models());
        assertEquals(List.of(), moto.scalableTargets());
        assertEquals(List.of(), moto.scalingPolicies());
        assertEquals(List.of(), moto.artifacts());
        assertFalse(d.undeploy("sentiment"), "a second undeploy finds nothing");
    }

    @Test
    void redeploy_unchangedSpec_makesNoMutatingCall() throws Exception {
        ModelSpec spec = ModelSpec.builder("same").source(MotoResources.model(tmp.resolve("m"), "v1")).build();
        ModelDeployer d = deployer(moto.target().build());
        d.deploy(spec);
        moto.faults.clear();

        DeployResult again = d.deploy(spec);

        assertEquals(DeployResult.Change.UNCHANGED, again.change());
        assertEquals(List.of(), moto.faults.mutatingCalls(), moto.faults.calls().toString());
    }

    @Test
    void redeploy_fromANewProcess_findsTheDeploymentByItsTags() throws Exception {
        ModelSpec spec = ModelSpec.builder("shared").source(MotoResources.model(tmp.resolve("m"), "v1")).build();
        deployer(moto.target().build()).deploy(spec);
        deployer.close();

        ModelDeployer other = deployer(moto.target().build());
        assertEquals(DeployResult.Change.UNCHANGED, other.deploy(spec).change());
        assertEquals(DeploymentStatus.IN_SERVICE, other.describe("shared").status());
    }

    /**
     * moto answers UpdateEndpoint with HTTP 500, so here the update fails: what this proves against the emulator is
     * that a changed spec creates a new model and config and asks for the update, and that a failed update leaves
     * the endpoint on its previous config with the new resources removed. The successful update is covered by
     * EndpointDeployerTest with mocked clients.
     */
    @Test
    void redeploy_changedSpec_createsANewConfigAndUpdatesTheEndpoint_whichMotoRefuses() throws Exception {
        Path dir = MotoResources.model(tmp.resolve("m"), "v1");
        ModelSpec spec = ModelSpec.builder("changing").source(dir).build();
        ModelDeployer d = deployer(moto.target().build());
        d.deploy(spec);
        List<String> before = moto.endpointConfigs();
        String configBefore = moto.sageMaker.describeEndpoint(r -> r.endpointName("changing")).endpointConfigName();
        Files.writeString(dir.resolve("weights.txt"), "v2");
        moto.faults.clear();

        assertThrows(DeploymentFailedException.class, () -> d.deploy(spec));

        List<String> calls = moto.faults.calls();
        assertTrue(calls.contains("CreateModel") && calls.contains("CreateEndpointConfig")
                && calls.contains("UpdateEndpoint"), calls.toString());
        assertTrue(calls.indexOf("CreateEndpointConfig") < calls.indexOf("UpdateEndpoint"), calls.toString());
        assertEquals(configBefore, moto.sageMaker.describeEndpoint(r -> r.endpointName("changing"))
                .endpointConfigName(), "the endpoint stays on its previous config");
        assertEquals(before, moto.endpointConfigs(), "the new config was removed");
        assertEquals(1, moto.models().size(), "the new model was removed");
    }

    @Test
    void deploy_twoNamesSharingAPrefix_doNotTouchEachOther() throws Exception {
        ModelDeployer d = deployer(moto.target().build());
        d.deploy(ModelSpec.builder("alpha").source(MotoResources.model(tmp.resolve("a"), "a")).build());
        d.deploy(ModelSpec.builder("alpha-2").source(MotoResources.model(tmp.resolve("b"), "b")).build());
        assertEquals(List.of("alpha", "alpha-2"), d.list().stream().map(Deployment::name).toList());

        assertTrue(d.undeploy("alpha"));

        assertEquals(List.of("alpha-2"), moto.endpoints());
        assertEquals(1, moto.models().size());
        assertTrue(moto.models().get(0).startsWith("alpha-2-"), moto.models().toString());
        assertTrue(moto.endpointConfigs().get(0).startsWith("alpha-2-"), moto.endpointConfigs().toString());
        assertTrue(moto.artifacts().stream().allMatch(k -> k.startsWith("mldeploy/alpha-2/")),
                moto.artifacts().toString());
        assertEquals(DeploymentStatus.IN_SERVICE, d.describe("alpha-2").status());
    }

    @Test
    void deploy_uncompressed_uploadsFilesAndPointsTheModelAtThePrefix() throws Exception {
        ModelDeployer d = deployer(moto.target().uncompressedArtifacts(true).keepArtifactsOnUndeploy(true).build());
        d.deploy(ModelSpec.builder("flat").source(MotoResources.model(tmp.resolve("m"), "w")).build());

        DescribeModelResponse model = moto.sageMaker.describeModel(r -> r.modelName(moto.models().get(0)));
        assertEquals(ModelCompressionType.NONE, model.primaryContainer().modelDataSource().s3DataSource()
                .compressionType());
        List<String> keys = moto.artifacts();
        assertTrue(keys.stream().anyMatch(k -> k.endsWith("/model/code/inference.py")), keys.toString());
        assertTrue(keys.stream().anyMatch(k -> k.endsWith("/model/code/mldeploy_serve.py")), keys.toString());

        assertTrue(d.undeploy("flat"));
        assertEquals(keys, moto.artifacts(), "kept on undeploy when asked");
        assertEquals(List.of(), moto.models());
    }

    @Test
    void deploy_withoutInstanceSettings_followsPlacementsChoice() throws Exception {
        SageMakerTarget noInstance = SageMakerTarget.builder().endpointOverride(moto.aws.endpoint())
                .region(moto.aws.region()).credentialsProvider(moto.aws.credentialsProvider())
                .roleArn(MotoResources.ROLE).bucket(MotoResources.BUCKET).createBucket(true).image("img:1")
                .pollInterval(java.time.Duration.ofMillis(50)).build();
        ModelDeployer d = deployer(noInstance);
        ModelSpec spec = ModelSpec.builder("placed").source(MotoResources.model(tmp.resolve("m"), "w")).build();

        DeployResult result = d.deploy(spec);

        String chosen = result.placementDecision().orElseThrow().chosen().orElseThrow().variant();
        assertEquals(chosen, result.deployment().variant());
        var config = moto.sageMaker.describeEndpointConfig(r -> r.endpointConfigName(moto.endpointConfigs().get(0)));
        assertEquals(chosen.equals("serverless"), config.productionVariants().get(0).serverlessConfig() != null);
    }
}
