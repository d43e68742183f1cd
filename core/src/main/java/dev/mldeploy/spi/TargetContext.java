package dev.mldeploy.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a provider may read when it creates its target.
 *
 * @param environment the environment to read defaults from (normally {@link System#getenv()})
 */
public record TargetContext(Map<String, String> environment) {
    public TargetContext {
        environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    }

    /** The environment variable {@code key}, when set and not blank. */
    public Optional<String> env(String key) {
        String v = environment.get(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }
}
