package dev.mldeploy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * How much the model's Python dependencies add to a Lambda package, and how that is known: measured after resolving
 * them for the function's platform ({@link dev.mldeploy.python.PlatformResolver}), estimated some other way, or
 * unknown (with why). Given to placement through {@link PlacementOptions.Builder#dependencies(DependencySizes)};
 * {@link dev.mldeploy.placement.LambdaProfile} checks code plus dependencies against Lambda's package limits and names the largest
 * packages when they do not fit.
 *
 * @param basis    how the size is known
 * @param bytes    the dependencies' unpacked bytes (0 when {@link Basis#UNKNOWN})
 * @param packages each distribution's bytes, largest first; may be empty
 * @param detail   for people: what was measured ({@code resolved for python3.12 x86_64}) or why it is not known
 *                 ({@code pip could not reach an index})
 *
 * <p>Immutable; thread-safe.
 */
public record DependencySizes(Basis basis, long bytes, List<PackageSize> packages, String detail) {
    /** How many packages a reason names. */
    public static final int NAMED_IN_REASONS = 5;

    /** How the size is known. */
    public enum Basis {
        /** Resolved for the target's platform and measured on disk. */
        MEASURED("measured"),
        /** Not resolved for the platform; estimated (for example from the host's installed packages). */
        ESTIMATED("estimated"),
        /** Not known at all. */
        UNKNOWN("unknown"),
        /**
         * A requirement has no build for the platform and none can be made (a C extension available only as
         * source): a .zip package cannot hold the dependencies at all, a container image can.
         */
        REFUSED("refused");

        private final String word;

        Basis(String word) {
            this.word = word;
        }

        /** {@code measured}, {@code estimated}, {@code unknown}: how plan's output and reasons say it. */
        public String word() {
            return word;
        }
    }

    public DependencySizes {
        Objects.requireNonNull(basis, "basis");
        Objects.requireNonNull(detail, "detail");
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be at least 0, was " + bytes);
        }
        if ((basis == Basis.UNKNOWN || basis == Basis.REFUSED) && bytes != 0) {
            throw new IllegalArgumentException("an " + basis.word() + " size has no bytes, was " + bytes);
        }
        packages = packages.stream().sorted(PackageSize.LARGEST_FIRST).toList();
    }

    /** Sizes measured after resolving for the platform {@code detail} names. */
    public static DependencySizes measured(long bytes, List<PackageSize> packages, String detail) {
        return new DependencySizes(Basis.MEASURED, bytes, packages, detail);
    }

    /** Sizes estimated as {@code detail} says. */
    public static DependencySizes estimated(long bytes, List<PackageSize> packages, String detail) {
        return new DependencySizes(Basis.ESTIMATED, bytes, packages, detail);
    }

    /** No size: {@code why} says why it could not be measured. */
    public static DependencySizes unknown(String why) {
        return new DependencySizes(Basis.UNKNOWN, 0, List.of(), why);
    }

    /**
     * The dependencies cannot be built for the platform: {@code why} names the package and what it needs
     * ({@link dev.mldeploy.python.NoPlatformBuildException}'s message).
     */
    public static DependencySizes refused(String why) {
        return new DependencySizes(Basis.REFUSED, 0, List.of(), why);
    }

    /** The bytes, or empty when unknown or refused. */
    public OptionalLong knownBytes() {
        return basis == Basis.MEASURED || basis == Basis.ESTIMATED ? OptionalLong.of(bytes) : OptionalLong.empty();
    }

    /** The {@code n} largest packages. */
    public List<PackageSize> largest(int n) {
        return packages.subList(0, Math.min(Math.max(0, n), packages.size()));
    }

    /** {@code torch 1.9 GB, numpy 38 MB, ...}: the {@code n} largest, with {@code ...} when there are more. */
    public String describeLargest(int n) {
        String listed = largest(n).stream().map(e -> e.name() + " " + approximate(e.bytes()))
                .collect(Collectors.joining(", "));
        return packages.size() > n ? listed + ", ..." : listed;
    }

    /**
     * A size for people, in binary units with two figures or more: {@code 1.9 GB}, {@code 38 MB}, {@code 4.2 MB},
     * {@code 12 KB}, {@code 512 bytes}.
     */
    public static String approximate(long bytes) {
        long kb = 1024L;
        long mb = kb * kb;
        long gb = mb * kb;
        if (bytes >= gb) {
            return oneDecimal(bytes, gb) + " GB";
        }
        if (bytes >= mb) {
            return oneDecimal(bytes, mb) + " MB";
        }
        if (bytes >= kb) {
            return oneDecimal(bytes, kb) + " KB";
        }
        return bytes + " bytes";
    }

    /** Under 10 units with one decimal (none when it is .0), otherwise whole. */
    private static String oneDecimal(long bytes, long unit) {
        BigDecimal v = BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(unit), 1, RoundingMode.HALF_UP);
        if (v.compareTo(BigDecimal.TEN) >= 0) {
            v = v.setScale(0, RoundingMode.HALF_UP);
        }
        return v.stripTrailingZeros().toPlainString();
    }
}
