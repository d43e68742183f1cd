package dev.mldeploy.spi;

import dev.mldeploy.ModelSpec;
import java.nio.file.Path;
import java.util.List;

/** Writes a target's deployable artifacts (an archive, a Dockerfile) to a directory, calling nothing remote. */
@FunctionalInterface
public interface Packager {

    /**
     * Writes the artifacts for {@code spec} into {@code outDir} (created if absent).
     *
     * @return the files written, in a stable order
     */
    List<Path> write(ModelSpec spec, Path outDir);
}
