package dev.mldeploy;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of a deployment's own log.
 *
 * @param timestamp when it was written (local: when the log file was last written, for lines with no time of their own)
 * @param source    where it came from: the CloudWatch log stream, or the local log file's name
 * @param message   the line, without its line break
 * @param id        an identifier unique within the deployment's log (CloudWatch's event id; local: file and line),
 *                  so that a caller polling with {@code --follow} prints each line once
 */
public record LogEvent(Instant timestamp, String source, String message, String id) {
    public LogEvent {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(id, "id");
    }
}
