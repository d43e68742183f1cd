package dev.mldeploy.image;

import dev.mldeploy.ProgressListener;
import dev.mldeploy.image.internal.JibImageBuild;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Builds an image from an {@link ImageRecipe} and pushes it to a registry or writes it as an OCI layout, with
 * Jib's core library ({@code com.google.cloud.tools:jib-core}): Jib assembles layers as reproducible tarballs and
 * speaks the registry API itself, so no Docker daemon (nor any other program) is needed, on the user's machine or
 * in CI. Layers are pushed only when the registry lacks them, so an unchanged rebuild uploads nothing.
 *
 * <p>Everything checkable is checked before the first network call: the references, the files of every layer, the
 * destination directory, and the plain-HTTP rule ({@link Builder#allowInsecure}). Thread-safe; each build runs on
 * its own threads, bounded by the caller's timeout.
 */
public final class ImageBuilder {
    /** {@code ~/.cache/mldeploy/images}: base layers and built layers, shared between builds. */
    public static final Path DEFAULT_CACHE = Path.of(System.getProperty("user.home"), ".cache", "mldeploy", "images");
    private final Path cacheDirectory;
    private final RegistryCredentials baseImageCredentials;
    private final boolean allowInsecure;

    private ImageBuilder(Builder b) {
        this.cacheDirectory = b.cacheDirectory;
        this.baseImageCredentials = b.baseImageCredentials;
        this.allowInsecure = b.allowInsecure;
    }

    /** A builder with the defaults: {@link #DEFAULT_CACHE}, {@link RegistryCredentials#defaultChain()}, TLS only. */
    public static ImageBuilder create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds {@code recipe} and sends it to {@code destination}.
     *
     * @param timeout  the bound of the whole build and push
     * @param listener progress: phases {@code image-base}, {@code image-layer}, {@code image-push},
     *                 {@code image-skip} (a blob the registry already had), {@code image-done}
     * @throws InvalidImageException            a bad recipe or reference, a missing file; nothing contacted
     * @throws InsecureRegistryException        plain HTTP asked for a registry not on loopback; nothing contacted
     * @throws RegistryAuthenticationException  a registry refused the credentials
     * @throws ImageBuildException              the base image is missing, a registry or file failed
     * @throws dev.mldeploy.OperationTimeoutException the build did not finish within {@code timeout}
     */
    public BuiltImage build(ImageRecipe recipe, ImageDestination destination, Duration timeout,
                            ProgressListener listener) {
        Objects.requireNonNull(recipe, "recipe");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(listener, "listener");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return new JibImageBuild(recipe, destination, cacheDirectory, baseImageCredentials, allowInsecure, timeout,
                listener).run();
    }

    /**
     * The checks {@link #build} makes on a base and a destination, for a caller to make before it prepares a recipe
     * (resolving dependencies can take minutes): the plain-HTTP rule and, for a layout, its directory. Contacts
     * nothing.
     *
     * @throws InsecureRegistryException with {@link Builder#allowInsecure} and a registry off loopback
     * @throws dev.mldeploy.InvalidConfigurationException an OCI layout directory that is neither new, empty nor a
     *                                                    layout
     */
    public void check(ImageReference baseImage, ImageDestination destination) {
        Objects.requireNonNull(baseImage, "baseImage");
        Objects.requireNonNull(destination, "destination");
        dev.mldeploy.image.internal.RecipeCheck.check(baseImage, destination, allowInsecure);
    }

    /** {@link #build(ImageRecipe, ImageDestination, Duration, ProgressListener)} without progress. */
    public BuiltImage build(ImageRecipe recipe, ImageDestination destination, Duration timeout) {
        return build(recipe, destination, timeout, ProgressListener.none());
    }

    public Path cacheDirectory() {
        return cacheDirectory;
    }

    public boolean allowInsecure() {
        return allowInsecure;
    }

    /** Builder for {@link ImageBuilder}. */
    public static final class Builder {
        private Path cacheDirectory = DEFAULT_CACHE;
        private RegistryCredentials baseImageCredentials = RegistryCredentials.defaultChain();
        private boolean allowInsecure;

        private Builder() {
        }

        /** Where base and built layers are cached between builds. */
        public Builder cacheDirectory(Path dir) {
            this.cacheDirectory = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** Credentials for pulling base images (anonymous when a registry has none). */
        public Builder baseImageCredentials(RegistryCredentials credentials) {
            this.baseImageCredentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /**
         * Allows plain HTTP, which is ONLY for registries on loopback ({@link ImageReference#isLoopback()}). Jib
         * allows it per build, not per registry, so a build with it on refuses (with
         * {@link InsecureRegistryException}, before any call) any base or destination registry off loopback.
         */
        public Builder allowInsecure(boolean allow) {
            this.allowInsecure = allow;
            return this;
        }

        public ImageBuilder build() {
            return new ImageBuilder(this);
        }
    }
}
