package dev.mldeploy.image;

import dev.mldeploy.PackageSize;
import dev.mldeploy.bundle.AdapterFiles;
import dev.mldeploy.bundle.ModelBundle;
import dev.mldeploy.bundle.SourceTree;
import dev.mldeploy.python.Pip;
import dev.mldeploy.python.PlatformResolver;
import dev.mldeploy.python.PythonPlatform;
import dev.mldeploy.python.Requirements;
import dev.mldeploy.python.ResolvedDependencies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The layers a Python model's image is made of, shared by the Lambda and SageMaker recipes: the dependencies
 * resolved for the image's platform (by core's {@link PlatformResolver}, exactly as the Lambda zip's layer is), the
 * mldeploy adapter, and the model's files (as {@link SourceTree} lists them, every exclude applied). Stateless.
 */
public final class PythonImageLayers {
    /** Layer names. */
    public static final String DEPENDENCIES = "dependencies";
    public static final String ADAPTER = "adapter";
    public static final String MODEL = "model";

    private PythonImageLayers() {
    }

    /**
     * The dependencies.
     *
     * @param layer    the layer, or empty when there were no requirements
     * @param packages the installed distributions and their sizes, largest first
     */
    public record Dependencies(java.util.Optional<ImageLayer> layer, List<PackageSize> packages) {
        public Dependencies {
            packages = packages.stream().sorted(PackageSize.LARGEST_FIRST).toList();
        }
    }

    /**
     * Resolves {@code requirements} for {@code platform} with {@code python}'s pip into {@code staging} and lays
     * them out under {@code targetDir}, without byte code (the image's interpreter compiles its own).
     *
     * @throws dev.mldeploy.python.DependencyInstallException pip failed, or a package has no build for the platform
     * @throws dev.mldeploy.OperationTimeoutException         pip did not finish within {@code timeout}
     */
    public static Dependencies dependencies(ImageStaging staging, Requirements requirements, PythonPlatform platform,
                                            String python, Map<String, String> pipEnvironment, Duration timeout,
                                            Consumer<String> pipOutput, String targetDir) {
        if (requirements.isEmpty()) {
            return new Dependencies(java.util.Optional.empty(), List.of());
        }
        Path dir = staging.newDirectory("site-packages");
        ResolvedDependencies deps = new PlatformResolver(new Pip(Path.of(python)), pipEnvironment)
                .resolve(requirements, platform, dir, timeout, pipOutput);
        ImageLayer layer = ImageLayer.fromDirectory(DEPENDENCIES, deps.directory(), targetDir,
                rel -> !isByteCode(rel));
        return new Dependencies(java.util.Optional.of(layer), deps.packages());
    }

    /** The adapter's files {@code names} (of {@link AdapterFiles#NAMES}) under {@code targetDir}. */
    public static ImageLayer adapter(ImageStaging staging, List<String> names, String targetDir) {
        List<LayerFile> files = new ArrayList<>();
        for (String name : names) {
            files.add(staging.write(join(targetDir, name), AdapterFiles.file(name), 0644));
        }
        return ImageLayer.of(ADAPTER, files);
    }

    /**
     * The model's files under {@code targetDir}, refusing one named like an adapter file (as the zip and the archive
     * do, with {@link dev.mldeploy.bundle.AdapterNameCollisionException}).
     */
    public static ImageLayer model(SourceTree tree, String targetDir) {
        // ModelBundle checks names and collisions with the adapter the same way for every target
        ModelBundle.of(tree, ModelBundle.Layout.LAMBDA_ZIP);
        List<LayerFile> files = new ArrayList<>();
        for (SourceTree.Entry e : tree.entries()) {
            files.add(new LayerFile(e.file(), join(targetDir, e.path()), e.executable() ? 0755 : 0644,
                    LayerFile.DEFAULT_MODIFICATION_TIME));
        }
        return ImageLayer.of(MODEL, files);
    }

    /** {@code __pycache__/} contents and {@code *.pyc}. */
    public static boolean isByteCode(String relativePath) {
        String p = relativePath.toLowerCase(Locale.ROOT);
        return p.endsWith(".pyc") || p.startsWith("__pycache__/") || p.contains("/__pycache__/");
    }

    private static String join(String dir, String rel) {
        return (dir.endsWith("/") ? dir : dir + "/") + rel;
    }
}
