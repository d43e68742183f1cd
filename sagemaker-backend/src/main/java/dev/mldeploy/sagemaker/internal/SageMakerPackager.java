package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.ModelSpec;
import dev.mldeploy.bundle.AdapterFiles;
import dev.mldeploy.bundle.ModelBundle;
import dev.mldeploy.bundle.SourceTree;
import dev.mldeploy.spi.Packager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code mldeploy package --target sagemaker}: writes {@code model.tar.gz} and the serving container's build
 * context ({@code Dockerfile}, the adapter's serving files, and {@code requirements.txt} when the model has one) for
 * a deploy with {@code --image}, and {@value #PREBUILT_DIR}{@code /model.tar.gz}, the artifact a deploy without an
 * image ships to AWS's prebuilt framework images ({@link ArtifactLayout#FRAMEWORK}; the same for every framework).
 * With a framework chosen ({@link #forFramework}) only that last artifact. Calls nothing remote. Thread-safe. Not API.
 */
public final class SageMakerPackager implements Packager {
    /** The directory of the prebuilt framework image's artifact inside the package output. */
    public static final String PREBUILT_DIR = "prebuilt";

    private final ModelPackager packager;
    /** With a prebuilt framework chosen: only its artifact is written. */
    private final boolean frameworkOnly;
    private final String framework;
    private final String frameworkVersion;

    public SageMakerPackager(int compressionLevel) {
        this(compressionLevel, false, null, null);
    }

    private SageMakerPackager(int compressionLevel, boolean frameworkOnly, String framework,
                              String frameworkVersion) {
        this.packager = new ModelPackager(compressionLevel);
        this.frameworkOnly = frameworkOnly;
        this.framework = framework;
        this.frameworkVersion = frameworkVersion;
    }

    /**
     * A packager for a deploy onto the prebuilt image of {@code framework} (null: the model's default, sklearn for
     * CPU, pytorch for GPU) at {@code version} (null: the newest known): it writes only
     * {@value #PREBUILT_DIR}{@code /model.tar.gz}, after checking the version as a deploy does.
     */
    public static SageMakerPackager forFramework(int compressionLevel, String framework, String version) {
        return new SageMakerPackager(compressionLevel, true, framework, version);
    }

    @Override
    public List<Path> write(ModelSpec spec, Path outDir) {
        Packager.requireOutsideSource(spec.requireSource(), outDir);
        if (frameworkOnly) {
            return writeFramework(spec, outDir);
        }
        ModelBundle bundle = ModelPackager.bundle(SourceTree.of(spec));
        SourceTree tree = bundle.tree();
        try {
            Files.createDirectories(outDir);
            List<Path> written = new ArrayList<>();
            Path requirements = tree.root().resolve("requirements.txt");
            // only when it is packaged: an excluded requirements.txt stays out of the build context too
            boolean withRequirements = tree.entries().stream().anyMatch(e -> e.path().equals("requirements.txt"));
            written.add(write(outDir.resolve("Dockerfile"), DockerfileWriter.dockerfile(spec, withRequirements)
                    .getBytes(StandardCharsets.UTF_8)));
            for (String name : AdapterFiles.SERVING_IMAGE_NAMES) { // the package and the serving entry point
                Path file = outDir.resolve(name);
                Files.createDirectories(file.getParent());
                written.add(write(file, AdapterFiles.file(name)));
            }
            written.add(packager.writeTarGz(bundle, outDir));
            written.add(packager.writeTarGz(ArtifactLayout.FRAMEWORK.entries(tree),
                    Files.createDirectories(outDir.resolve(PREBUILT_DIR))));
            if (withRequirements) {
                Path target = outDir.resolve("requirements.txt");
                Files.copy(requirements, target, StandardCopyOption.REPLACE_EXISTING);
                written.add(target);
            }
            return List.copyOf(written);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the sagemaker package to " + outDir, e);
        }
    }

    /** The framework layout's artifact alone, for the framework and version chosen (checked first). */
    private List<Path> writeFramework(ModelSpec spec, Path outDir) {
        String chosen = framework != null ? framework
                : spec.resources().gpu() ? PrebuiltImage.GPU_DEFAULT : PrebuiltImage.CPU_DEFAULT;
        FrameworkImages.standard().check(chosen, java.util.Optional.ofNullable(frameworkVersion));
        SourceTree tree = SourceTree.of(spec);
        List<ModelBundle.Entry> entries = ArtifactLayout.FRAMEWORK.entries(tree);
        try {
            return List.of(packager.writeTarGz(entries, Files.createDirectories(outDir.resolve(PREBUILT_DIR))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the sagemaker package to " + outDir, e);
        }
    }

    private static Path write(Path file, byte[] content) throws IOException {
        return Files.write(file, content);
    }
}
