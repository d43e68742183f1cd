package dev.mldeploy.image;

import dev.mldeploy.Architecture;
import java.util.Locale;
import java.util.Objects;

/**
 * The platform an image is built for: {@code linux} on {@code amd64} or {@code arm64} (OCI names). When the base is
 * a multi-platform index, this picks its manifest; a single-platform base must be of this platform.
 *
 * @param os           {@code linux}
 * @param architecture {@code amd64} or {@code arm64}
 */
public record ImagePlatform(String os, String architecture) {
    public ImagePlatform {
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(architecture, "architecture");
        if (!os.equals("linux")) {
            throw new InvalidImageException("unknown image os '" + os + "'; use linux");
        }
        if (!architecture.equals("amd64") && !architecture.equals("arm64")) {
            throw new InvalidImageException("unknown image architecture '" + architecture + "'; use amd64 or arm64"
                    + " (x86_64 and aarch64 are accepted by ImagePlatform.parse)");
        }
    }

    /** {@code linux} on {@code architecture} ({@code x86_64} is {@code amd64}). */
    public static ImagePlatform linux(Architecture architecture) {
        return new ImagePlatform("linux", architecture == Architecture.ARM64 ? "arm64" : "amd64");
    }

    /**
     * Parses {@code linux/amd64}, {@code linux/arm64}, or an architecture alone ({@code amd64}, {@code x86_64},
     * {@code arm64}, {@code aarch64}).
     *
     * @throws InvalidImageException for anything else
     */
    public static ImagePlatform parse(String value) {
        Objects.requireNonNull(value, "value");
        String v = value.toLowerCase(Locale.ROOT);
        String os = "linux";
        int slash = v.indexOf('/');
        if (slash >= 0) {
            os = v.substring(0, slash);
            v = v.substring(slash + 1);
        }
        String arch = switch (v) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> v;
        };
        return new ImagePlatform(os, arch);
    }

    /** The AWS architecture of this platform. */
    public Architecture awsArchitecture() {
        return architecture.equals("arm64") ? Architecture.ARM64 : Architecture.X86_64;
    }

    @Override
    public String toString() {
        return os + "/" + architecture;
    }
}
