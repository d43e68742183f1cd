package dev.mldeploy;

import java.util.Comparator;
import java.util.Objects;

/**
 * One installed distribution and the bytes its files take.
 *
 * @param name    the distribution's name as its metadata spells it ({@code numpy})
 * @param version its version ({@code 2.1.3})
 * @param bytes   the bytes of the files it installed, at least 0
 */
public record PackageSize(String name, String version, long bytes) {
    /** Largest first, then by name: the order reasons and tables list packages in. */
    public static final Comparator<PackageSize> LARGEST_FIRST = Comparator.comparingLong(PackageSize::bytes)
            .reversed().thenComparing(PackageSize::name, String.CASE_INSENSITIVE_ORDER);

    public PackageSize {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be at least 0, was " + bytes);
        }
    }
}
