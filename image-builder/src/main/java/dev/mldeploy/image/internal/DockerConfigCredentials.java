package dev.mldeploy.image.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.image.RegistryCredential;
import dev.mldeploy.image.RegistryCredentials;
import dev.mldeploy.spi.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code auths} of a Docker config file, read at each lookup (a {@code docker login} in between is seen). An
 * entry matches a registry when its key, with any {@code http(s)://} prefix and any path removed, equals the
 * registry (host or host:port, without case); Docker Hub's entry is {@code https://index.docker.io/v1/}. Credential
 * helpers are not run: they are programs, and running one is the caller's choice. A missing file means no
 * credentials; an unreadable or malformed one is an {@link InvalidConfigurationException}.
 */
public final class DockerConfigCredentials implements RegistryCredentials {
    private final Path file;

    public DockerConfigCredentials(Path file) {
        this.file = file;
    }

    /** {@code $DOCKER_CONFIG/config.json}, or {@code ~/.docker/config.json}. */
    public static DockerConfigCredentials defaultLocation() {
        String dir = System.getenv("DOCKER_CONFIG");
        Path base = dir != null && !dir.isBlank() ? Path.of(dir)
                : Path.of(System.getProperty("user.home"), ".docker");
        return new DockerConfigCredentials(base.resolve("config.json"));
    }

    @Override
    public Optional<RegistryCredential> lookup(String registry) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Object root;
        try {
            root = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidConfigurationException("cannot read the Docker config " + file + ": " + e.getMessage()
                    + "; fix or remove it, or pass credentials another way", e);
        }
        if (!(root instanceof Map<?, ?> m) || !(m.get("auths") instanceof Map<?, ?> auths)) {
            return Optional.empty();
        }
        String wanted = normalize(registry);
        for (Map.Entry<?, ?> e : auths.entrySet()) {
            if (normalize(String.valueOf(e.getKey())).equals(wanted) && e.getValue() instanceof Map<?, ?> entry) {
                Optional<RegistryCredential> c = credential(entry);
                if (c.isPresent()) {
                    return c;
                }
            }
        }
        return Optional.empty();
    }

    private Optional<RegistryCredential> credential(Map<?, ?> entry) {
        if (entry.get("auth") instanceof String auth && !auth.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException("an 'auth' entry of the Docker config " + file
                        + " is not base64 of user:password", e);
            }
            int colon = decoded.indexOf(':');
            if (colon <= 0) {
                throw new InvalidConfigurationException("an 'auth' entry of the Docker config " + file
                        + " is not base64 of user:password");
            }
            return Optional.of(new RegistryCredential(decoded.substring(0, colon), decoded.substring(colon + 1)));
        }
        if (entry.get("username") instanceof String u && !u.isEmpty() && entry.get("password") instanceof String p) {
            return Optional.of(new RegistryCredential(u, p));
        }
        return Optional.empty();
    }

    static String normalize(String key) {
        String k = key.trim().toLowerCase(Locale.ROOT);
        int scheme = k.indexOf("://");
        if (scheme >= 0) {
            k = k.substring(scheme + 3);
        }
        int slash = k.indexOf('/');
        if (slash >= 0) {
            k = k.substring(0, slash);
        }
        return switch (k) {
            case "index.docker.io", "docker.io", "registry-1.docker.io" -> "registry-1.docker.io";
            default -> k;
        };
    }
}
