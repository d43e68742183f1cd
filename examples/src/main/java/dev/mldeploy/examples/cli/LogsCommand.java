package dev.mldeploy.examples.cli;

import dev.mldeploy.LogEvent;
import dev.mldeploy.LogQuery;
import dev.mldeploy.ModelDeployer;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code mldeploy logs}: the model's own log lines, once or followed. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Prints the log lines the deployment NAME wrote since --since, oldest first: its CloudWatch "
                + "Logs group (/aws/sagemaker/Endpoints/<endpoint>, /aws/lambda/<function>) or, on the local "
                + "target, the model process's log file. --follow keeps printing new lines until interrupted "
                + "(each read is bounded by --timeout).")
final class LogsCommand implements Callable<Integer> {
    /** How often --follow asks for new lines. */
    static final Duration POLL_INTERVAL = Duration.ofSeconds(2);
    /** How many event ids --follow remembers to print each line once. */
    private static final int SEEN_IDS = 20_000;

    @ParentCommand
    MlDeployCli cli;
    @Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    OutputOptions out;
    @Mixin
    TargetOptions target;

    @Parameters(index = "0", paramLabel = "NAME", description = "The deployment.")
    String name;

    @Option(names = "--since", defaultValue = "10m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How far back to start (default 10m).")
    Duration since = Duration.ofMinutes(10);

    @Option(names = "--limit", defaultValue = "" + LogQuery.DEFAULT_LIMIT, paramLabel = "N",
            description = "At most the newest N lines (default " + LogQuery.DEFAULT_LIMIT + ").")
    int limit = LogQuery.DEFAULT_LIMIT;

    @Option(names = "--follow", description = "Keep printing new lines until interrupted.")
    boolean follow;

    @Override
    public Integer call() {
        if (limit < 1 || limit > LogQuery.MAX_LIMIT) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be 1 to "
                    + LogQuery.MAX_LIMIT + ", was " + limit);
        }
        LogQuery query = LogQuery.last(since).withLimit(limit).withTimeout(target.timeout);
        PrintWriter o = spec.commandLine().getOut();
        try (ModelDeployer deployer = cli.deployer(target.target, target.environment())) {
            List<LogEvent> events = deployer.logs(name, query);
            if (!follow) {
                if (out.json()) {
                    o.println(CliJson.pretty(events.stream().map(LogsCommand::json).toList()));
                } else {
                    events.forEach(e -> o.println(text(e)));
                }
                o.flush();
                return 0;
            }
            follow(deployer, query, events, o);
        }
        return 0;
    }

    /**
     * Prints {@code first}, then every line not printed yet, asking from the newest time seen (CloudWatch may add lines
     * with an earlier time later, within a poll's reach), until the thread is interrupted.
     */
    private void follow(ModelDeployer deployer, LogQuery query, List<LogEvent> first, PrintWriter o) {
        Set<String> seen = new HashSet<>();
        Deque<String> order = new ArrayDeque<>();
        Instant from = query.start();
        List<LogEvent> events = first;
        while (true) {
            for (LogEvent e : events) {
                if (seen.add(e.id())) {
                    order.addLast(e.id());
                    if (order.size() > SEEN_IDS) {
                        seen.remove(order.removeFirst());
                    }
                    o.println(out.json() ? CliJson.compact(json(e)) : text(e));
                }
                if (e.timestamp().isAfter(from)) {
                    from = e.timestamp();
                }
            }
            o.flush();
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            events = deployer.logs(name, query.withStart(from));
        }
    }

    static String text(LogEvent e) {
        return e.timestamp() + " " + e.source() + " " + e.message();
    }

    static Map<String, Object> json(LogEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("timestamp", e.timestamp().toString());
        m.put("source", e.source());
        m.put("message", e.message());
        m.put("id", e.id());
        return m;
    }
}
