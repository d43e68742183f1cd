package dev.mldeploy.sagemaker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidConfigurationException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;

/**
 * The table of AWS's prebuilt framework images: the URIs it gives are checked against AWS's published accounts
 * (the SageMaker Python SDK's {@code image_uri_config/*.json}, the same facts the file was copied from).
 */
class FrameworkImagesTest {
    private final FrameworkImages table = FrameworkImages.standard();

    @Test
    void resolve_sklearnInUsEast1_givesTheScikitLearnRepositoryOfAwsAccount683313688378() {
        FrameworkImages.Resolved r = table.resolve("sklearn", "1.2-1", "us-east-1", "cpu", Optional.empty());
        assertEquals("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3", r.uri());
        assertEquals("py3", r.python());
    }

    @Test
    void resolve_pytorchGpuAndCpu_differInTheProcessorPartOfTheTag() {
        assertEquals("763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-inference:2.6.0-gpu-py312",
                table.resolve("pytorch", "2.6.0", "us-west-2", "gpu", Optional.empty()).uri());
        assertEquals("763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-inference:2.6.0-cpu-py312",
                table.resolve("pytorch", "2.6.0", "us-west-2", "cpu", Optional.empty()).uri());
    }

    @Test
    void resolve_pytorchAlias_resolvesToItsFullVersion() {
        FrameworkImages.Resolved r = table.resolve("pytorch", "2.4", "eu-central-1", "cpu", Optional.empty());
        assertEquals("2.4.0", r.version());
        assertTrue(r.uri().endsWith("/pytorch-inference:2.4.0-cpu-py311"), r.uri());
    }

    @Test
    void resolve_xgboost_tagsOnlyTheVersionForCpuAndGpu() {
        FrameworkImages.Resolved cpu = table.resolve("xgboost", "1.7-1", "us-east-1", "cpu", Optional.empty());
        FrameworkImages.Resolved gpu = table.resolve("xgboost", "1.7-1", "us-east-1", "gpu", Optional.empty());
        assertEquals("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", cpu.uri());
        assertEquals(cpu.uri(), gpu.uri());
        assertNull(cpu.python());
    }

    @Test
    void identify_givesBackWhatResolveGave_forEachFrameworkAndARegionOfAnotherPartition() {
        for (FrameworkImages.Resolved r : List.of(
                table.resolve("sklearn", "1.2-1", "us-east-1", "cpu", Optional.empty()),
                table.resolve("pytorch", "2.6.0", "us-west-2", "gpu", Optional.empty()),
                table.resolve("pytorch", "2.4", "eu-central-1", "cpu", Optional.empty()),
                table.resolve("xgboost", "1.7-1", "us-east-1", "cpu", Optional.empty()),
                table.resolve("sklearn", "1.2-1", "cn-north-1", "cpu", Optional.empty()))) {
            FrameworkImages.Resolved back = table.identify(r.uri()).orElseThrow(() -> new AssertionError(r.uri()));
            assertEquals(r.framework(), back.framework(), r.uri());
            assertEquals(r.version(), back.version(), r.uri());
            assertEquals(r.region(), back.region(), r.uri());
        }
    }

    @Test
    void identify_whenNotOneOfAwssPrebuiltImages_isEmpty() {
        String sklearn = table.resolve("sklearn", "1.2-1", "us-east-1", "cpu", Optional.empty()).uri();
        assertEquals(Optional.empty(), table.identify("123456789012.dkr.ecr.us-east-1.amazonaws.com/mldeploy-serve:it"),
                "your own image");
        assertEquals(Optional.empty(), table.identify(sklearn.replace("683313688378", "123456789012")),
                "the same repository and tag in another account");
        assertEquals(Optional.empty(), table.identify(sklearn.replace("1.2-1-cpu-py3", "9.9-9-cpu-py3")),
                "a tag the table does not have");
        assertEquals(Optional.empty(), table.identify("docker.io/library/python:3.12"), "not ECR");
    }

    @Test
    void resolve_chinaRegion_usesTheAmazonawsComCnSuffixAndItsOwnAccount() {
        assertEquals("450853457545.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-scikit-learn:1.2-1-cpu-py3",
                table.resolve("sklearn", "1.2-1", "cn-north-1", "cpu", Optional.empty()).uri());
    }

    @Test
    void resolve_govCloudRegion_usesItsOwnAccount() {
        assertEquals("414596584902.dkr.ecr.us-gov-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3",
                table.resolve("sklearn", "1.2-1", "us-gov-west-1", "cpu", Optional.empty()).uri());
    }

    @Test
    void resolve_isoRegion_usesItsPartitionsDnsSuffix() {
        assertEquals("833128469047.dkr.ecr.us-iso-east-1.c2s.ic.gov/sagemaker-scikit-learn:1.2-1-cpu-py3",
                table.resolve("sklearn", "1.2-1", "us-iso-east-1", "cpu", Optional.empty()).uri());
        assertTrue(table.resolve("sklearn", "1.2-1", "us-isob-east-1", "cpu", Optional.empty()).uri()
                .contains(".dkr.ecr.us-isob-east-1.sc2s.sgov.gov/"));
    }

    @Test
    void resolve_unknownFramework_refusesListingTheKnownFrameworks() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> table.resolve("tensorflow", "2.0", "us-east-1", "cpu", Optional.empty()));
        assertEquals("framework 'tensorflow' is not one mldeploy knows a prebuilt SageMaker serving image of; known "
                + "frameworks: sklearn, pytorch, xgboost (--framework, MLDEPLOY_SAGEMAKER_FRAMEWORK); or give your "
                + "own image (--image)", e.getMessage());
    }

    @Test
    void resolve_unknownVersion_refusesListingTheKnownVersionsWithTheirAliases() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> table.resolve("pytorch", "1.13.1", "us-east-1", "cpu", Optional.empty()));
        assertTrue(e.getMessage().startsWith("pytorch version '1.13.1' is not one mldeploy knows"), e.getMessage());
        assertTrue(e.getMessage().contains("2.5.1 (2.5), 2.6.0 (2.6)"), e.getMessage());
        assertTrue(e.getMessage().contains("--framework-version"), e.getMessage());
    }

    @Test
    void resolve_unknownRegion_refusesListingTheRegionsWithAnImage() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> table.resolve("sklearn", "1.2-1", "mars-north-1", "cpu", Optional.empty()));
        assertTrue(e.getMessage().startsWith("AWS publishes no sklearn 1.2-1 serving image in region "
                + "'mars-north-1'"), e.getMessage());
        assertTrue(e.getMessage().contains("af-south-1, ap-east-1") && e.getMessage().contains("us-west-2"),
                e.getMessage());
    }

    @Test
    void resolve_regionTheNewerPytorchImagesLeftOut_isRefusedForThemButNotForOlderOnes() {
        // the SDK lists us-iso-east-1 for pytorch 2.1.0 and 2.2.0 only
        assertTrue(table.regions("pytorch", "2.2.0").contains("us-iso-east-1"));
        assertFalse(table.regions("pytorch", "2.6.0").contains("us-iso-east-1"));
        assertThrows(InvalidConfigurationException.class,
                () -> table.resolve("pytorch", "2.6.0", "us-iso-east-1", "cpu", Optional.empty()));
    }

    @Test
    void resolve_sklearnOnGpu_refusesNamingTheFrameworksThatHaveOne() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> table.resolve("sklearn", "1.2-1", "us-east-1", "gpu", Optional.empty()));
        assertTrue(e.getMessage().contains("no gpu serving image for sklearn 1.2-1; processors with one: cpu")
                && e.getMessage().contains("--framework pytorch or xgboost"), e.getMessage());
    }

    @Test
    void resolve_unknownPythonVersion_refusesListingTheKnownOnes() {
        assertEquals("py311", table.resolve("pytorch", "2.5.1", "us-east-1", "cpu", Optional.of("py311")).python());
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> table.resolve("pytorch", "2.5.1", "us-east-1", "cpu", Optional.of("py39")));
        assertTrue(e.getMessage().contains("Python 'py39'; Python versions with one: py311"), e.getMessage());
    }

    @Test
    void newest_isTheLastVersionOfEachFramework() {
        assertEquals("1.4-2-py312", table.newest("sklearn"));
        assertEquals("2.6.0", table.newest("pytorch"));
        assertEquals("3.2-0", table.newest("xgboost"));
        assertEquals(List.of("sklearn", "pytorch", "xgboost"), table.frameworks());
    }

    @Test
    void table_namesItsSourceAndDateAndWhatItLeftOut() throws Exception {
        assertTrue(table.source().startsWith("aws/sagemaker-python-sdk"), table.source());
        assertEquals("2026-12-01", table.retrieved());
        try (InputStream in = FrameworkImages.class.getResourceAsStream(FrameworkImages.RESOURCE)) {
            JsonNode root = JsonNodeParser.create().parse(in);
            assertFalse(root.field("leftOut").orElseThrow().asArray().isEmpty());
            // every version names a registry set the file has, and every image a processor and a tag
            Map<String, JsonNode> registries = root.field("registries").orElseThrow().asObject();
            root.field("frameworks").orElseThrow().asObject().values().forEach(f -> f.field("versions")
                    .orElseThrow().asArray().forEach(v -> {
                        assertTrue(registries.containsKey(v.field("registries").orElseThrow().asString()),
                                v.toString());
                        v.field("images").orElseThrow().asArray().forEach(i -> assertFalse(i.field("tag")
                                .orElseThrow().asString().isEmpty(), i.toString()));
                    }));
        }
    }
}
