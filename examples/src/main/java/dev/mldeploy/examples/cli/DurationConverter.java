package dev.mldeploy.examples.cli;

import dev.mldeploy.spi.TargetContext;
import java.time.Duration;
import picocli.CommandLine;

/**
 * Parses {@code 500ms}, {@code 90s}, {@code 10m}, {@code 1h}, ISO-8601 ({@code PT5M}) or a bare number of seconds,
 * with core's parser, so the CLI takes the same forms the targets read from {@code MLDEPLOY_TIMEOUT}.
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return TargetContext.parseDuration(value).orElseThrow(() -> new CommandLine.TypeConversionException("'"
                + value + "' is not a duration; use e.g. 90s, 10m, 1h or PT5M (more than zero)"));
    }
}
