package dev.mldeploy.image.internal;

import dev.mldeploy.ProgressListener;
import dev.mldeploy.image.BuiltImage;
import dev.mldeploy.image.ImageDestination;
import dev.mldeploy.image.ImageRecipe;
import dev.mldeploy.image.RegistryCredentials;
import java.nio.file.Path;
import java.time.Duration;

/** One build with Jib. */
public final class JibImageBuild {
    public JibImageBuild(ImageRecipe recipe, ImageDestination destination, Path cacheDirectory,
                         RegistryCredentials baseCredentials, boolean allowInsecure, Duration timeout,
                         ProgressListener listener) {
    }

    public BuiltImage run() {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
