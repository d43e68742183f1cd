package dev.mldeploy.image.internal;

import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.image.ImageBuildException;
import dev.mldeploy.image.ImageDestination;
import dev.mldeploy.image.ImageRecipe;
import dev.mldeploy.image.ImageReference;
import dev.mldeploy.image.InsecureRegistryException;
import dev.mldeploy.image.InvalidImageException;
import dev.mldeploy.image.RegistryAuthenticationException;
import java.io.IOException;
import java.util.concurrent.ExecutionException;

/** Jib's exceptions as mldeploy's, saying what to change. Stateless. */
final class JibErrors {
    private JibErrors() {
    }

    static MlDeployException translate(Throwable e, ImageRecipe recipe, ImageDestination destination,
                                       boolean allowInsecure) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof MlDeployException m) {
            return m;
        }
        JibProgress.PlatformMismatch mismatch = find(t, JibProgress.PlatformMismatch.class);
        if (mismatch != null) {
            return new InvalidImageException("base image " + recipe.baseImage() + " is not for "
                    + recipe.platform() + ": " + mismatch.getMessage() + "; use a base built for " + recipe.platform()
                    + " (or a multi-platform index), or build for the base's platform", mismatch);
        }
        Throwable platform = find(t, com.google.cloud.tools.jib.image.json.PlatformNotFoundInBaseImageException.class);
        if (platform != null) {
            return new InvalidImageException("base image " + recipe.baseImage() + " has no " + recipe.platform()
                    + " image: " + platform.getMessage() + "; use a base built for " + recipe.platform()
                    + " (or a multi-platform index holding one), or build for the base's platform", platform);
        }
        String where = where(destination);
        com.google.cloud.tools.jib.api.InsecureRegistryException insecure =
                find(t, com.google.cloud.tools.jib.api.InsecureRegistryException.class);
        if (insecure != null) {
            boolean loopback = RecipeCheck.registries(recipe, destination).stream()
                    .allMatch(ImageReference::isLoopback);
            String fix = !allowInsecure && loopback
                    ? "; the registry is on loopback: allow plain HTTP with ImageBuilder.builder().allowInsecure(true) "
                    + "(CLI --allow-insecure)"
                    : "; give it a certificate the JVM trusts (plain HTTP is only for loopback registries)";
            return new InsecureRegistryException("a registry did not answer over TLS with a trusted certificate ("
                    + insecure.getMessage() + ")" + fix, insecure);
        }
        RegistryUnauthorizedException unauthorized = find(t, RegistryUnauthorizedException.class);
        if (unauthorized != null) {
            return new RegistryAuthenticationException("the registry refused access to "
                    + unauthorized.getImageReference() + " (" + unauthorized.getMessage() + "); give credentials for it ("
                    + EnvironmentCredentials.USERNAME + "/" + EnvironmentCredentials.PASSWORD + ", the Docker "
                    + "config's auths, or RegistryCredentials.basic) or check them", unauthorized);
        }
        Throwable notSent = find(t, com.google.cloud.tools.jib.registry.RegistryCredentialsNotSentException.class);
        if (notSent != null) {
            return new RegistryAuthenticationException("credentials are not sent over plain HTTP; use a loopback "
                    + "registry without authentication, or TLS", notSent);
        }
        RegistryException registry = find(t, RegistryException.class);
        if (registry != null) {
            String m = String.valueOf(registry.getMessage());
            if (m.contains("manifest unknown") || m.contains("MANIFEST_UNKNOWN") || m.contains("NAME_UNKNOWN")) {
                return new ImageBuildException("base image " + recipe.baseImage() + " was not found in its registry ("
                        + m + "); check the reference (--base-image)", registry, false);
            }
            return new ImageBuildException("the registry failed while building " + where + ": " + m, registry, false);
        }
        IOException io = find(t, IOException.class);
        if (io != null) {
            return new ImageBuildException("cannot build " + where + ": " + io, io, true);
        }
        return new ImageBuildException("cannot build " + where + ": " + t, t, false);
    }

    static String where(ImageDestination destination) {
        if (destination instanceof ImageDestination.Registry r) {
            return "image " + r.reference();
        }
        return "the OCI layout " + ((ImageDestination.OciLayout) destination).directory();
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
