package dev.mldeploy.lambda.internal;

import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.bundle.DeterministicZip;
import dev.mldeploy.PackageSize;
import dev.mldeploy.python.PlatformResolver;
import dev.mldeploy.python.PythonPlatform;
import dev.mldeploy.python.ResolvedDependencies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the dependency layer of a function: the model's {@code requirements.txt} resolved for the function's
 * platform by {@link PlatformResolver} (Lambda's CPython and architecture, binary wheels only; cached by
 * {@link LayerResolutions}), zipped by
 * {@link DeterministicZip} with every file under {@code python/} (the directory Lambda's Python runtimes put on
 * {@code sys.path} from a layer) and no {@code __pycache__} or {@code *.pyc} (byte code of the build machine's
 * interpreter; the runtime compiles its own). Same resolved files, same bytes, same SHA-256: the layer's content
 * address. Stateless.
 */
public final class LayerPackager {
    /** Where Lambda's Python runtimes look for a layer's packages. */
    public static final String PREFIX = "python/";
    private static final Logger LOG = LoggerFactory.getLogger(LayerPackager.class);
    /** How many of the largest packages a size refusal names. */
    private static final int LARGEST_LISTED = 5;

    private LayerPackager() {
    }

    /**
     * A built layer.
     *
     * @param zip      the layer zip (its {@code unzippedBytes} sum the files in it)
     * @param packages the installed distributions and their sizes, largest first
     */
    public record Layer(LambdaPackager.Package zip, List<PackageSize> packages) {
        public Layer {
            packages = packages.stream().sorted(PackageSize.LARGEST_FIRST).toList();
        }
    }

    /** The platform of Lambda's {@code runtime} ({@code python3.N}) on {@code architecture}. */
    public static PythonPlatform platform(String runtime, dev.mldeploy.Architecture architecture) {
        return PythonPlatform.lambda(runtime.substring("python".length()), architecture);
    }

    /**
     * The layer of {@code dependencies} (resolved by {@link PlatformResolver} for the function's platform), zipped
     * into {@code zip}; the resolved directory is only read.
     */
    public static Layer layer(ResolvedDependencies dependencies, Path zip) {
        return new Layer(zip(dependencies.directory(), zip), dependencies.packages());
    }

    /** Zips every regular file under {@code sitePackages} as {@code python/<relative path>} into {@code zip}. */
    public static LambdaPackager.Package zip(Path sitePackages, Path zip) {
        List<DeterministicZip.Entry> entries = new ArrayList<>();
        long unzipped = 0;
        try (Stream<Path> files = Files.walk(sitePackages)) {
            for (Path f : files.sorted().toList()) {
                String rel = sitePackages.relativize(f).toString().replace('\\', '/');
                if (rel.isEmpty() || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) || isByteCode(rel)) {
                    if (Files.isSymbolicLink(f)) {
                        LOG.debug("leaving out link {} from the layer", rel);
                    }
                    continue;
                }
                entries.add(DeterministicZip.Entry.ofFile(PREFIX + rel, f, Files.isExecutable(f)));
                unzipped += Files.size(f);
            }
            DeterministicZip.write(entries, zip);
            byte[] digest = LambdaPackager.sha256(zip);
            return new LambdaPackager.Package(zip, Files.size(zip), unzipped,
                    Base64.getEncoder().encodeToString(digest), HexFormat.of().formatHex(digest));
        } catch (IOException e) {
            deleteQuietly(zip);
            throw new MlDeployException("cannot write the dependency layer " + zip + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(zip);
            throw e;
        }
    }

    /**
     * Refuses code plus layer over Lambda's unzipped limit for a zip function, naming the largest packages: the
     * deploy-time guard, before any AWS call.
     *
     * @throws InvalidSpecException over the limit
     */
    public static void checkTotal(String modelName, LambdaPackager.Package code, Layer layer, long limitBytes) {
        long total = code.unzippedBytes() + layer.zip().unzippedBytes();
        if (total <= limitBytes) {
            return;
        }
        String largest = layer.packages().stream().limit(LARGEST_LISTED)
                .map(p -> p.name() + " " + p.version() + " (" + mb(p.bytes()) + " MB)")
                .collect(Collectors.joining(", "));
        throw new InvalidSpecException("model '" + modelName + "' unzips to " + mb(total) + " MB with its "
                + "dependencies (code " + mb(code.unzippedBytes()) + " MB, dependency layer "
                + mb(layer.zip().unzippedBytes()) + " MB), over Lambda's " + mb(limitBytes) + " MB limit for code "
                + "plus layers" + (largest.isEmpty() ? "" : "; largest packages: " + largest) + "; drop or slim "
                + "requirements, build a container image (LambdaTarget.builder().imageUri(...), up to 10 GB) or "
                + "deploy to SageMaker (--target sagemaker)");
    }

    /** {@code __pycache__/} contents and {@code *.pyc}: byte code of the build machine's interpreter. */
    static boolean isByteCode(String relativePath) {
        String p = relativePath.toLowerCase(Locale.ROOT);
        return p.endsWith(".pyc") || p.startsWith("__pycache__/") || p.contains("/__pycache__/");
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", file, e.toString());
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot delete {}: {}", dir, e.toString());
        }
    }
}
