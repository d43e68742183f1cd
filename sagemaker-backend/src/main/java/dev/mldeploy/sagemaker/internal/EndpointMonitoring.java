package dev.mldeploy.sagemaker.internal;

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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantSummary;

/**
 * What CloudWatch knows about an endpoint: its metrics per production variant ({@code AWS/SageMaker}, dimensions
 * {@code EndpointName} and {@code VariantName}), its log group {@code /aws/sagemaker/Endpoints/<endpoint>}, and its
 * default alarms. The CloudWatch clients are built on first use. Thread-safe. Not API.
 */
public final class EndpointMonitoring {
    static final String NAMESPACE = "AWS/SageMaker";
    /** ModelLatency and OverheadLatency are in microseconds. */
    static final double MICROS_PER_MILLI = 1000;

    private final SageMakerApi api;
    private final Supplier<CloudWatchClient> cloudWatch;
    private final Supplier<CloudWatchLogsClient> logs;

    public EndpointMonitoring(SageMakerApi api, Supplier<CloudWatchClient> cloudWatch,
                              Supplier<CloudWatchLogsClient> logs) {
        this.api = api;
        this.cloudWatch = cloudWatch;
        this.logs = logs;
    }

    /** The log group SageMaker writes an endpoint's container output to. */
    public static String logGroup(String endpoint) {
        return "/aws/sagemaker/Endpoints/" + endpoint;
    }

    /** The series read for each variant: counts by Sum, latencies by their p50, p90 and p99 in milliseconds. */
    static List<MetricSeries> series(String endpoint, List<String> variants) {
        List<MetricSeries> all = new ArrayList<>();
        for (String v : variants) {
            Map<String, String> dims = dimensions(endpoint, v);
            all.add(MetricSeries.of(v, NAMESPACE, "Invocations", dims, "Sum", Metric.INVOCATIONS));
            all.add(MetricSeries.of(v, NAMESPACE, "Invocation4XXErrors", dims, "Sum", Metric.ERRORS_4XX));
            all.add(MetricSeries.of(v, NAMESPACE, "Invocation5XXErrors", dims, "Sum", Metric.ERRORS_5XX));
            all.add(MetricSeries.percentiles(v, NAMESPACE, "ModelLatency", dims, Metric.LATENCY_P50,
                    Metric.LATENCY_P90, Metric.LATENCY_P99, 1 / MICROS_PER_MILLI));
            all.add(MetricSeries.percentiles(v, NAMESPACE, "OverheadLatency", dims, Metric.OVERHEAD_P50,
                    Metric.OVERHEAD_P90, Metric.OVERHEAD_P99, 1 / MICROS_PER_MILLI));
        }
        return all;
    }

    /** What the alarms watch: 4xx and 5xx over invocations, and ModelLatency, of every variant. */
    static DeploymentAlarms.Watched watched(String endpoint, List<String> variants) {
        return new DeploymentAlarms.Watched(NAMESPACE, variants.stream().map(v -> dimensions(endpoint, v)).toList(),
                List.of("Invocation4XXErrors", "Invocation5XXErrors"), "Invocations", "ModelLatency",
                MICROS_PER_MILLI);
    }

    private static Map<String, String> dimensions(String endpoint, String variant) {
        Map<String, String> dims = new LinkedHashMap<>();
        dims.put("EndpointName", endpoint);
        dims.put("VariantName", variant);
        return dims;
    }

    /**
     * The figures of every variant of {@code name}'s endpoint over the query's window.
     *
     * @throws DeploymentNotFoundException mldeploy made no endpoint for {@code name}
     */
    public DeploymentMetrics metrics(String name, MetricsQuery query) {
        String endpoint = Naming.endpointName(name);
        List<String> variants;
        try (CallBudget.Scope s = CallBudget.open(CallBudget.of(query.timeout(), "describing " + endpoint))) {
            variants = variants(managedEndpoint(name).orElseThrow(() -> notFound(name)));
        }
        if (variants.isEmpty()) { // still being created: SageMaker lists no variant yet
            variants = List.of(DeploymentPlan.DEFAULT_VARIANT);
        }
        return new CloudWatchMetrics(cloudWatch.get()).read(name, SageMakerSettings.NAME, query,
                series(endpoint, variants));
    }

    /**
     * The newest lines of the endpoint's log group since the query's start; none when the group does not exist yet.
     * A group left by a failed deploy is read even though the endpoint is gone.
     *
     * @throws DeploymentNotFoundException there is neither an endpoint nor a log group
     */
    public List<LogEvent> logs(String name, LogQuery query) {
        String endpoint = Naming.endpointName(name);
        Optional<List<LogEvent>> events = new CloudWatchLogReader(logs.get()).read(logGroup(endpoint), query);
        if (events.isPresent()) {
            return events.get();
        }
        try (CallBudget.Scope s = CallBudget.open(CallBudget.of(query.timeout(), "describing " + endpoint))) {
            if (managedEndpoint(name).isEmpty()) {
                throw new DeploymentNotFoundException(name, "no sagemaker deployment named '" + name + "' and no "
                        + "log group " + logGroup(endpoint) + "; deploy it first");
            }
        }
        return List.of();
    }

    /** The alarms the deploy asked for, created or updated on the endpoint it deployed. */
    public DeployResult putAlarms(DeployResult result, AlarmPolicy policy, DeployContext ctx) {
        String endpoint = result.deployment().attributes().getOrDefault("endpointName",
                Naming.endpointName(result.deployment().name()));
        List<String> variants;
        try (CallBudget.Scope s = CallBudget.open(CallBudget.of(ctx))) {
            variants = api.describeEndpoint(endpoint).map(EndpointMonitoring::variants).orElse(List.of());
        }
        if (variants.isEmpty()) {
            variants = List.of(DeploymentPlan.DEFAULT_VARIANT);
        }
        return new DeploymentAlarms(cloudWatch.get()).afterDeploy(result, SageMakerSettings.NAME, policy,
                watched(endpoint, variants), ctx);
    }

    /** {@code d} naming its alarms. */
    public Deployment withAlarms(Deployment d, CallBudget budget) {
        return reachableAlarms().map(a -> a.describe(d, budget)).orElse(d);
    }

    /** Removes {@code name}'s alarms; whether there were any. */
    public boolean removeAlarms(String name, DeployContext ctx) {
        return reachableAlarms().map(a -> a.removeOnUndeploy(SageMakerSettings.NAME, name, ctx)).orElse(false);
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
            org.slf4j.LoggerFactory.getLogger(EndpointMonitoring.class).debug("no CloudWatch client ({}); not looking "
                    + "for alarms", e.toString());
            return java.util.Optional.empty();
        }
    }

    /** For the error of an endpoint that failed: the last lines of its log since {@code since} (never throws). */
    public String failureNote(String endpoint, Instant since) {
        try {
            return new CloudWatchLogReader(logs.get()).failureNote(logGroup(endpoint), since);
        } catch (RuntimeException e) {
            return "; its log " + logGroup(endpoint) + " could not be read (" + e.getClass().getSimpleName() + ")";
        }
    }

    private Optional<DescribeEndpointResponse> managedEndpoint(String name) {
        return api.describeEndpoint(Naming.endpointName(name))
                .filter(d -> Naming.isManaged(api.tags(d.endpointArn()), name));
    }

    private static List<String> variants(DescribeEndpointResponse d) {
        return d.hasProductionVariants() ? d.productionVariants().stream().map(ProductionVariantSummary::variantName)
                .toList() : List.of();
    }

    private static DeploymentNotFoundException notFound(String name) {
        return new DeploymentNotFoundException(name, "no sagemaker deployment named '" + name + "'; deploy it first");
    }
}
