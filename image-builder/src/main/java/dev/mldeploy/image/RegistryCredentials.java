package dev.mldeploy.image;

import dev.mldeploy.image.internal.DockerConfigCredentials;
import dev.mldeploy.image.internal.EnvironmentCredentials;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the credentials for a registry come from. A lookup is made per registry host (as in
 * {@link ImageReference#registry()}); an empty answer means anonymous access (enough for public base images such as
 * {@code public.ecr.aws}).
 *
 * <ul>
 *   <li>{@link #none()}: always anonymous.</li>
 *   <li>{@link #basic}: one user name and password, for every registry asked about.</li>
 *   <li>{@link #dockerConfig()}: the {@code auths} section of {@code $DOCKER_CONFIG/config.json} (default
 *       {@code ~/.docker/config.json}): each entry's {@code auth} (base64 {@code user:password}) or
 *       {@code username}/{@code password}, keyed by host, {@code https://host} or {@code https://host/v1/}.
 *       Credential helpers ({@code credsStore}, {@code credHelpers}) are not run.</li>
 *   <li>{@link #environment()}: {@value EnvironmentCredentials#USERNAME} and {@value EnvironmentCredentials#PASSWORD},
 *       for the registry named by {@value EnvironmentCredentials#REGISTRY} or, when that is unset, for any.</li>
 * </ul>
 */
@FunctionalInterface
public interface RegistryCredentials {

    /** The credential for {@code registry} (a host, with {@code :port} when it has one), if this source has one. */
    Optional<RegistryCredential> lookup(String registry);

    /** Anonymous access everywhere. */
    static RegistryCredentials none() {
        return registry -> Optional.empty();
    }

    /** {@code username} and {@code password} for every registry. */
    static RegistryCredentials basic(String username, String password) {
        RegistryCredential c = new RegistryCredential(username, password);
        return registry -> Optional.of(c);
    }

    /** The Docker config's {@code auths}, read at each lookup ({@code $DOCKER_CONFIG} or {@code ~/.docker}). */
    static RegistryCredentials dockerConfig() {
        return DockerConfigCredentials.defaultLocation();
    }

    /** The {@code auths} of the Docker config file {@code configJson}. */
    static RegistryCredentials dockerConfig(Path configJson) {
        return new DockerConfigCredentials(Objects.requireNonNull(configJson, "configJson"));
    }

    /** The {@code MLDEPLOY_REGISTRY_*} variables of this process. */
    static RegistryCredentials environment() {
        return new EnvironmentCredentials(System.getenv());
    }

    /** The {@code MLDEPLOY_REGISTRY_*} variables of {@code env}. */
    static RegistryCredentials environment(Map<String, String> env) {
        return new EnvironmentCredentials(Map.copyOf(env));
    }

    /** The environment first, then the Docker config: what the CLI uses. */
    static RegistryCredentials defaultChain() {
        return firstOf(environment(), dockerConfig());
    }

    /** The first source that has a credential for the registry. */
    static RegistryCredentials firstOf(RegistryCredentials... sources) {
        List<RegistryCredentials> list = List.of(sources);
        return registry -> {
            for (RegistryCredentials s : list) {
                Optional<RegistryCredential> c = s.lookup(registry);
                if (c.isPresent()) {
                    return c;
                }
            }
            return Optional.empty();
        };
    }
}
