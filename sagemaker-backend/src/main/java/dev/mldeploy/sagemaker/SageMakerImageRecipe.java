package dev.mldeploy.sagemaker;

import dev.mldeploy.Architecture;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.PackageSize;
import dev.mldeploy.bundle.AdapterFiles;
import dev.mldeploy.bundle.ModelBundle;
import dev.mldeploy.bundle.SourceTree;
import dev.mldeploy.image.ImagePlatform;
import dev.mldeploy.image.ImageRecipe;
import dev.mldeploy.image.ImageReference;
import dev.mldeploy.image.ImageStaging;
import dev.mldeploy.image.PythonImageLayers;
import dev.mldeploy.python.PythonPlatform;
import dev.mldeploy.python.Requirements;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The bring-your-own serving image of a SageMaker model, built without Docker: what the {@code Dockerfile} that
 * {@code mldeploy package --target sagemaker} writes would build. The base is
 * {@value #BASE_REPOSITORY}{@code :<spec's Python version>-slim} (or the caller's, by tag or digest); on it, the
 * dependencies resolved for the image's platform (binary wheels for Debian's glibc, in {@value #PACKAGES} on
 * {@code PYTHONPATH}, as {@code pip install -r requirements.txt} would put them on the path) and the serving
 * adapter in {@value #PROGRAM}. {@code ENTRYPOINT ["python3", "/opt/program/mldeploy_serve.py"]},
 * {@code CMD ["serve"]} (SageMaker runs the container with the argument {@code serve}), port 8080, the Dockerfile's
 * environment. The model's code stays in {@code model.tar.gz}, which SageMaker extracts to {@code /opt/ml/model}.
 *
 * <p>{@link Builder#prepare()} stages files in a temporary directory that {@link #close()} deletes. Not thread-safe.
 */
public final class SageMakerImageRecipe implements AutoCloseable {
    /** The Docker official Python images on public ECR. */
    public static final String BASE_REPOSITORY = "public.ecr.aws/docker/library/python";
    /** Where the adapter goes (the Dockerfile's {@code WORKDIR}). */
    public static final String PROGRAM = "/opt/program";
    /** Where the dependencies go. */
    public static final String PACKAGES = "/opt/program/packages";
    /** The port the container listens on. */
    public static final int PORT = 8080;
    /**
     * glibc 2.36, Debian 12's (the {@code -slim} images' base since 2023); newer Debians have a newer glibc, which
     * loads these wheels too.
     */
    private static final int DEBIAN_GLIBC_MINOR = 36;
    private static final int OLDEST_GLIBC_MINOR = 17;

    private final ImageRecipe recipe;
    private final List<PackageSize> packages;
    private final ImageStaging staging;

    private SageMakerImageRecipe(ImageRecipe recipe, List<PackageSize> packages, ImageStaging staging) {
        this.recipe = recipe;
        this.packages = packages;
        this.staging = staging;
    }

    public static Builder builder(ModelSpec spec) {
        return new Builder(spec);
    }

    /** {@value #BASE_REPOSITORY}{@code :<pythonVersion>-slim}. */
    public static ImageReference defaultBase(String pythonVersion) {
        return ImageReference.parse(BASE_REPOSITORY + ":" + pythonVersion + "-slim");
    }

    /** The wheel platform of the {@code -slim} images for {@code pythonVersion} on {@code architecture}. */
    public static PythonPlatform platform(String pythonVersion, Architecture architecture) {
        String machine = architecture == Architecture.ARM64 ? "aarch64" : "x86_64";
        List<String> tags = new ArrayList<>();
        for (int g = DEBIAN_GLIBC_MINOR; g >= OLDEST_GLIBC_MINOR; g--) {
            tags.add("manylinux_2_" + g + "_" + machine);
        }
        tags.add("manylinux2014_" + machine);
        return new PythonPlatform(pythonVersion, machine, tags);
    }

    /** The image recipe; valid until {@link #close()}. */
    public ImageRecipe recipe() {
        return recipe;
    }

    /** The installed dependencies and their sizes, largest first. */
    public List<PackageSize> packages() {
        return packages;
    }

    @Override
    public void close() {
        staging.close();
    }

    /** Builder for {@link SageMakerImageRecipe}. */
    public static final class Builder {
        private final ModelSpec spec;
        private Architecture architecture;
        private ImageReference baseImage;
        private String python = "python3";
        private Map<String, String> pipEnvironment = Map.of();
        private Duration timeout = dev.mldeploy.DeployOptions.DEFAULT_TIMEOUT;
        private Consumer<String> pipOutput = line -> { };

        private Builder(ModelSpec spec) {
            this.spec = Objects.requireNonNull(spec, "spec");
        }

        /** Default: the spec's resources' architecture. */
        public Builder architecture(Architecture architecture) {
            this.architecture = Objects.requireNonNull(architecture, "architecture");
            return this;
        }

        /** Replaces {@link #defaultBase(String)}; by tag or digest. */
        public Builder baseImage(ImageReference baseImage) {
            this.baseImage = Objects.requireNonNull(baseImage, "baseImage");
            return this;
        }

        public Builder python(String python) {
            this.python = Objects.requireNonNull(python, "python");
            return this;
        }

        public Builder pipEnvironment(Map<String, String> env) {
            this.pipEnvironment = Map.copyOf(env);
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public Builder pipOutput(Consumer<String> pipOutput) {
            this.pipOutput = Objects.requireNonNull(pipOutput, "pipOutput");
            return this;
        }

        /**
         * Resolves the model's requirements and stages the adapter.
         *
         * @throws dev.mldeploy.InvalidSpecException unsafe names, a model file named like an adapter file
         * @throws dev.mldeploy.python.DependencyInstallException pip failed or a package has no Linux build
         */
        public SageMakerImageRecipe prepare() {
            Architecture arch = architecture != null ? architecture : spec.resources().architecture();
            ImageReference base = baseImage != null ? baseImage : defaultBase(spec.pythonVersion());
            // the same checks as model.tar.gz: unsafe names, adapter collisions, before pip runs
            ModelBundle.of(SourceTree.of(spec), ModelBundle.Layout.SAGEMAKER_ARCHIVE);
            ImageStaging staging = ImageStaging.create("sagemaker-" + spec.name());
            try {
                Requirements req = Requirements.find(spec.requireSource()).orElse(new Requirements(
                        spec.requireSource().resolve(Requirements.FILE_NAME), new byte[0]));
                PythonImageLayers.Dependencies deps = PythonImageLayers.dependencies(staging, req,
                        platform(spec.pythonVersion(), arch), python, pipEnvironment, timeout, pipOutput, PACKAGES);
                ImageRecipe.Builder r = ImageRecipe.builder().baseImage(base).platform(ImagePlatform.linux(arch))
                        .name(spec.name()).target(SageMakerTarget.NAME);
                deps.layer().ifPresent(r::addLayer);
                r.addLayer(PythonImageLayers.adapter(staging, AdapterFiles.SERVING_IMAGE_NAMES, PROGRAM));
                r.environment("PYTHONUNBUFFERED", "1")
                        .environment("PYTHONDONTWRITEBYTECODE", "1")
                        .environment("SAGEMAKER_BIND_TO_PORT", String.valueOf(PORT));
                if (deps.layer().isPresent()) {
                    r.environment("PYTHONPATH", PACKAGES);
                }
                r.workingDirectory(PROGRAM).exposedPort(PORT)
                        .entrypoint(List.of("python3", PROGRAM + "/" + AdapterFiles.SERVE_MODULE))
                        .cmd(List.of("serve"))
                        .label("dev.mldeploy.model", spec.name())
                        .label("dev.mldeploy.target", SageMakerTarget.NAME);
                return new SageMakerImageRecipe(r.build(), deps.packages(), staging);
            } catch (RuntimeException e) {
                staging.close();
                throw e;
            }
        }
    }
}
