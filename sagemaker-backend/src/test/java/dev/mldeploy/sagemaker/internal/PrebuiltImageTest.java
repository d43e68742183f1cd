package dev.mldeploy.sagemaker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The defaults of the prebuilt image: framework by CPU/GPU, newest version, processor of the instance types. */
class PrebuiltImageTest {
    @TempDir
    Path tmp;
    private final FrameworkImages table = FrameworkImages.standard();

    private ModelSpec spec(boolean gpu) throws Exception {
        return ModelSpec.builder("m").source(Fixtures.model(tmp.resolve("m"), "w")).gpu(gpu).build();
    }

    private static List<SageMakerSettings.Variant> on(String... types) {
        return java.util.Arrays.stream(types).map(t -> new SageMakerSettings.Variant("v-" + t.replace('.', '-'), 1.0, t, 1))
                .toList();
    }

    @Test
    void choose_cpuModelWithNothingConfigured_takesTheNewestSklearnCpuImage() throws Exception {
        PrebuiltImage p = PrebuiltImage.choose(table, null, null, spec(false), on("ml.m5.large"), false, "us-east-1");
        assertEquals("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.4-2-py312-cpu-py3",
                p.image().uri());
        assertTrue(p.reason().contains("framework sklearn (the default for a CPU model")
                && p.reason().contains("(the newest known)") && p.reason().contains("cpu for ml.m5.large")
                && p.reason().contains("region us-east-1"), p.reason());
    }

    @Test
    void choose_gpuModel_takesTheNewestPytorchGpuImage() throws Exception {
        PrebuiltImage p = PrebuiltImage.choose(table, null, null, spec(true), on("ml.g5.xlarge"), false, "eu-west-1");
        assertEquals("763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:2.6.0-gpu-py312",
                p.image().uri());
        assertTrue(p.reason().contains("the default for a GPU model"), p.reason());
    }

    @Test
    void choose_cpuModelOnAGpuInstanceType_countsAsGpu() throws Exception {
        PrebuiltImage p = PrebuiltImage.choose(table, null, null, spec(false), on("ml.g4dn.xlarge"), false,
                "us-east-1");
        assertEquals("pytorch", p.image().framework());
        assertEquals("gpu", p.image().processor());
    }

    @Test
    void choose_configuredFrameworkAndVersion_win() throws Exception {
        PrebuiltImage p = PrebuiltImage.choose(table, "xgboost", "1.7-1", spec(false), on("ml.c5.xlarge"), false,
                "ap-southeast-2");
        assertEquals("783357654285.dkr.ecr.ap-southeast-2.amazonaws.com/sagemaker-xgboost:1.7-1", p.image().uri());
        assertTrue(p.reason().contains("xgboost as configured") && p.reason().contains("1.7-1 as configured"),
                p.reason());
    }

    @Test
    void choose_serverless_isCpu() throws Exception {
        PrebuiltImage p = PrebuiltImage.choose(table, "pytorch", null, spec(false), List.of(), true, "us-east-1");
        assertEquals("cpu", p.image().processor());
        assertTrue(p.reason().contains("for serverless inference"), p.reason());
    }

    @Test
    void choose_sklearnConfiguredOnAGpuInstance_refusesNamingTheWaysOut() throws Exception {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () ->
                PrebuiltImage.choose(table, "sklearn", null, spec(false), on("ml.g5.xlarge"), false, "us-east-1"));
        assertTrue(e.getMessage().contains("no gpu serving image for sklearn"), e.getMessage());
    }

    @Test
    void choose_versionWithoutFramework_isCheckedAgainstTheDefaultFramework() throws Exception {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () ->
                PrebuiltImage.choose(table, null, "2.6", spec(false), on("ml.m5.large"), false, "us-east-1"));
        assertTrue(e.getMessage().startsWith("sklearn version '2.6' is not one mldeploy knows"), e.getMessage());
    }

    @Test
    void choose_gravitonInstanceType_refusesSayingArm64() throws Exception {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () ->
                PrebuiltImage.choose(table, null, null, spec(false), on("ml.c7g.xlarge"), false, "us-east-1"));
        assertTrue(e.getMessage().contains("Graviton (arm64)"), e.getMessage());
    }

    @Test
    void choose_variantsMixingGpuAndCpu_refuses() throws Exception {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () ->
                PrebuiltImage.choose(table, "pytorch", null, spec(false), on("ml.m5.large", "ml.g5.xlarge"), false,
                        "us-east-1"));
        assertTrue(e.getMessage().contains("mix GPU and CPU"), e.getMessage());
    }
}
