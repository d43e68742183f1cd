package dev.mldeploy.image;

import java.nio.file.Path;
import java.util.Objects;

/** Where a built image goes: a registry (pushed) or an OCI image layout directory on disk (nothing pushed). */
public sealed interface ImageDestination permits ImageDestination.Registry, ImageDestination.OciLayout {

    /** Pushed to {@code reference} with {@code credentials}. */
    static Registry registry(ImageReference reference, RegistryCredentials credentials) {
        return new Registry(reference, credentials);
    }

    /** Parses {@code reference}; a malformed one throws {@link InvalidImageException}. */
    static Registry registry(String reference, RegistryCredentials credentials) {
        return new Registry(ImageReference.parse(reference), credentials);
    }

    /**
     * Written as an OCI image layout ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/...}) into
     * {@code directory}, which must be absent, empty or an earlier layout (then replaced).
     */
    static OciLayout ociLayout(Path directory) {
        return new OciLayout(directory);
    }

    /** A registry destination. */
    record Registry(ImageReference reference, RegistryCredentials credentials) implements ImageDestination {
        public Registry {
            Objects.requireNonNull(reference, "reference");
            Objects.requireNonNull(credentials, "credentials");
        }
    }

    /** An OCI image layout directory. */
    record OciLayout(Path directory) implements ImageDestination {
        public OciLayout {
            Objects.requireNonNull(directory, "directory");
        }
    }
}
