package dev.mldeploy.image.internal;

import dev.mldeploy.image.RegistryCredential;
import dev.mldeploy.image.RegistryCredentials;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials from {@value #USERNAME} and {@value #PASSWORD}, for the registry {@value #REGISTRY} names (host or
 * host:port, compared without case), or for any registry when it is unset. Both names must be set to give one.
 */
public final class EnvironmentCredentials implements RegistryCredentials {
    public static final String USERNAME = "MLDEPLOY_REGISTRY_USERNAME";
    public static final String PASSWORD = "MLDEPLOY_REGISTRY_PASSWORD";
    public static final String REGISTRY = "MLDEPLOY_REGISTRY";
    private final Map<String, String> env;

    public EnvironmentCredentials(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Optional<RegistryCredential> lookup(String registry) {
        String user = env.get(USERNAME);
        String password = env.get(PASSWORD);
        if (user == null || user.isEmpty() || password == null) {
            return Optional.empty();
        }
        String only = env.get(REGISTRY);
        if (only != null && !only.isBlank()
                && !only.trim().toLowerCase(Locale.ROOT).equals(registry.toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        return Optional.of(new RegistryCredential(user, password));
    }
}
