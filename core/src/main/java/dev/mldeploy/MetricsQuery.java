package dev.mldeploy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Which time window {@link ModelDeployer#metrics} summarizes, and how long reading it may take.
 *
 * @param start   the window's start (inclusive), truncated to the minute
 * @param end     the window's end (exclusive), truncated to the minute; after {@code start}
 * @param timeout the longest the whole read may take
 */
public record MetricsQuery(Instant start, Instant end, Duration timeout) {
    /** The read's timeout when none is given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** The longest window: CloudWatch keeps one-minute data 15 days, and summaries of longer windows mislead. */
    public static final Duration MAX_WINDOW = Duration.ofDays(15);

    public MetricsQuery {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(timeout, "timeout");
        start = start.truncatedTo(ChronoUnit.MINUTES);
        end = end.truncatedTo(ChronoUnit.MINUTES);
        if (!start.isBefore(end)) {
            throw new InvalidConfigurationException("the metrics window must span at least one minute: start "
                    + start + " is not before end " + end + " (--since 1h)");
        }
        if (Duration.between(start, end).compareTo(MAX_WINDOW) > 0) {
            throw new InvalidConfigurationException("the metrics window is " + Duration.between(start, end).toDays()
                    + " days; at most 15 days of one-minute data are kept, so ask for 15 days or less (--since)");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new InvalidConfigurationException("the metrics timeout must be positive, was " + timeout);
        }
    }

    /** The last {@code window} up to the current minute (a window under a minute counts as one). */
    public static MetricsQuery last(Duration window) {
        return last(window, Clock.systemUTC());
    }

    /** {@link #last(Duration)} on {@code clock}. */
    public static MetricsQuery last(Duration window, Clock clock) {
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new InvalidConfigurationException("the metrics window must be positive, was " + window
                    + " (--since 1h)");
        }
        // the current minute is included: CloudWatch has its first data points after about a minute
        Instant end = clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        Duration rounded = Duration.ofMinutes(Math.max(1, (window.getSeconds() + 59) / 60));
        return new MetricsQuery(end.minus(rounded), end, DEFAULT_TIMEOUT);
    }

    public MetricsQuery withTimeout(Duration value) {
        return new MetricsQuery(start, end, value);
    }

    /** The window's length. */
    public Duration window() {
        return Duration.between(start, end);
    }
}
