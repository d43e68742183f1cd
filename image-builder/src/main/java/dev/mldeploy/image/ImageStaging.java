package dev.mldeploy.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * A temporary directory for the files a recipe adds that are not on disk yet (the adapter's files, dependencies
 * resolved for the image's platform): Jib reads layer files from paths, so they are written here first. Deleted,
 * with everything in it, by {@link #close()}; a recipe whose files are staged here is valid until then.
 */
public final class ImageStaging implements AutoCloseable {
    private final Path directory;
    private int next;

    private ImageStaging(Path directory) {
        this.directory = directory;
    }

    /** A new, empty temporary directory whose name starts with {@code mldeploy-image-<prefix>}. */
    public static ImageStaging create(String prefix) {
        try {
            return new ImageStaging(Files.createTempDirectory("mldeploy-image-" + prefix + "-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the image's files", e);
        }
    }

    /** The directory. */
    public Path directory() {
        return directory;
    }

    /** A new empty directory inside this one (for pip to install into). */
    public synchronized Path newDirectory(String name) {
        try {
            return Files.createDirectory(directory.resolve(String.format("%02d-%s", next++, name)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory in " + directory, e);
        }
    }

    /** Writes {@code bytes} to a file here and returns it as {@code pathInImage} with {@code mode}. */
    public synchronized LayerFile write(String pathInImage, byte[] bytes, int mode) {
        Objects.requireNonNull(bytes, "bytes");
        LayerFile.checkPath(pathInImage);
        Path file = directory.resolve(String.format("%02d-file", next++));
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return new LayerFile(file, pathInImage, mode, LayerFile.DEFAULT_MODIFICATION_TIME);
    }

    /** Deletes the directory and everything in it; a file that cannot be deleted is logged, not thrown. */
    @Override
    public void close() {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(directory)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            LoggerFactory.getLogger(ImageStaging.class).warn("cannot delete {}: {}", directory, e.toString());
        }
    }
}
