package dev.mldeploy.lambda.internal;

import dev.mldeploy.AlarmPolicy;
import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentMetrics;
import dev.mldeploy.DeploymentNotFoundException;
import dev.mldeploy.LogEvent;
import dev.mldeploy.LogQuery;
import dev.mldeploy.Metric;
import dev.mldeploy.MetricsQuery;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.aws.CloudWatchLogReader;
import dev.mldeploy.aws.CloudWatchMetrics;
import dev.mldeploy.aws.DeploymentAlarms;
import dev.mldeploy.aws.MetricSeries;
import dev.mldeploy.spi.DeployContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.lambda.model.AliasConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;

/**
 * What CloudWatch knows about a function: its metrics on the {@code live} alias ({@code AWS/Lambda}, dimensions
 * {@code FunctionName} and {@code Resource=<function>:live}) and, while the alias splits traffic between versions,
 * per version ({@code ExecutedVersion}); its log group {@code /aws/lambda/<function>}; and its default alarms. The
 * CloudWatch clients are built on first use. Thread-safe.
 */
final class FunctionMonitoring {
    static final String NAMESPACE = "AWS/Lambda";

    private final FunctionReader reader;
    private final AliasManager aliases;
    private final Supplier<CloudWatchClient> cloudWatch;
    private final Supplier<CloudWatchLogsClient> logs;

    FunctionMonitoring(FunctionReader reader, AliasManager aliases, Supplier<CloudWatchClient> cloudWatch,
                       Supplier<CloudWatchLogsClient> logs) {
        this.reader = reader;
        this.aliases = aliases;
        this.cloudWatch = cloudWatch;
        this.logs = logs;
    }

    /** The log group Lambda writes a function's output to. */
    static String logGroup(String function) {
        return "/aws/lambda/" + function;
    }

    /**
     * The series read: the alias's invocations, function errors, throttles (Sum), concurrency (Maximum) and Duration
     * percentiles; and, when {@code versions} has more than one, invocations, errors and Duration per version.
     */
    static List<MetricSeries> series(String function, List<String> versions) {
        List<MetricSeries> all = new ArrayList<>();
        Map<String, String> alias = aliasDimensions(function);
        String live = LambdaSettings.ALIAS;
        all.add(MetricSeries.of(live, NAMESPACE, "Invocations", alias, "Sum", Metric.INVOCATIONS));
        all.add(MetricSeries.of(live, NAMESPACE, "Errors", alias, "Sum", Metric.FUNCTION_ERRORS));
        all.add(MetricSeries.of(live, NAMESPACE, "Throttles", alias, "Sum", Metric.THROTTLES));
        all.add(MetricSeries.of(live, NAMESPACE, "ConcurrentExecutions", alias, "Maximum", Metric.CONCURRENCY));
        all.add(MetricSeries.percentiles(live, NAMESPACE, "Duration", alias, Metric.LATENCY_P50, Metric.LATENCY_P90,
                Metric.LATENCY_P99, 1));
        if (versions.size() > 1) {
            for (String v : versions) {
                Map<String, String> dims = new LinkedHashMap<>(alias);
                dims.put("ExecutedVersion", v);
                String variant = "version " + v;
                all.add(MetricSeries.of(variant, NAMESPACE, "Invocations", dims, "Sum", Metric.INVOCATIONS));
                all.add(MetricSeries.of(variant, NAMESPACE, "Errors", dims, "Sum", Metric.FUNCTION_ERRORS));
                all.add(MetricSeries.percentiles(variant, NAMESPACE, "Duration", dims, Metric.LATENCY_P50,
                        Metric.LATENCY_P90, Metric.LATENCY_P99, 1));
            }
        }
        return all;
    }

    /** What the alarms watch: Errors over Invocations, and Duration, on the alias. */
    static DeploymentAlarms.Watched watched(String function) {
        return new DeploymentAlarms.Watched(NAMESPACE, List.of(aliasDimensions(function)), List.of("Errors"),
                "Invocations", "Duration", 1);
    }

    private static Map<String, String> aliasDimensions(String function) {
        Map<String, String> dims = new LinkedHashMap<>();
        dims.put("FunctionName", function);
        dims.put("Resource", function + ":" + LambdaSettings.ALIAS);
        return dims;
    }

    /**
     * The figures of {@code name}'s alias (and versions) over the query's window.
     *
     * @throws DeploymentNotFoundException mldeploy deployed no function {@code name}
     */
    DeploymentMetrics metrics(String name, MetricsQuery query) {
        CallBudget budget = CallBudget.of(query.timeout(), "describing Lambda deployment '" + name + "'");
        if (!managed(name, budget)) {
            throw new DeploymentNotFoundException(name, "no Lambda deployment named '" + name + "'; deploy it first");
        }
        return new CloudWatchMetrics(cloudWatch.get()).read(name, LambdaSettings.NAME, query,
                series(name, versions(aliases.alias(name, budget))));
    }

    /** The alias's version and those it routes a share of traffic to. */
    static List<String> versions(Optional<AliasConfiguration> alias) {
        Set<String> versions = new LinkedHashSet<>();
        alias.ifPresent(a -> {
            versions.add(a.functionVersion());
            if (a.routingConfig() != null && a.routingConfig().hasAdditionalVersionWeights()) {
                versions.addAll(a.routingConfig().additionalVersionWeights().keySet());
            }
        });
        return List.copyOf(versions);
    }

    /**
     * The newest lines of the function's log group since the query's start; none when there is no group yet. A group
     * left by a failed deploy is read even though the function is gone.
     *
     * @throws DeploymentNotFoundException there is neither a function nor a log group
     */
    List<LogEvent> logs(String name, LogQuery query) {
        Optional<List<LogEvent>> events = new CloudWatchLogReader(logs.get()).read(logGroup(name), query);
        if (events.isPresent()) {
            return events.get();
        }
        if (!managed(name, CallBudget.of(query.timeout(), "describing Lambda deployment '" + name + "'"))) {
            throw new DeploymentNotFoundException(name, "no Lambda deployment named '" + name + "' and no log group "
                    + logGroup(name) + "; deploy it first");
        }
        return List.of();
    }

    DeployResult putAlarms(DeployResult result, AlarmPolicy policy, DeployContext ctx) {
        return new DeploymentAlarms(cloudWatch.get()).afterDeploy(result, LambdaSettings.NAME, policy,
                watched(result.deployment().name()), ctx);
    }

    Deployment withAlarms(Deployment d, CallBudget budget) {
        return reachableAlarms().map(a -> a.describe(d, budget)).orElse(d);
    }

    boolean removeAlarms(String name, DeployContext ctx) {
        return reachableAlarms().map(a -> a.removeOnUndeploy(LambdaSettings.NAME, name, ctx)).orElse(false);
    }

    /**
     * Refuses a deploy that asks for alarms when no CloudWatch client can be built (no region for it, when the
     * caller gave only its own clients), before the deploy changes anything.
     */
    void checkAlarmsReachable() {
        cloudWatch.get();
    }

    /**
     * The alarms, when a CloudWatch client can be built: one that cannot (the caller gave its own clients and no
     * region) never made any, so describe and undeploy go on without them.
     */
    private java.util.Optional<DeploymentAlarms> reachableAlarms() {
        try {
            return java.util.Optional.of(new DeploymentAlarms(cloudWatch.get()));
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(FunctionMonitoring.class).debug("no CloudWatch client ({}); not looking "
                    + "for alarms", e.toString());
            return java.util.Optional.empty();
        }
    }

    /** For the error of a function that failed to become ready: the last lines of its log (never throws). */
    String failureNote(String function, Instant since) {
        try {
            return new CloudWatchLogReader(logs.get()).failureNote(logGroup(function), since);
        } catch (RuntimeException e) {
            return "; its log " + logGroup(function) + " could not be read (" + e.getClass().getSimpleName() + ")";
        }
    }

    private boolean managed(String name, CallBudget budget) {
        Optional<GetFunctionResponse> f = reader.get(name, budget);
        return f.isPresent() && FunctionReader.isManaged(f.get());
    }
}
