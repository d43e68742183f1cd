package dev.mldeploy.python;

import dev.mldeploy.PackageSize;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@link PlatformResolver} installed: the directory, every byte in it, and each distribution's share.
 *
 * @param directory  the directory the dependencies were installed into (a layer's {@code python/}, a zip's root)
 * @param totalBytes the bytes of every file under {@code directory}
 * @param packages   each installed distribution's bytes, largest first (equal sizes by name)
 */
public record ResolvedDependencies(Path directory, long totalBytes, List<PackageSize> packages) {

    public ResolvedDependencies {
        Objects.requireNonNull(directory, "directory");
        if (totalBytes < 0) {
            throw new IllegalArgumentException("totalBytes must be at least 0, was " + totalBytes);
        }
        packages = packages.stream().sorted(PackageSize.LARGEST_FIRST).toList();
    }

    /** The {@code n} largest distributions (all of them when there are fewer). */
    public List<PackageSize> largest(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be at least 0, was " + n);
        }
        return packages.subList(0, Math.min(n, packages.size()));
    }

    /** Whether nothing was installed. */
    public boolean isEmpty() {
        return packages.isEmpty();
    }
}
