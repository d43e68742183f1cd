package dev.mldeploy.image.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.image.ImageDestination;
import dev.mldeploy.image.ImageLayer;
import dev.mldeploy.image.ImageRecipe;
import dev.mldeploy.image.ImageReference;
import dev.mldeploy.image.InsecureRegistryException;
import dev.mldeploy.image.InvalidImageException;
import dev.mldeploy.image.LayerFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What is checked before Jib runs, so that bad input fails with nothing contacted and nothing written: every layer
 * file is a readable regular file, the plain-HTTP rule holds, and an OCI layout directory may be written. Stateless.
 */
public final class RecipeCheck {
    /** The files an OCI layout directory holds; a directory with anything else is not replaced. */
    static final List<String> LAYOUT_NAMES = List.of("oci-layout", "index.json", "blobs");

    private RecipeCheck() {
    }

    public static void check(ImageRecipe recipe, ImageDestination destination, boolean allowInsecure) {
        files(recipe);
        check(recipe.baseImage(), destination, allowInsecure);
    }

    /** The checks that need no recipe: the plain-HTTP rule and the layout directory. */
    public static void check(ImageReference base, ImageDestination destination, boolean allowInsecure) {
        if (allowInsecure) {
            List<String> offLoopback = new ArrayList<>();
            registries(base, destination).stream().filter(r -> !r.isLoopback())
                    .map(ImageReference::registry).distinct().forEach(offLoopback::add);
            if (!offLoopback.isEmpty()) {
                throw new InsecureRegistryException("plain HTTP is allowed only for registries on loopback "
                        + "(127.0.0.1, localhost, ::1), not for " + String.join(", ", offLoopback) + "; turn "
                        + "allowInsecure off (CLI: leave out --allow-insecure) for registries reached over TLS");
            }
        }
        if (destination instanceof ImageDestination.OciLayout layout) {
            layoutDirectory(layout.directory());
        }
    }

    static List<ImageReference> registries(ImageRecipe recipe, ImageDestination destination) {
        return registries(recipe.baseImage(), destination);
    }

    static List<ImageReference> registries(ImageReference base, ImageDestination destination) {
        List<ImageReference> refs = new ArrayList<>();
        refs.add(base);
        if (destination instanceof ImageDestination.Registry r) {
            refs.add(r.reference());
        }
        return refs;
    }

    private static void files(ImageRecipe recipe) {
        for (ImageLayer layer : recipe.layers()) {
            for (LayerFile f : layer.files()) {
                Path p = f.source();
                if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new InvalidImageException("layer '" + layer.name() + "': " + p + " (for "
                            + f.pathInImage() + ") does not exist");
                }
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new InvalidImageException("layer '" + layer.name() + "': " + p + " (for "
                            + f.pathInImage() + ") is not a regular file (a directory or a link); list files only");
                }
                if (!Files.isReadable(p)) {
                    throw new InvalidImageException("layer '" + layer.name() + "': " + p + " is not readable");
                }
            }
        }
    }

    /** Absent, empty, or an earlier layout (only its own names in it). */
    static void layoutDirectory(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidConfigurationException("image output " + dir + " exists and is not a directory; name a "
                    + "new or empty directory");
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
            if (names.isEmpty()) {
                return;
            }
            if (!names.contains("oci-layout") || !LAYOUT_NAMES.containsAll(names)) {
                throw new InvalidConfigurationException("image output " + dir + " is not empty and not an OCI image "
                        + "layout (it holds " + String.join(", ", names.subList(0, Math.min(5, names.size())))
                        + (names.size() > 5 ? ", ..." : "") + "); name a new or empty directory");
            }
        } catch (IOException e) {
            throw new InvalidConfigurationException("cannot list image output " + dir + ": " + e.getMessage(), e);
        }
    }
}
