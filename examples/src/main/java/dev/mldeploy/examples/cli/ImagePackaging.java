package dev.mldeploy.examples.cli;

import dev.mldeploy.Architecture;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.ProgressListener;
import dev.mldeploy.image.BuiltImage;
import dev.mldeploy.image.ImageBuilder;
import dev.mldeploy.image.ImageDestination;
import dev.mldeploy.image.ImageRecipe;
import dev.mldeploy.image.ImageReference;
import dev.mldeploy.image.RegistryCredentials;
import dev.mldeploy.lambda.LambdaImageRecipe;
import dev.mldeploy.lambda.LambdaTargetProvider;
import dev.mldeploy.local.LocalTarget;
import dev.mldeploy.sagemaker.SageMakerImageRecipe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code package}'s image half: prepares the target's image recipe ({@link LambdaImageRecipe},
 * {@link SageMakerImageRecipe}) from the CLI's environment ({@code MLDEPLOY_PYTHON} and {@code PIP_*} for pip,
 * {@code MLDEPLOY_LAMBDA_RUNTIME} for Lambda's runtime), and builds it into an OCI layout and/or pushes it, with
 * registry credentials from {@code MLDEPLOY_REGISTRY_USERNAME}/{@code _PASSWORD} then the Docker config. Base and
 * built layers are cached under {@code $MLDEPLOY_HOME/image-cache} (or {@link ImageBuilder#DEFAULT_CACHE}).
 */
final class ImagePackaging {
    private final Map<String, String> environment;
    private final Duration timeout;
    private final ProgressListener progress;

    /**
     * What was built where.
     *
     * @param destination {@code the OCI layout DIR} or the reference pushed to
     * @param pushed      whether it went to a registry
     */
    record Output(String destination, boolean pushed, BuiltImage image) {
    }

    ImagePackaging(Map<String, String> environment, Duration timeout, ProgressListener progress) {
        this.environment = Map.copyOf(environment);
        this.timeout = timeout;
        // Jib reports from its own threads; the printer expects one at a time
        this.progress = e -> {
            synchronized (this) {
                progress.onProgress(e);
            }
        };
    }

    /**
     * Builds {@code spec}'s image for {@code target} into {@code layout} and/or pushes it to {@code push}.
     *
     * @throws dev.mldeploy.InvalidSpecException before anything is built when a reference or the target is wrong
     */
    List<Output> build(ModelSpec spec, String target, Optional<Architecture> architecture,
                       Optional<ImageReference> base, Optional<Path> layout, Optional<ImageReference> push,
                       boolean allowInsecure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ImageBuilder builder = ImageBuilder.builder().cacheDirectory(cacheDirectory()).allowInsecure(allowInsecure)
                .baseImageCredentials(credentials()).build();
        // the plain-HTTP rule and the layout directory before pip runs
        ImageReference effectiveBase = base.orElseGet(() -> defaultBase(spec, target));
        layout.ifPresent(l -> builder.check(effectiveBase, ImageDestination.ociLayout(l)));
        push.ifPresent(p -> builder.check(effectiveBase, ImageDestination.registry(p, RegistryCredentials.none())));
        try (Prepared prepared = prepare(spec, target, architecture, base)) {
            List<Output> outputs = new java.util.ArrayList<>();
            if (layout.isPresent()) {
                BuiltImage b = builder.build(prepared.recipe(), ImageDestination.ociLayout(layout.get()),
                        remaining(deadline), progress);
                outputs.add(new Output(layout.get().toString(), false, b));
            }
            if (push.isPresent()) {
                BuiltImage b = builder.build(prepared.recipe(), ImageDestination.registry(push.get(), credentials()),
                        remaining(deadline), progress);
                outputs.add(new Output(push.get().toString(), true, b));
            }
            return outputs;
        }
    }

    /** A target's recipe and what to close once built. */
    private record Prepared(ImageRecipe recipe, AutoCloseable owner) implements AutoCloseable {
        @Override
        public void close() {
            try {
                owner.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private ImageReference defaultBase(ModelSpec spec, String target) {
        if (target.equals("lambda")) {
            return LambdaImageRecipe.defaultBase(Optional.ofNullable(environment.get(LambdaTargetProvider.RUNTIME))
                    .filter(s -> !s.isBlank()).orElse("python" + spec.pythonVersion()));
        }
        return SageMakerImageRecipe.defaultBase(spec.pythonVersion());
    }

    private Prepared prepare(ModelSpec spec, String target, Optional<Architecture> architecture,
                             Optional<ImageReference> base) {
        String python = python();
        Map<String, String> pip = pipEnvironment();
        if (target.equals("lambda")) {
            LambdaImageRecipe.Builder b = LambdaImageRecipe.builder(spec).python(python).pipEnvironment(pip)
                    .timeout(timeout);
            Optional.ofNullable(environment.get(LambdaTargetProvider.RUNTIME)).filter(s -> !s.isBlank())
                    .ifPresent(b::runtime);
            architecture.ifPresent(b::architecture);
            base.ifPresent(b::baseImage);
            LambdaImageRecipe r = b.prepare();
            return new Prepared(r.recipe(), r);
        }
        SageMakerImageRecipe.Builder b = SageMakerImageRecipe.builder(spec).python(python).pipEnvironment(pip)
                .timeout(timeout);
        architecture.ifPresent(b::architecture);
        base.ifPresent(b::baseImage);
        SageMakerImageRecipe r = b.prepare();
        return new Prepared(r.recipe(), r);
    }

    /** {@code MLDEPLOY_REGISTRY_*} of the CLI's environment, then the Docker config ({@code DOCKER_CONFIG} too). */
    RegistryCredentials credentials() {
        String dockerConfig = environment.get("DOCKER_CONFIG");
        RegistryCredentials docker = dockerConfig != null && !dockerConfig.isBlank()
                ? RegistryCredentials.dockerConfig(Path.of(dockerConfig, "config.json"))
                : RegistryCredentials.dockerConfig(Path.of(System.getProperty("user.home"), ".docker", "config.json"));
        return RegistryCredentials.firstOf(RegistryCredentials.environment(environment), docker);
    }

    private Path cacheDirectory() {
        String home = environment.get(LocalTarget.ENV_HOME);
        return home != null && !home.isBlank() ? Path.of(home, "image-cache") : ImageBuilder.DEFAULT_CACHE;
    }

    private String python() {
        String p = environment.get(LocalTarget.ENV_PYTHON);
        return p == null || p.isBlank() ? LocalTarget.DEFAULT_PYTHON : p;
    }

    private Map<String, String> pipEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        environment.forEach((k, v) -> {
            if (k.startsWith("PIP_")) {
                env.put(k, v);
            }
        });
        return env;
    }

    private static Duration remaining(long deadline) {
        long left = deadline - System.nanoTime();
        return Duration.ofNanos(Math.max(left, 1_000_000L));
    }
}
