package dev.mldeploy.image;

import java.util.List;
import java.util.Objects;

/**
 * An image built and pushed (or written).
 *
 * @param digest       the manifest's digest ({@code sha256:...}): what a deploy by digest names
 * @param configDigest the config blob's digest (the image id)
 * @param layerDigests the manifest's layer digests, base layers first
 * @param pushedBlobs  blobs uploaded (or, for a layout, written) by this build
 * @param skippedBlobs blobs the registry already had, so not uploaded
 */
public record BuiltImage(String digest, String configDigest, List<String> layerDigests, int pushedBlobs,
                         int skippedBlobs) {
    public BuiltImage {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(configDigest, "configDigest");
        layerDigests = List.copyOf(layerDigests);
    }
}
