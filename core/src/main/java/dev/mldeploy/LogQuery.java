package dev.mldeploy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Which of a deployment's own log lines {@link ModelDeployer#logs} reads.
 *
 * @param start   the earliest line's time (inclusive)
 * @param limit   at most this many lines, the oldest first (1 to {@value #MAX_LIMIT})
 * @param timeout the longest the whole read (every page) may take
 */
public record LogQuery(Instant start, int limit, Duration timeout) {
    public static final int DEFAULT_LIMIT = 1_000;
    public static final int MAX_LIMIT = 100_000;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public LogQuery {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(timeout, "timeout");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidConfigurationException("the log line limit must be 1 to " + MAX_LIMIT + ", was "
                    + limit);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new InvalidConfigurationException("the log read timeout must be positive, was " + timeout);
        }
    }

    /** The lines of the last {@code window}, at most {@value #DEFAULT_LIMIT}. */
    public static LogQuery last(Duration window) {
        return last(window, Clock.systemUTC());
    }

    public static LogQuery last(Duration window, Clock clock) {
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new InvalidConfigurationException("the log window must be positive, was " + window
                    + " (--since 10m)");
        }
        return new LogQuery(clock.instant().minus(window), DEFAULT_LIMIT, DEFAULT_TIMEOUT);
    }

    public LogQuery withStart(Instant value) {
        return new LogQuery(value, limit, timeout);
    }

    public LogQuery withLimit(int value) {
        return new LogQuery(start, value, timeout);
    }

    public LogQuery withTimeout(Duration value) {
        return new LogQuery(start, limit, value);
    }
}
