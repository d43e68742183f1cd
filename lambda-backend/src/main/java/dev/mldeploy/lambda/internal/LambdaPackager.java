package dev.mldeploy.lambda.internal;

import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.bundle.AdapterFiles;
import dev.mldeploy.bundle.ModelBundle;
import dev.mldeploy.bundle.SourceTree;
import dev.mldeploy.spi.Packager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds the Lambda zip: the model's {@link ModelBundle} (its files and the adapter at the zip root), written by
 * {@link ModelBundle#writeZip}. Checks the unzipped size against Lambda's limit before writing anything. Stateless.
 */
public final class LambdaPackager {
    /** The handler Lambda calls. */
    public static final String HANDLER = AdapterFiles.LAMBDA_HANDLER;

    private LambdaPackager() {
    }

    /**
     * The package built.
     *
     * @param zip            the zip file (a temporary file the caller deletes, or the packager's output)
     * @param zippedBytes    its size
     * @param unzippedBytes  the sum of its entries' sizes
     * @param codeSha256     base64 SHA-256 of the zip: Lambda's CodeSha256
     * @param sha256Hex      the same digest in hex, for S3 keys
     */
    public record Package(Path zip, long zippedBytes, long unzippedBytes, String codeSha256, String sha256Hex) {
        /** Deletes the zip, quietly. */
        public void delete() {
            try {
                Files.deleteIfExists(zip);
            } catch (IOException e) {
                org.slf4j.LoggerFactory.getLogger(LambdaPackager.class).warn("cannot delete {}: {}", zip, e.toString());
            }
        }
    }

    /** The unzipped size of {@code tree} with the adapter, checked against Lambda's 250 MB. */
    public static long checkUnzippedSize(String modelName, SourceTree tree, long limitBytes) {
        long total = tree.totalBytes() + ModelBundle.adapterBytes();
        if (total > limitBytes) {
            throw new InvalidSpecException("model '" + modelName + "' unzips to " + mb(total) + " MB with the adapter, "
                    + "over Lambda's " + mb(limitBytes) + " MB limit for a zip package; build a container image "
                    + "(LambdaTarget.builder().imageUri(...), up to 10 GB) or deploy to SageMaker (--target sagemaker)");
        }
        return total;
    }

    /** Builds the zip for {@code tree}, laid out as {@link ModelBundle.Layout#LAMBDA_ZIP}, into {@code zip}. */
    public static Package build(String modelName, SourceTree tree, Path zip) {
        // the size first: a model too big for a zip is told so whatever else is wrong with it
        checkUnzippedSize(modelName, tree, LambdaLimits.UNZIPPED_BYTES);
        ModelBundle bundle = ModelBundle.of(tree, ModelBundle.Layout.LAMBDA_ZIP);
        long unzipped = bundle.packagedBytes();
        try {
            bundle.writeZip(zip);
            byte[] digest = sha256(zip);
            return new Package(zip, Files.size(zip), unzipped, Base64.getEncoder().encodeToString(digest),
                    HexFormat.of().formatHex(digest));
        } catch (IOException e) {
            deleteQuietly(zip);
            throw new MlDeployException("cannot write the Lambda package " + zip + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(zip); // no half-written zip left behind
            throw e;
        }
    }

    /** Builds the zip for {@code spec} in a temporary file. */
    public static Package buildTemporary(ModelSpec spec, SourceTree tree) {
        try {
            Path zip = Files.createTempFile("mldeploy-lambda-" + spec.name() + "-", ".zip");
            return build(spec.name(), tree, zip);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file for the Lambda package", e);
        }
    }

    /**
     * {@link dev.mldeploy.spi.Packager}: writes {@code <outDir>/<name>-lambda.zip} and, when the model has
     * requirements, {@code <outDir>/<name>-lambda-layer.zip} (resolved for the runtime and architecture a deploy with
     * {@code config} would use), checking their sizes as a deploy does.
     */
    public static List<Path> writeTo(ModelSpec spec, Path outDir, LambdaSettings config) {
        Packager.requireOutsideSource(spec.requireSource(), outDir);
        SourceTree tree = SourceTree.of(spec);
        FunctionSettings settings = FunctionSettings.resolve(spec, config);
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + outDir, e);
        }
        Package p = build(spec.name(), tree, outDir.resolve(fileName(spec.name())));
        if (settings.isImage() || DependencyLayers.requirements(spec).isEmpty()) {
            return List.of(p.zip());
        }
        Path layerZip = outDir.resolve(layerFileName(spec.name()));
        // no listener: the package command reports the files written, not how the layer was resolved
        dev.mldeploy.spi.DeployContext ctx = dev.mldeploy.spi.DeployContext.of(spec.name(), LambdaSettings.NAME,
                e -> { }, config.operationTimeout() != null ? config.operationTimeout()
                        : dev.mldeploy.DeployOptions.DEFAULT_TIMEOUT);
        LayerPackager.Layer layer = DependencyLayers.build(DependencyLayers.requirements(spec).get(), settings,
                config, ctx, layerZip);
        LayerPackager.checkTotal(spec.name(), p, layer, LambdaLimits.UNZIPPED_BYTES);
        return List.of(p.zip(), layer.zip().zip());
    }

    public static String fileName(String modelName) {
        return modelName + "-lambda.zip";
    }

    /** The dependency layer's file name in a package output. */
    public static String layerFileName(String modelName) {
        return modelName + "-lambda-layer.zip";
    }

    static byte[] sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return md.digest();
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(LambdaPackager.class).warn("cannot delete {}: {}", file, e.toString());
        }
    }

    private static String mb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
    }
}
