package dev.mldeploy.spi;

import dev.mldeploy.InvalidConfigurationException;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a provider may read when it creates its target.
 *
 * @param environment the environment to read defaults from (normally {@link System#getenv()})
 */
public record TargetContext(Map<String, String> environment) {
    /** Bounds a whole deploy or undeploy on targets whose caller gives none (the CLI's {@code --timeout}). */
    public static final String TIMEOUT = "MLDEPLOY_TIMEOUT";
    /** Bounds each describe, list and invoke call, which take no timeout in the API (the CLI's {@code --timeout}). */
    public static final String CALL_TIMEOUT = "MLDEPLOY_CALL_TIMEOUT";

    private static final java.util.regex.Pattern SHORT_DURATION =
            java.util.regex.Pattern.compile("^(\\d+)(ms|s|m|h)?$");
    public TargetContext {
        environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    }

    /** The environment variable {@code key}, when set and not blank. */
    public Optional<String> env(String key) {
        String v = environment.get(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }

    /**
     * The environment variable {@code key} as a duration, when set: {@code 10s}, {@code 500ms}, {@code 2m},
     * {@code 1h}, a plain number of seconds, or ISO-8601 ({@code PT10S}).
     *
     * @throws InvalidConfigurationException the value is no positive duration
     */
    public Optional<Duration> duration(String key) {
        return env(key).map(v -> parseDuration(v).orElseThrow(() -> new InvalidConfigurationException(key + "='"
                + v + "' is not a positive duration; give one such as 10s, 500ms, 2m or PT10S")));
    }

    /**
     * {@code text} as a positive duration: {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h}, a plain number of
     * seconds, or ISO-8601 ({@code PT10S}); empty when it is none. The one parser for the durations the CLI hands
     * to the targets, so both accept the same forms.
     */
    public static Optional<Duration> parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Duration d = null;
        try {
            java.util.regex.Matcher m = SHORT_DURATION.matcher(t);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "s" : m.group(2);
                d = switch (unit) {
                    case "ms" -> Duration.ofMillis(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofSeconds(n);
                };
            } else if (t.startsWith("p")) {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            }
        } catch (RuntimeException e) {
            d = null; // not a duration: the caller says so with its own key or flag
        }
        return d == null || d.isNegative() || d.isZero() ? Optional.empty() : Optional.of(d);
    }
}
