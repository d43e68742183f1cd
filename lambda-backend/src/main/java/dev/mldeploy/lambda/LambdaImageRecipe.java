package dev.mldeploy.lambda;

import dev.mldeploy.Architecture;
import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.bundle.AdapterFiles;
import dev.mldeploy.bundle.SourceTree;
import dev.mldeploy.image.ImagePlatform;
import dev.mldeploy.image.ImageRecipe;
import dev.mldeploy.image.ImageReference;
import dev.mldeploy.image.ImageStaging;
import dev.mldeploy.image.PythonImageLayers;
import dev.mldeploy.python.PythonPlatform;
import dev.mldeploy.python.Requirements;
import dev.mldeploy.PackageSize;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container image of a Lambda function (what {@code PackageType=Image} deploys): AWS's Python base image for
 * the runtime ({@value #BASE_REPOSITORY}{@code :3.N}, or the caller's, by tag or digest) with three layers in
 * {@value #TASK_ROOT} ({@code LAMBDA_TASK_ROOT}, on the runtime's Python path): the dependencies resolved for the
 * function's runtime and architecture exactly as the zip's dependency layer is (binary wheels for Lambda's glibc,
 * no byte code), the mldeploy adapter, and the model's files. {@code CMD} is the handler the zip names,
 * {@value #HANDLER}; the base's entrypoint (the runtime interface client) stays. Layers go from least to most
 * often changed, so a code change pushes only the last one.
 *
 * <p>{@link Builder#prepare()} resolves the dependencies and writes the adapter's files into a temporary directory
 * that {@link #close()} deletes: build the image before closing. Not thread-safe.
 */
public final class LambdaImageRecipe implements AutoCloseable {
    /** AWS's Lambda Python base images (public ECR). */
    public static final String BASE_REPOSITORY = "public.ecr.aws/lambda/python";
    /** Where the function's code goes: Lambda's {@code LAMBDA_TASK_ROOT}. */
    public static final String TASK_ROOT = "/var/task";
    /** The handler, as the zip's. */
    public static final String HANDLER = AdapterFiles.LAMBDA_HANDLER;
    private static final Pattern RUNTIME = Pattern.compile("^python(3\\.\\d{1,2})$");

    private final ImageRecipe recipe;
    private final List<PackageSize> packages;
    private final ImageStaging staging;

    private LambdaImageRecipe(ImageRecipe recipe, List<PackageSize> packages, ImageStaging staging) {
        this.recipe = recipe;
        this.packages = packages;
        this.staging = staging;
    }

    /** A recipe for {@code spec}: runtime {@code python<spec's Python version>}, its architecture by default. */
    public static Builder builder(ModelSpec spec) {
        return new Builder(spec);
    }

    /** {@value #BASE_REPOSITORY}{@code :3.N} for {@code runtime} {@code python3.N}. */
    public static ImageReference defaultBase(String runtime) {
        return ImageReference.parse(BASE_REPOSITORY + ":" + pythonVersion(runtime));
    }

    /** The image recipe; valid until {@link #close()}. */
    public ImageRecipe recipe() {
        return recipe;
    }

    /** The installed dependencies and their sizes, largest first (empty without requirements). */
    public List<PackageSize> packages() {
        return packages;
    }

    /** Deletes the staged files. */
    @Override
    public void close() {
        staging.close();
    }

    private static String pythonVersion(String runtime) {
        Matcher m = RUNTIME.matcher(Objects.requireNonNull(runtime, "runtime"));
        if (!m.matches()) {
            throw new InvalidSpecException("Lambda runtime '" + runtime + "' is not python3.N");
        }
        return m.group(1);
    }

    /** Builder for {@link LambdaImageRecipe}. */
    public static final class Builder {
        private final ModelSpec spec;
        private String runtime;
        private Architecture architecture;
        private ImageReference baseImage;
        private String python = "python3";
        private Map<String, String> pipEnvironment = Map.of();
        private Duration timeout = dev.mldeploy.DeployOptions.DEFAULT_TIMEOUT;
        private Consumer<String> pipOutput = line -> { };

        private Builder(ModelSpec spec) {
            this.spec = Objects.requireNonNull(spec, "spec");
        }

        /** {@code python3.N}; default {@code python<spec's Python version>}. */
        public Builder runtime(String runtime) {
            pythonVersion(runtime);
            this.runtime = runtime;
            return this;
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

        /** The interpreter whose pip resolves the dependencies ({@code python3} by default). */
        public Builder python(String python) {
            this.python = Objects.requireNonNull(python, "python");
            return this;
        }

        /** Added to pip's environment ({@code PIP_INDEX_URL}, {@code PIP_FIND_LINKS}, ...). */
        public Builder pipEnvironment(Map<String, String> env) {
            this.pipEnvironment = Map.copyOf(env);
            return this;
        }

        /** How long resolving the dependencies may take. */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Receives pip's output lines (redacted). */
        public Builder pipOutput(Consumer<String> pipOutput) {
            this.pipOutput = Objects.requireNonNull(pipOutput, "pipOutput");
            return this;
        }

        /**
         * Lists the model, resolves its requirements and stages the adapter.
         *
         * @throws InvalidSpecException bad runtime, unsafe names, a model file named like an adapter file
         * @throws dev.mldeploy.python.DependencyInstallException pip failed or a package has no Lambda build
         */
        public LambdaImageRecipe prepare() {
            String rt = runtime != null ? runtime : "python" + spec.pythonVersion();
            Architecture arch = architecture != null ? architecture : spec.resources().architecture();
            ImageReference base = baseImage != null ? baseImage : defaultBase(rt);
            SourceTree tree = SourceTree.of(spec);
            var model = PythonImageLayers.model(tree, TASK_ROOT); // name checks before pip runs
            ImageStaging staging = ImageStaging.create("lambda-" + spec.name());
            try {
                PythonImageLayers.Dependencies deps = PythonImageLayers.dependencies(staging,
                        Requirements.find(spec.requireSource()).orElse(new Requirements(
                                spec.requireSource().resolve(Requirements.FILE_NAME), new byte[0])),
                        PythonPlatform.lambda(pythonVersion(rt), arch), python, pipEnvironment, timeout, pipOutput,
                        TASK_ROOT);
                ImageRecipe.Builder r = ImageRecipe.builder().baseImage(base).platform(ImagePlatform.linux(arch))
                        .name(spec.name()).target(LambdaTarget.NAME);
                deps.layer().ifPresent(r::addLayer);
                r.addLayer(PythonImageLayers.adapter(staging, AdapterFiles.NAMES, TASK_ROOT));
                r.addLayer(model);
                r.cmd(List.of(HANDLER));
                Map<String, String> labels = new LinkedHashMap<>();
                labels.put("dev.mldeploy.model", spec.name());
                labels.put("dev.mldeploy.target", LambdaTarget.NAME);
                labels.put("dev.mldeploy.runtime", rt);
                r.labels(labels);
                return new LambdaImageRecipe(r.build(), deps.packages(), staging);
            } catch (RuntimeException e) {
                staging.close();
                throw e;
            }
        }
    }
}
