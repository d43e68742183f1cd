package dev.mldeploy.lambda.internal;

import dev.mldeploy.ModelSpec;
import dev.mldeploy.python.Pip;
import dev.mldeploy.python.PlatformResolver;
import dev.mldeploy.python.Requirements;
import dev.mldeploy.spi.DeployContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a model gets a dependency layer and, when it does, building it: a model whose directory holds a
 * {@code requirements.txt} naming at least one requirement has its dependencies resolved for the function's runtime
 * and architecture by the configured interpreter's pip ({@code python3} by default, with the target's
 * {@code PIP_*} variables), into a temporary layer zip
 * ({@link LayerPackager}); an unchanged {@code requirements.txt} on the same platform and pip configuration reuses
 * the resolution cached under the mldeploy home ({@link LayerResolutions}) and runs no pip. Stateless.
 */
public final class DependencyLayers {
    /** The interpreter whose pip resolves the dependencies when the target names none. */
    public static final String DEFAULT_PYTHON = "python3";
    private static final Logger LOG = LoggerFactory.getLogger(DependencyLayers.class);

    private DependencyLayers() {
    }

    /** The model's requirements when they name anything. */
    public static Optional<Requirements> requirements(ModelSpec spec) {
        return Requirements.find(spec.requireSource()).filter(r -> !r.isEmpty());
    }

    /**
     * The layer for {@code spec} in a temporary zip the caller deletes, or null when the model has no requirements
     * or is deployed as a container image (its image holds its dependencies).
     */
    static LayerPackager.Layer build(ModelSpec spec, FunctionSettings s, LambdaSettings config, DeployContext ctx) {
        Optional<Requirements> req = s.isImage() ? Optional.empty() : requirements(spec);
        if (req.isEmpty()) {
            return null;
        }
        ctx.progress("dependencies", "", "dependencies of " + Requirements.FILE_NAME + " for " + s.runtime()
                + " on " + s.architecture().awsName() + " (binary wheels only)");
        Path zip;
        try {
            zip = Files.createTempFile("mldeploy-layer-" + spec.name() + "-", ".zip");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file for the dependency layer", e);
        }
        LayerPackager.Layer layer = build(req.get(), s, config, ctx, zip);
        ctx.progress("dependencies", "", "dependency layer: " + layer.packages().size() + " packages, "
                + layer.zip().unzippedBytes() + " bytes unzipped, " + layer.zip().zippedBytes() + " zipped");
        return layer;
    }

    /**
     * Zips {@code requirements} resolved for {@code s}'s platform into {@code zip}: the cached resolution
     * ({@link LambdaSettings#resolutionCache()}) when there is one, else pip's, which is then cached.
     */
    static LayerPackager.Layer build(Requirements requirements, FunctionSettings s, LambdaSettings config,
                                     DeployContext ctx, Path zip) {
        Consumer<String> pipOutput = line -> LOG.debug("pip: {}", line);
        PlatformResolver resolver = new PlatformResolver(new Pip(Path.of(python(config))), config.pipEnvironment());
        LayerResolutions cache = new LayerResolutions(config.resolutionCache(), System.getenv(),
                config.pipEnvironment());
        try (LayerResolutions.Resolution resolved = cache.resolve(requirements,
                LayerPackager.platform(s.runtime(), s.architecture()), resolver, ctx, pipOutput)) {
            return LayerPackager.layer(resolved.dependencies(), zip);
        } catch (RuntimeException e) {
            LayerPackager.deleteTree(zip);
            throw e;
        }
    }

    static String python(LambdaSettings config) {
        return config.python() == null ? DEFAULT_PYTHON : config.python();
    }
}
