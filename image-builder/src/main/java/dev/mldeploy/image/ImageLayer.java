package dev.mldeploy.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * One layer of an image: a name (for progress and errors, e.g. {@code dependencies}) and its files. The files are
 * written in path order whatever order they are given in, so the layer's digest depends only on its content.
 *
 * @param name  a short name, letters, digits, {@code -} and {@code _}
 * @param files the files, each path at most once
 */
public record ImageLayer(String name, List<LayerFile> files) {
    public ImageLayer {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,63}")) {
            throw new InvalidImageException("layer name '" + name + "' must be 1 to 64 letters, digits, '-' or '_'");
        }
        files = List.copyOf(files);
        Set<String> seen = new HashSet<>();
        for (LayerFile f : files) {
            if (!seen.add(f.pathInImage())) {
                throw new InvalidImageException("layer '" + name + "' has " + f.pathInImage() + " twice");
            }
        }
    }

    /** A layer of {@code files}. */
    public static ImageLayer of(String name, List<LayerFile> files) {
        return new ImageLayer(name, files);
    }

    /**
     * Every regular file under {@code dir} whose relative path ({@code /}-separated) {@code include} accepts, at
     * {@code targetDir/<relative path>} with the default mode and time. Links are left out (their target may be
     * outside {@code dir}).
     *
     * @throws InvalidImageException when {@code dir} is not a directory
     */
    public static ImageLayer fromDirectory(String name, Path dir, String targetDir, Predicate<String> include) {
        Objects.requireNonNull(include, "include");
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidImageException("layer '" + name + "': " + dir + " is not a directory");
        }
        String base = targetDir.endsWith("/") ? targetDir.substring(0, targetDir.length() - 1) : targetDir;
        List<LayerFile> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.sorted().toList()) {
                String rel = dir.relativize(f).toString().replace(java.io.File.separatorChar, '/');
                if (!rel.isEmpty() && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && include.test(rel)) {
                    files.add(LayerFile.of(f, base + "/" + rel));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return new ImageLayer(name, files);
    }

    /** The sum of the files' sizes, as they are now. */
    public long bytes() {
        long total = 0;
        for (LayerFile f : files) {
            try {
                total += Files.size(f.source());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f.source(), e);
            }
        }
        return total;
    }
}
