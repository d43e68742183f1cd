package dev.mldeploy.aws;

import dev.mldeploy.LogEvent;
import dev.mldeploy.LogQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/**
 * Reads a deployment's own log lines from its CloudWatch Logs group with FilterLogEvents, every page until the last
 * (or the time runs out), keeping the newest: for {@code logs}, and for the last lines of a model that did not start,
 * which a failed deploy's error quotes ({@link #failureNote}). Thread-safe.
 */
public final class CloudWatchLogReader {
    private static final Logger LOG = LoggerFactory.getLogger(CloudWatchLogReader.class);
    /** How many lines a failed deploy's error quotes. */
    public static final int FAILURE_LINES = 20;
    /** The longest a failed deploy waits for its log lines: the failure itself must not wait on them. */
    public static final Duration FAILURE_READ_TIMEOUT = Duration.ofSeconds(5);
    /** FilterLogEvents' largest page. */
    static final int PAGE_LIMIT = 10_000;
    /** A long quoted line is cut here, so that one line cannot swamp an error message. */
    static final int MAX_QUOTED_LINE = 500;

    private final CloudWatchLogsClient logs;

    public CloudWatchLogReader(CloudWatchLogsClient logs) {
        this.logs = logs;
    }

    /**
     * The newest {@code query.limit()} events of {@code group} since the query's start, oldest first; empty when the
     * group does not exist (nothing was logged yet, or the service made no group).
     *
     * @throws dev.mldeploy.OperationTimeoutException the pages took longer than the query's timeout
     */
    public Optional<List<LogEvent>> read(String group, LogQuery query) {
        return read(group, query.start(), query.limit(), CallBudget.of(query.timeout(), "reading log group "
                + group));
    }

    private Optional<List<LogEvent>> read(String group, Instant start, int limit, CallBudget budget) {
        Deque<LogEvent> newest = new ArrayDeque<>();
        String token = null;
        try {
            do {
                String next = token;
                FilterLogEventsResponse r = logs.filterLogEvents(budget.on(FilterLogEventsRequest.builder())
                        .logGroupName(group).startTime(start.toEpochMilli()).limit(Math.min(PAGE_LIMIT, limit))
                        .nextToken(next).build());
                for (FilteredLogEvent e : r.events()) {
                    newest.addLast(toEvent(e));
                    if (newest.size() > limit) {
                        newest.removeFirst();
                    }
                }
                token = r.nextToken();
            } while (token != null && !token.isEmpty());
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
        return Optional.of(List.copyOf(newest));
    }

    /**
     * For the error of a deploy whose model did not start: the last {@value #FAILURE_LINES} lines {@code group} got
     * since {@code since}, as {@code "; the last N lines of its log (GROUP): ..."}, or a note that there are none or
     * that they could not be read. Never throws and takes at most {@link #FAILURE_READ_TIMEOUT}: the original
     * failure is what matters.
     */
    public String failureNote(String group, Instant since) {
        try {
            Optional<List<LogEvent>> events = read(group, since, FAILURE_LINES,
                    CallBudget.of(FAILURE_READ_TIMEOUT, "reading the last lines of log group " + group));
            if (events.isEmpty() || events.get().isEmpty()) {
                return "; its log group " + group + " has no lines since the deploy began";
            }
            return formatTail(group, events.get());
        } catch (RuntimeException e) {
            LOG.debug("could not read the log tail of {}: {}", group, e.toString());
            String code = AwsErrors.code(e);
            return "; its log " + group + " could not be read (" + (code.isEmpty() ? e.getClass().getSimpleName()
                    : code) + ")";
        }
    }

    /** The lines as a failure message quotes them: one per line, indented, long ones cut. */
    static String formatTail(String group, List<LogEvent> events) {
        return "; the last " + events.size() + (events.size() == 1 ? " line" : " lines") + " of its log (" + group
                + "):" + events.stream().map(e -> System.lineSeparator() + "    " + quoted(e.message()))
                .collect(Collectors.joining());
    }

    private static String quoted(String line) {
        String l = line.stripTrailing();
        return l.length() <= MAX_QUOTED_LINE ? l : l.substring(0, MAX_QUOTED_LINE) + " [...]";
    }

    private static LogEvent toEvent(FilteredLogEvent e) {
        String message = e.message() == null ? "" : e.message();
        if (message.endsWith("\n")) {
            message = message.substring(0, message.length() - 1);
        }
        return new LogEvent(Instant.ofEpochMilli(e.timestamp() == null ? 0 : e.timestamp()),
                e.logStreamName() == null ? "" : e.logStreamName(), message,
                e.eventId() != null ? e.eventId() : e.logStreamName() + "@" + e.timestamp() + "@" + message.hashCode());
    }
}
