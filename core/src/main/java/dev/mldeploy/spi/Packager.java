package dev.mldeploy.spi;

import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes a target's deployable artifacts (an archive, a Dockerfile) to a directory, calling nothing remote. */
@FunctionalInterface
public interface Packager {

    /**
     * Writes the artifacts for {@code spec} into {@code outDir} (created if absent). Implementations refuse an
     * {@code outDir} inside the model directory or holding it ({@link #requireOutsideSource}).
     *
     * @return the files written, in a stable order
     */
    List<Path> write(ModelSpec spec, Path outDir);

    /**
     * Refuses an output directory inside {@code source} (the next package would hold the previous one) or holding
     * it (replacing the output would delete the model), comparing both the paths as given and, where they exist,
     * their real paths (links resolved).
     *
     * @throws InvalidSpecException naming both directories
     */
    static void requireOutsideSource(Path source, Path outDir) {
        Path src = source.toAbsolutePath().normalize();
        Path out = outDir.toAbsolutePath().normalize();
        Path realSrc = real(src);
        Path realOut = real(out);
        if (out.startsWith(src) || realOut.startsWith(realSrc)) {
            throw new InvalidSpecException("output directory " + out + " is inside the model directory " + src
                    + "; write the package outside it (the next package would contain this one)");
        }
        if (src.startsWith(out) || realSrc.startsWith(realOut)) {
            throw new InvalidSpecException("output directory " + out + " contains the model directory " + src
                    + "; write the package to a directory of its own");
        }
    }

    /** The real path of {@code p}'s longest existing ancestor, with the rest of {@code p} appended. */
    private static Path real(Path p) {
        Path existing = p;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(p)).normalize();
        } catch (IOException e) {
            return p;
        }
    }
}
