package dev.mldeploy.examples.cli;

import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.MlDeployException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code package --out DIR} without ever destroying a previous good output: the artifacts are written into a new
 * directory next to {@code DIR} (same parent, so the moves are renames on one file system), and only once they are
 * complete does that directory take {@code DIR}'s place, by atomic renames (a previous output is renamed aside,
 * the new one renamed in, then the previous one deleted). A failed package deletes only the directory it made.
 *
 * <p>An existing {@code DIR} is replaced only when it is empty or an earlier {@code package} output (it holds
 * {@value #MARKER}); any other directory is refused, so a mistyped {@code --out ~} deletes nothing.
 * Not thread-safe: two packages into one {@code DIR} at once are not supported.
 */
final class PackageOutput {
    /** The file that marks a directory as a {@code package} output that a later {@code package} may replace. */
    static final String MARKER = ".mldeploy-package";

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Path out;

    /** The artifacts, written by {@code write}, into the directory it is given. */
    @FunctionalInterface
    interface Writer {
        List<Path> write(Path dir);
    }

    private PackageOutput(Path out) {
        this.out = out;
    }

    /**
     * Checks, before anything is written, that {@code outDir} may receive a package.
     *
     * @throws InvalidSpecException when it is a file, or a directory that is neither empty nor a package output
     */
    static PackageOutput at(Path outDir) {
        Path out = outDir.toAbsolutePath().normalize();
        if (out.getParent() == null) {
            throw new InvalidSpecException("--out " + out + " is a file system root; give a directory of its own");
        }
        if (Files.exists(out, LinkOption.NOFOLLOW_LINKS) || Files.exists(out)) {
            if (!Files.isDirectory(out)) {
                throw new InvalidSpecException("--out " + out + " exists and is not a directory; give a directory");
            }
            if (!Files.isRegularFile(out.resolve(MARKER)) && !isEmpty(out)) {
                throw new InvalidSpecException("--out " + out + " is a directory that is not empty and not an earlier "
                        + "package output (it has no " + MARKER + "); package would replace it, so give a new or "
                        + "empty directory");
            }
        }
        return new PackageOutput(out);
    }

    /** Where the package ends up. */
    Path path() {
        return out;
    }

    /**
     * Runs {@code writer} into a new directory next to the output, marks it, and moves it into place; returns the
     * files as they are named once in place.
     */
    List<Path> write(String target, Writer writer) {
        Path parent = out.getParent();
        Path staging;
        try {
            Files.createDirectories(parent);
            staging = newSibling("tmp");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory next to " + out, e);
        }
        try {
            List<Path> written = writer.write(staging);
            Files.writeString(staging.resolve(MARKER), "{\"target\": \"" + target + "\"}\n", StandardCharsets.UTF_8);
            replace(staging);
            List<Path> inPlace = new ArrayList<>();
            for (Path f : written) {
                inPlace.add(out.resolve(staging.relativize(f.toAbsolutePath().normalize())));
            }
            return List.copyOf(inPlace);
        } catch (IOException e) {
            deleteQuietly(staging);
            throw new UncheckedIOException("cannot write the package to " + out + "; " + describe(out), e);
        } catch (RuntimeException e) {
            deleteQuietly(staging);
            throw e;
        }
    }

    /** Puts {@code staging} where the output goes, renaming a previous output aside first. */
    private void replace(Path staging) throws IOException {
        if (!Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
            rename(staging, out);
            return;
        }
        Path previous = newSiblingName("old");
        rename(out, previous);
        try {
            rename(staging, out);
        } catch (IOException e) {
            try {
                rename(previous, out);
            } catch (IOException restore) {
                e.addSuppressed(restore);
                throw new MlDeployException("cannot move the new package into " + out + " (" + e.getMessage()
                        + ") nor the previous one back; the previous package is in " + previous, e);
            }
            throw e;
        }
        if (!deleteQuietly(previous)) {
            throw new MlDeployException("the package is in " + out + ", but the previous one could not be "
                    + "deleted from " + previous + "; delete it by hand");
        }
    }

    private static void rename(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** A new empty directory next to the output: {@code .<name>.<kind>-<random>}. */
    private Path newSibling(String kind) throws IOException {
        for (int i = 0; ; i++) {
            try {
                return Files.createDirectory(newSiblingName(kind));
            } catch (FileAlreadyExistsException e) {
                if (i >= 10) {
                    throw e;
                }
            }
        }
    }

    private Path newSiblingName(String kind) {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return out.resolveSibling("." + out.getFileName() + "." + kind + "-" + HexFormat.of().formatHex(b));
    }

    private static String describe(Path out) {
        return Files.exists(out) ? "the previous package there is unchanged" : "nothing was written there";
    }

    private static boolean isEmpty(Path dir) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
    }

    /** Deletes {@code dir} and what is in it, without following links; false when something is left. */
    private static boolean deleteQuietly(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
            return true;
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }
}
