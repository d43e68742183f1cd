package dev.mldeploy.python;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Resolutions kept on disk, keyed by the requirements' SHA-256 and the platform (Python version, machine, tags), so
 * a redeploy with an unchanged {@code requirements.txt} runs no pip at all. Each entry is a directory
 * {@code <directory>/<key>/} holding exactly what {@link PlatformResolver} installed; it appears by an atomic rename
 * once the resolution is complete, so a cut-off run leaves no entry, and two processes resolving the same key at
 * once both succeed (the second keeps the first's entry).
 *
 * <p>The key is the file's bytes, not what an index serves: an unpinned requirement ({@code numpy}) stays at the
 * version first resolved until the entry is deleted. Pin versions, or delete the directory to resolve again.
 * Thread-safe.
 */
public final class ResolutionCache {
    private final Path directory;

    /** A cache under {@code directory} (created when first written). */
    public ResolutionCache(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** Where the entries live. */
    public Path directory() {
        return directory;
    }

    /** The entry's name for {@code requirements} on {@code platform}: lowercase hex SHA-256. */
    public static String key(Requirements requirements, PythonPlatform platform) {
        String text = requirements.sha256() + "\n" + platform.pythonVersion() + "\n" + platform.machine() + "\n"
                + String.join(",", platform.platformTags());
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The cached resolution, measured again from disk, or empty when there is none. */
    public Optional<ResolvedDependencies> find(Requirements requirements, PythonPlatform platform) {
        Path entry = directory.resolve(key(requirements, platform));
        return Files.isDirectory(entry) ? Optional.of(InstalledTree.measure(entry)) : Optional.empty();
    }

    /**
     * The cached resolution, or a new one from {@code resolver} (kept for next time). The returned
     * {@link ResolvedDependencies#directory()} is the cache entry: copy from it, do not change it.
     */
    public ResolvedDependencies resolve(PlatformResolver resolver, Requirements requirements, PythonPlatform platform,
                                        Duration timeout, Consumer<String> progress) {
        Optional<ResolvedDependencies> cached = find(requirements, platform);
        if (cached.isPresent()) {
            progress.accept("dependencies for " + platform.describe() + " unchanged (" + requirements.sha256()
                    .substring(0, 12) + "): using " + cached.get().directory());
            return cached.get();
        }
        String key = key(requirements, platform);
        Path entry = directory.resolve(key);
        Path partial;
        try {
            Files.createDirectories(directory);
            partial = Files.createTempDirectory(directory, key + ".partial-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            resolver.resolve(requirements, platform, partial.resolve("t"), timeout, progress);
            try {
                Files.move(partial.resolve("t"), entry, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                // another process finished the same key first: its entry is as good as ours
            } catch (AtomicMoveNotSupportedException e) {
                throw new UncheckedIOException("cannot rename within " + directory + " atomically", e);
            } catch (java.nio.file.FileSystemException e) {
                if (!Files.isDirectory(entry)) {
                    throw e;
                } // Linux reports a rename onto a full directory as a plain FileSystemException (ENOTEMPTY)
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            InstalledTree.deleteTree(partial);
        }
        return InstalledTree.measure(entry);
    }
}
