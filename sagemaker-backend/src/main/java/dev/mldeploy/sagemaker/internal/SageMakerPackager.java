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
 * Calls nothing remote. Thread-safe. Not API.
 */
public final class SageMakerPackager implements Packager {
    /** The directory of the prebuilt framework image's artifact inside the package output. */
    public static final String PREBUILT_DIR = "prebuilt";

    private final ModelPackager packager;

    public SageMakerPackager(int compressionLevel) {
        this.packager = new ModelPackager(compressionLevel);
    }

    @Override
    public List<Path> write(ModelSpec spec, Path outDir) {
        Packager.requireOutsideSource(spec.requireSource(), outDir);
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

    private static Path write(Path file, byte[] content) throws IOException {
        return Files.write(file, content);
    }
}
