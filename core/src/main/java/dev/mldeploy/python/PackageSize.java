package dev.mldeploy.python;

import java.util.Objects;

/**
 * One installed distribution and the bytes its files take.
 *
 * @param name    the distribution's name as its metadata spells it ({@code numpy})
 * @param version its version ({@code 2.1.3})
 * @param bytes   the bytes of the files it installed, at least 0
 */
public record PackageSize(String name, String version, long bytes) {
    public PackageSize {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be at least 0, was " + bytes);
        }
    }
}
