package dev.mldeploy.lambda.internal;

import dev.mldeploy.ProgressListener;
import dev.mldeploy.image.BuiltImage;
import dev.mldeploy.image.ImageBuilder;
import dev.mldeploy.image.ImageDestination;
import dev.mldeploy.image.ImageRecipe;
import dev.mldeploy.image.RegistryCredentials;
import java.time.Duration;

/**
 * Builds an image and pushes it to a registry: {@link #JIB} ({@link ImageBuilder}) in every target; tests with
 * mocked AWS clients replace it, as they replace the clients.
 */
@FunctionalInterface
public interface ImagePush {
    /** Jib, through {@link ImageBuilder}; plain HTTP only when {@code insecure} (a loopback test registry). */
    ImagePush JIB = (recipe, to, credentials, insecure, timeout, listener) -> ImageBuilder.builder()
            .baseImageCredentials(credentials).allowInsecure(insecure).build().build(recipe, to, timeout, listener);

    /**
     * @param credentials for the destination and for pulling the base image
     */
    BuiltImage push(ImageRecipe recipe, ImageDestination.Registry to, RegistryCredentials credentials,
                    boolean insecure, Duration timeout, ProgressListener listener);
}
