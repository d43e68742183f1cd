package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The prebuilt framework image a deploy without an image of its own runs on, and why: the framework configured, else
 * {@value #CPU_DEFAULT} for a CPU model and {@value #GPU_DEFAULT} for a GPU one (the spec asks for a GPU or an
 * instance type has one); the version configured, else the newest the table knows; the processor of the instance
 * types (serverless: cpu); the endpoint's region. Immutable. Not API.
 *
 * @param image  the resolved image
 * @param reason one line saying what was chosen and why, for progress events and the deploy result
 */
public record PrebuiltImage(FrameworkImages.Resolved image, String reason) {
    public static final String CPU_DEFAULT = "sklearn";
    public static final String GPU_DEFAULT = "pytorch";
    /** The container environment that makes the framework's inference toolkit load {@code code/inference.py}. */
    public static final Map<String, String> ENVIRONMENT = Map.of(
            "SAGEMAKER_PROGRAM", "inference.py",
            "SAGEMAKER_SUBMIT_DIRECTORY", "/opt/ml/model/code");
    /** Graviton instance families ({@code c6g}, {@code m7gd}, {@code r8g}): arm64, which the table has no image for. */
    private static final Pattern GRAVITON = Pattern.compile("^ml\\.[a-z]+[0-9]+g[a-z]*\\..+$");

    /** Whether {@code instanceType} is a Graviton (arm64) type. */
    static boolean isGraviton(String instanceType) {
        return instanceType != null && GRAVITON.matcher(instanceType).matches();
    }

    /**
     * Chooses the image.
     *
     * @param framework  the configured framework, or null for the default
     * @param version    the configured version, or null for the newest known
     * @param variants   the production variants with their instance types resolved (ignored when serverless)
     * @param serverless whether the endpoint is serverless (CPU only)
     * @param region     the endpoint's region
     * @throws InvalidConfigurationException when the table has no such image, naming what it has
     */
    public static PrebuiltImage choose(FrameworkImages table, String framework, String version, ModelSpec spec,
                                       List<SageMakerSettings.Variant> variants, boolean serverless, String region) {
        List<String> types = serverless ? List.of() : variants.stream().map(SageMakerSettings.Variant::instanceType).distinct()
                .toList();
        List<String> graviton = types.stream().filter(t -> GRAVITON.matcher(t).matches()).toList();
        if (!graviton.isEmpty()) {
            throw new InvalidConfigurationException("instance type " + graviton.get(0) + " is Graviton (arm64), and "
                    + "mldeploy knows no arm64 prebuilt serving image; choose an x86_64 instance type (for example "
                    + "ml.m5.large) or give your own arm64 image (--image)");
        }
        boolean gpuTypes = types.stream().anyMatch(Limits::isGpuInstance);
        if (gpuTypes && types.stream().anyMatch(t -> !Limits.isGpuInstance(t))) {
            throw new InvalidConfigurationException("the production variants mix GPU and CPU instance types ("
                    + String.join(", ", types) + ") but share one model, and a prebuilt image is built for one "
                    + "processor; give them all GPU or all CPU types, or give your own image (--image)");
        }
        String processor = gpuTypes ? FrameworkImages.GPU : FrameworkImages.CPU;
        boolean gpuModel = spec.resources().gpu() || gpuTypes;
        String chosenFramework = framework != null ? framework : gpuModel ? GPU_DEFAULT : CPU_DEFAULT;
        String chosenVersion = version != null ? version : table.newest(chosenFramework);
        FrameworkImages.Resolved image = table.resolve(chosenFramework, chosenVersion, region, processor,
                Optional.empty());
        String why = "prebuilt " + image.framework() + " " + image.version() + " " + image.processor()
                + " serving image " + image.uri() + ": framework " + image.framework()
                + (framework != null ? " as configured" : gpuModel ? " (the default for a GPU model)"
                : " (the default for a CPU model; --framework to change)")
                + ", version " + image.version() + (version != null ? " as configured" : " (the newest known)")
                + ", " + image.processor() + (serverless ? " for serverless inference" : " for "
                + String.join(", ", types)) + (image.python() == null ? "" : ", Python " + image.python())
                + ", region " + image.region() + " (AWS's registries as of " + table.retrieved() + ")";
        return new PrebuiltImage(image, why);
    }
}
