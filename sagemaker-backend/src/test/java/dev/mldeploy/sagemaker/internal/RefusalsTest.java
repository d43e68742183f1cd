package dev.mldeploy.sagemaker.internal;

import static dev.mldeploy.sagemaker.internal.Fixtures.ROLE;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.ProgressEvent;
import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.CostEstimate;
import dev.mldeploy.sagemaker.ServerlessSettings;
import dev.mldeploy.sagemaker.SageMakerTarget;
import dev.mldeploy.sagemaker.VariantSettings;
import dev.mldeploy.spi.DeployContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;

/**
 * What AWS would refuse is refused before any call: each case proves that no client was touched (the target's
 * clients at build time, the deployer's at deploy time).
 */
class RefusalsTest {
    @TempDir
    Path tmp;
    private final SageMakerClient sm = Fixtures.sdkMock(SageMakerClient.class);
    private final S3Client s3 = Fixtures.sdkMock(S3Client.class);
    private final ApplicationAutoScalingClient aas = Fixtures.sdkMock(ApplicationAutoScalingClient.class);
    private final ArtifactStore store = mock(ArtifactStore.class);
    private final Autoscaler autoscaler = mock(Autoscaler.class);
    private final List<ProgressEvent> events = new ArrayList<>();

    private SageMakerTarget.Builder target() {
        return SageMakerTarget.builder().roleArn(ROLE).bucket("models").image("img:1").sageMakerClient(sm)
                .s3Client(s3).autoScalingClient(aas).pollInterval(Duration.ofMillis(1));
    }

    private InvalidConfigurationException refusedAtBuild(Consumer<SageMakerTarget.Builder> edit) {
        SageMakerTarget.Builder b = target();
        edit.accept(b);
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, b::build);
        verifyNoInteractions(sm, s3, aas);
        return e;
    }

    private InvalidConfigurationException refusedAtDeploy(SageMakerTarget config, ModelSpec spec,
                                                          CandidateEvaluation candidate) {
        SageMakerApi api = new SageMakerApi(sm);
        EndpointDeployer deployer = new EndpointDeployer(Fixtures.settings(config), api, store, autoscaler, new EndpointReader(api));
        DeployContext ctx = candidate == null ? Fixtures.context(events, Duration.ofMinutes(1))
                : DeployContext.of("m", "sagemaker", events::add, Duration.ofMinutes(1), null, candidate);
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> deployer.deploy(spec, ctx));
        verifyNoInteractions(sm, s3, aas, store, autoscaler);
        return e;
    }

    private ModelSpec spec(Map<String, String> tags) throws Exception {
        return ModelSpec.builder("m").source(Fixtures.model(tmp.resolve("m"), "v1")).tags(tags).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"team(ml)", "a;b", "100%", "x\u0000y", "quote\"d"})
    void build_withATargetTagValueSageMakerRefuses_isRefusedBeforeAnyCall(String value) {
        InvalidConfigurationException e = refusedAtBuild(b -> b.putTag("team", value));
        assertTrue(e.getMessage().contains("tag 'team'") && e.getMessage().contains("_ . : / = + - @"),
                e.getMessage());
    }

    @Test
    void build_withATargetTagValueOver256Characters_isRefusedBeforeAnyCall() {
        InvalidConfigurationException e = refusedAtBuild(b -> b.putTag("k", "v".repeat(257)));
        assertTrue(e.getMessage().contains("at most 256"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cost#centre", "aws:owner", "mldeploy:name", ""})
    void build_withATargetTagKeySageMakerRefusesOrMldeployReserves_isRefusedBeforeAnyCall(String key) {
        InvalidConfigurationException e = refusedAtBuild(b -> b.putTag(key, "v"));
        assertTrue(e.getMessage().contains("tag key '" + key + "'"), e.getMessage());
    }

    @Test
    void build_withMoreTargetTagsThanFitBesideMldeploysOwn_isRefusedBeforeAnyCall() {
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 0; i < 46; i++) {
            tags.put("k" + i, "v");
        }
        InvalidConfigurationException e = refusedAtBuild(b -> b.tags(tags));
        assertTrue(e.getMessage().contains("at most 45"), e.getMessage());
    }

    @Test
    void build_withTheMostTargetTagsThatFit_passes() {
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 0; i < 45; i++) {
            tags.put("k" + i, "a value with spaces, no: commas allowed".replace(",", ""));
        }
        assertDoesNotThrow(() -> target().tags(tags).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"my..bucket", "192.168.1.10", "xn--models", "sthree-models", "models-s3alias",
            "models--ol-s3", "models.mrap", "models--x-s3", "Models", "ab", "-models", "models-", "models_1"})
    void build_withABucketNameS3Refuses_isRefusedBeforeAnyCall(String bucket) {
        InvalidConfigurationException e = refusedAtBuild(b -> b.bucket(bucket));
        assertTrue(e.getMessage().contains("bucket name '" + bucket + "'"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"my.models-1", "abc", "a-b.c-d"})
    void build_withAValidBucketName_passes(String bucket) {
        assertDoesNotThrow(() -> target().bucket(bucket).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"models(v2)", "it's", "a*b", "a//b"})
    void build_withAnArtifactPrefixThatCannotGoIntoATag_isRefusedBeforeAnyCall(String prefix) {
        InvalidConfigurationException e = refusedAtBuild(b -> b.prefix(prefix));
        assertTrue(e.getMessage().contains("artifact prefix"), e.getMessage());
    }

    @Test
    void build_withAnArtifactPrefixOver100Characters_isRefusedBeforeAnyCall() {
        refusedAtBuild(b -> b.prefix("p".repeat(101)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ml.m5d.large", "ml.c5d.xlarge", "ml.g4dn.xlarge", "ml.g5.2xlarge", "ml.p4d.24xlarge",
            "ml.r5d.large", "ml.p3dn.24xlarge"})
    void build_withAKmsKeyAndAnInstanceTypeWithLocalStorage_isRefusedBeforeAnyCall(String type) {
        InvalidConfigurationException e = refusedAtBuild(b -> b.kmsKeyId("alias/models").instanceType(type));
        assertTrue(e.getMessage().contains(type) && e.getMessage().contains("KMS key"), e.getMessage());
    }

    @Test
    void build_withAKmsKeyAndAVariantWithLocalStorage_isRefusedBeforeAnyCall() {
        refusedAtBuild(b -> b.kmsKeyId("alias/models").addVariant(new VariantSettings("a", 1.0, "ml.g5.xlarge", 1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ml.m5.large", "ml.c5.xlarge", "ml.g4ad.xlarge.bad", "ml.p3.2xlarge"})
    void build_withAKmsKeyAndAnInstanceTypeWithoutLocalStorage_passes(String type) {
        // ml.g4ad.xlarge.bad is not a SageMaker type name at all; it must not be mistaken for the g4ad family
        assertDoesNotThrow(() -> target().kmsKeyId("alias/models").instanceType(type).build());
    }

    @Test
    void build_serverlessWithUncompressedArtifacts_isRefusedBeforeAnyCall() {
        InvalidConfigurationException e = refusedAtBuild(b -> b.serverless(ServerlessSettings.of(2048))
                .uncompressedArtifacts(true));
        assertTrue(e.getMessage().contains("ModelDataSource"), e.getMessage());
    }

    @Test
    void deploy_withASpecTagValueSageMakerRefuses_isRefusedBeforeAnyCall() throws Exception {
        InvalidConfigurationException e = refusedAtDeploy(target().build(), spec(Map.of("owner", "ml (core)")),
                null);
        assertTrue(e.getMessage().contains("tag 'owner' of model 'm'"), e.getMessage());
    }

    @Test
    void deploy_whenTargetSpecAndMldeployTagsExceed50_isRefusedBeforeAnyCall() throws Exception {
        Map<String, String> specTags = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            specTags.put("s" + i, "v");
        }
        Map<String, String> targetTags = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            targetTags.put("t" + i, "v");
        }
        InvalidConfigurationException e = refusedAtDeploy(target().tags(targetTags).build(), spec(specTags), null);
        assertTrue(e.getMessage().contains("51 tags") && e.getMessage().contains("drop 1"), e.getMessage());
    }

    @Test
    void deploy_withAKmsKeyAndPlacementsChoiceOfALocalStorageInstanceType_isRefusedBeforeAnyCall() throws Exception {
        CandidateEvaluation gpu = new CandidateEvaluation("sagemaker", "realtime", true, List.of(), CostEstimate.of(),
                List.of(), Map.of(CandidateEvaluation.INSTANCE_TYPE, "ml.g5.xlarge"));
        InvalidConfigurationException e = refusedAtDeploy(target().kmsKeyId("alias/models").build(),
                spec(Map.of()), gpu);
        assertTrue(e.getMessage().contains("ml.g5.xlarge"), e.getMessage());
    }

    @Test
    void resolve_whenPlacementChoosesServerlessButArtifactsAreUncompressed_deploysRealTime() throws Exception {
        CandidateEvaluation serverless = new CandidateEvaluation("sagemaker", DeploymentPlan.SERVERLESS, true,
                List.of(), CostEstimate.of(), List.of(), Map.of());
        DeploymentPlan plan = DeploymentPlan.resolve(Fixtures.settings(target().uncompressedArtifacts(true).build()), spec(Map.of()),
                java.util.Optional.of(serverless));
        assertFalse(plan.isServerless(), "ModelDataSource must never be combined with a serverless endpoint");
        assertTrue(plan.uncompressed());
        DeploymentPlan compressed = DeploymentPlan.resolve(Fixtures.settings(target().build()), spec(Map.of()),
                java.util.Optional.of(serverless));
        assertTrue(compressed.isServerless());
        assertFalse(compressed.uncompressed());
    }

    @ParameterizedTest
    @ValueSource(strings = {"my_model", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"})
    void deploy_withANameSageMakerCannotTake_isRefusedAsAnInvalidSpecBeforeAnyCall(String name) throws Exception {
        ModelSpec spec = ModelSpec.builder(name).source(Fixtures.model(tmp.resolve("n"), "v1")).build();
        SageMakerApi api = new SageMakerApi(sm);
        EndpointDeployer deployer = new EndpointDeployer(Fixtures.settings(target().build()), api, store, autoscaler,
                new EndpointReader(api));
        dev.mldeploy.InvalidSpecException e = assertThrows(dev.mldeploy.InvalidSpecException.class,
                () -> deployer.deploy(spec, Fixtures.context(events, Duration.ofMinutes(1))));
        assertTrue(e.getMessage().startsWith("the sagemaker target cannot deploy model '" + name + "': name '"),
                e.getMessage());
        assertTrue(e.getMessage().contains(name.length() > 50 ? "over the 50 SageMaker allows"
                : "breaks SageMaker's naming rule"), e.getMessage());
        verifyNoInteractions(sm, s3, aas, store, autoscaler);
    }

    @Test
    void deploy_withTheLongestNameSageMakerTakes_resolvesAPlan() throws Exception {
        ModelSpec spec = ModelSpec.builder("c".repeat(50)).source(Fixtures.model(tmp.resolve("c"), "v1")).build();
        assertEquals("models", DeploymentPlan.resolve(Fixtures.settings(target().build()), spec, java.util.Optional.empty()).bucket());
    }

    @Test
    void tags_ofADeploymentWithTheLongestNamesAllowed_fitSageMakersRules() {
        String bucket = "b".repeat(63);
        String prefix = "p/".repeat(49) + "pp";
        String name = "n".repeat(63);
        Map<String, String> all = Naming.tagMap(name, "f".repeat(64), "realtime",
                Naming.artifactsUri(bucket, prefix, name), Map.of());
        all.forEach((k, v) -> {
            assertTrue(TagRules.allowedChars(k) && k.length() <= TagRules.MAX_KEY, k);
            assertTrue(TagRules.allowedChars(v) && v.length() <= TagRules.MAX_VALUE, k + "=" + v);
        });
        assertEquals(Naming.MLDEPLOY_TAGS, all.size());
    }
}
