package dev.mldeploy.aws;

import dev.mldeploy.AlarmPolicy;
import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.spi.DeployContext;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.Tag;

/**
 * A deployment's default CloudWatch alarms ({@link AlarmPolicy}): {@code mldeploy-<target>-<name>-error-rate}, the
 * percentage of invocations that failed (metric math over the error and invocation counts of every watched
 * dimension set), and {@code mldeploy-<target>-<name>-p99-latency}, the highest p99 latency among them. Both treat
 * missing data as not breaching, and are tagged {@code mldeploy:name} and {@code mldeploy:target}. Their names follow
 * from the deployment's, so undeploy finds them with no state of its own, even after a failed deploy; an alarm of
 * such a name that lacks the tags is not mldeploy's and is left alone. Thread-safe.
 */
public final class DeploymentAlarms {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentAlarms.class);
    /** The attribute {@code describe} lists the alarms in, comma-separated. */
    public static final String ATTRIBUTE = "alarms";
    public static final String ERROR_RATE = "error-rate";
    public static final String P99_LATENCY = "p99-latency";
    static final String TAG_NAME = "mldeploy:name";
    static final String TAG_TARGET = "mldeploy:target";
    /** CloudWatch's limit on an alarm name. */
    static final int MAX_NAME = 255;

    /**
     * What the alarms watch on one target.
     *
     * @param namespace         {@code AWS/SageMaker}, {@code AWS/Lambda}
     * @param dimensionSets     one full dimension set per variant or alias watched
     * @param errorMetrics      the counts that make up the errors ({@code Invocation4XXErrors}, {@code Errors})
     * @param invocationsMetric the count of invocations
     * @param latencyMetric     the latency metric
     * @param unitsPerMilli     the latency metric's units in a millisecond (1000 for microseconds)
     */
    public record Watched(String namespace, List<Map<String, String>> dimensionSets, List<String> errorMetrics,
                          String invocationsMetric, String latencyMetric, double unitsPerMilli) {
        public Watched {
            Objects.requireNonNull(namespace, "namespace");
            dimensionSets = List.copyOf(dimensionSets);
            errorMetrics = List.copyOf(errorMetrics);
            if (dimensionSets.isEmpty() || errorMetrics.isEmpty()) {
                throw new IllegalArgumentException("alarms need a dimension set and an error metric");
            }
        }
    }

    private final CloudWatchClient cloudWatch;

    public DeploymentAlarms(CloudWatchClient cloudWatch) {
        this.cloudWatch = cloudWatch;
    }

    /** The names of {@code name}'s alarms on {@code target}, whether or not they exist. */
    public static List<String> names(String target, String name) {
        String prefix = "mldeploy-" + target + "-" + name + "-";
        return List.of(prefix + ERROR_RATE, prefix + P99_LATENCY);
    }

    /**
     * Creates or updates both alarms (PutMetricAlarm replaces an alarm of the same name).
     *
     * @return their names
     */
    public List<String> put(String target, String name, AlarmPolicy policy, Watched watched, CallBudget budget) {
        List<String> names = names(target, name);
        List<Tag> tags = List.of(Tag.builder().key(TAG_NAME).value(name).build(),
                Tag.builder().key(TAG_TARGET).value(target).build());
        cloudWatch.putMetricAlarm(errorRate(names.get(0), name, policy, watched, tags, budget));
        cloudWatch.putMetricAlarm(latency(names.get(1), name, policy, watched, tags, budget));
        return names;
    }

    static PutMetricAlarmRequest errorRate(String alarm, String name, AlarmPolicy policy, Watched w, List<Tag> tags,
                                           CallBudget budget) {
        int period = (int) policy.period().toSeconds();
        List<MetricDataQuery> metrics = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<String> invocations = new ArrayList<>();
        for (int d = 0; d < w.dimensionSets().size(); d++) {
            for (int m = 0; m < w.errorMetrics().size(); m++) {
                String id = "e" + d + "_" + m;
                errors.add(id);
                metrics.add(stat(id, w.namespace(), w.errorMetrics().get(m), w.dimensionSets().get(d), period, "Sum"));
            }
            String id = "i" + d;
            invocations.add(id);
            metrics.add(stat(id, w.namespace(), w.invocationsMetric(), w.dimensionSets().get(d), period, "Sum"));
        }
        metrics.add(MetricDataQuery.builder().id("rate").returnData(true).label("error rate (%)")
                .expression("100 * (" + String.join(" + ", errors) + ") / (" + String.join(" + ", invocations) + ")")
                .build());
        return common(budget.on(PutMetricAlarmRequest.builder()), alarm, policy, tags)
                .alarmDescription("mldeploy: more than " + policy.errorRatePercent() + "% of the invocations of '"
                        + name + "' failed")
                .threshold(policy.errorRatePercent()).metrics(metrics).build();
    }

    static PutMetricAlarmRequest latency(String alarm, String name, AlarmPolicy policy, Watched w, List<Tag> tags,
                                         CallBudget budget) {
        int period = (int) policy.period().toSeconds();
        List<MetricDataQuery> metrics = new ArrayList<>();
        for (int d = 0; d < w.dimensionSets().size(); d++) {
            metrics.add(stat("l" + d, w.namespace(), w.latencyMetric(), w.dimensionSets().get(d), period, "p99"));
        }
        String ids = metrics.stream().map(MetricDataQuery::id).collect(Collectors.joining(", "));
        metrics.add(MetricDataQuery.builder().id("p99").returnData(true).label("p99 latency")
                .expression("MAX([" + ids + "])").build());
        double threshold = policy.p99Latency().toNanos() / 1_000_000.0 * w.unitsPerMilli();
        return common(budget.on(PutMetricAlarmRequest.builder()), alarm, policy, tags)
                .alarmDescription("mldeploy: the p99 latency of '" + name + "' is above "
                        + policy.p99Latency().toMillis() + " ms")
                .threshold(threshold).metrics(metrics).build();
    }

    private static PutMetricAlarmRequest.Builder common(PutMetricAlarmRequest.Builder b, String alarm,
                                                        AlarmPolicy policy, List<Tag> tags) {
        if (alarm.length() > MAX_NAME) {
            throw new IllegalArgumentException("alarm name longer than " + MAX_NAME + ": " + alarm);
        }
        return b.alarmName(alarm).comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .evaluationPeriods(policy.evaluationPeriods()).datapointsToAlarm(policy.datapointsToAlarm())
                .treatMissingData("notBreaching").tags(tags);
    }

    private static MetricDataQuery stat(String id, String namespace, String metric, Map<String, String> dims,
                                        int period, String stat) {
        return MetricDataQuery.builder().id(id).returnData(false).metricStat(s -> s.period(period).stat(stat)
                .metric(m -> m.namespace(namespace).metricName(metric).dimensions(dims.entrySet().stream()
                        .map(e -> Dimension.builder().name(e.getKey()).value(e.getValue()).build()).toList())))
                .build();
    }

    /** The alarms of {@code name} on {@code target} that exist and are mldeploy's, with their states. */
    public List<MetricAlarm> find(String target, String name, CallBudget budget) {
        DescribeAlarmsResponse r = cloudWatch.describeAlarms(budget.on(
                software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsRequest.builder())
                .alarmNames(names(target, name)).build());
        List<MetricAlarm> ours = new ArrayList<>();
        for (MetricAlarm a : r.metricAlarms()) {
            Map<String, String> tags = cloudWatch.listTagsForResource(budget.on(
                    software.amazon.awssdk.services.cloudwatch.model.ListTagsForResourceRequest.builder())
                    .resourceARN(a.alarmArn()).build()).tags().stream()
                    .collect(Collectors.toMap(Tag::key, Tag::value, (x, y) -> y));
            if (name.equals(tags.get(TAG_NAME)) && target.equals(tags.get(TAG_TARGET))) {
                ours.add(a);
            }
        }
        return ours;
    }

    /**
     * Deletes {@code name}'s alarms on {@code target}.
     *
     * @return the names of those it deleted
     */
    public List<String> remove(String target, String name, CallBudget budget) {
        List<String> ours = find(target, name, budget).stream().map(MetricAlarm::alarmName).toList();
        if (!ours.isEmpty()) {
            cloudWatch.deleteAlarms(budget.on(
                    software.amazon.awssdk.services.cloudwatch.model.DeleteAlarmsRequest.builder())
                    .alarmNames(ours).build());
        }
        return ours;
    }

    /**
     * After a successful deploy that asked for alarms: creates or updates them, and returns the result naming them
     * (attribute {@value #ATTRIBUTE}). When that fails the deployment stays as deployed, the alarms this call may have
     * made are removed where possible, and the error says both.
     *
     * @throws DeploymentFailedException the alarms could not be created
     */
    public DeployResult afterDeploy(DeployResult result, String target, AlarmPolicy policy, Watched watched,
                                    DeployContext ctx) {
        String name = result.deployment().name();
        List<String> names;
        try {
            names = put(target, name, policy, watched, CallBudget.of(ctx));
        } catch (RuntimeException e) {
            String left;
            try {
                List<String> removed = remove(target, name, CallBudget.of(ctx).forCleanup());
                left = removed.isEmpty() ? "no alarm was left" : "removed the alarms made (" + String.join(", ",
                        removed) + ")";
            } catch (RuntimeException r) {
                e.addSuppressed(r);
                left = "could not check for alarms left (" + String.join(", ", names(target, name))
                        + "): 'undeploy " + name + "' removes them";
            }
            String done = switch (result.change()) {
                case CREATED -> "created";
                case UPDATED -> "updated";
                default -> "kept";
            };
            throw new DeploymentFailedException(done + " " + target
                    + " deployment '" + name + "', but creating its alarms failed: " + AwsErrors.message(e) + "; "
                    + left + "; deploy again with alarms to create them, or 'undeploy " + name + "'", e,
                    AwsErrors.isRetryable(e));
        }
        ctx.progress("alarms", "Created", "alarms " + String.join(", ", names));
        return new DeployResult(withAttribute(result.deployment(), String.join(",", names)), result.change(),
                result.message() + "; alarms " + String.join(", ", names), result.placement());
    }

    /**
     * {@code d} with the names of its alarms (attribute {@value #ATTRIBUTE}) when it has any; when they cannot be
     * read the attribute says so ({@code unknown (AccessDenied)}) rather than failing the describe.
     */
    public Deployment describe(Deployment d, CallBudget budget) {
        try {
            List<String> names = find(d.target(), d.name(), budget).stream().map(a -> a.alarmName() + " ("
                    + a.stateValueAsString() + ")").toList();
            return names.isEmpty() ? d : withAttribute(d, String.join(",", names));
        } catch (dev.mldeploy.OperationTimeoutException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.debug("could not read the alarms of {}: {}", d.name(), e.toString());
            String code = AwsErrors.code(e);
            return withAttribute(d, "unknown (" + (code.isEmpty() ? e.getClass().getSimpleName() : code) + ")");
        }
    }

    /**
     * For undeploy: removes {@code name}'s alarms and reports it. Without the right to read alarms (a caller who never
     * asked for them may lack it) the undeploy goes on, saying which alarms it could not check.
     *
     * @return whether it removed any
     * @throws DeploymentFailedException removing them failed otherwise
     */
    public boolean removeOnUndeploy(String target, String name, DeployContext ctx) {
        try {
            List<String> removed = remove(target, name, CallBudget.of(ctx));
            if (!removed.isEmpty()) {
                ctx.progress("delete", "Alarms", "deleted alarms " + String.join(", ", removed));
            }
            return !removed.isEmpty();
        } catch (RuntimeException e) {
            if (AwsErrors.isAccessDenied(e)) {
                LOG.warn("not allowed to read CloudWatch alarms; {} may be left", names(target, name));
                ctx.progress("delete", "Alarms", "not allowed to read CloudWatch alarms (" + AwsErrors.code(e)
                        + "): if it was deployed with alarms, delete " + String.join(", ", names(target, name)));
                return false;
            }
            if (e instanceof dev.mldeploy.OperationTimeoutException t) {
                throw t;
            }
            throw new DeploymentFailedException("removing the alarms of " + target + " deployment '" + name
                    + "' failed: " + AwsErrors.message(e) + "; run undeploy again to remove "
                    + String.join(", ", names(target, name)), e, AwsErrors.isRetryable(e));
        }
    }

    private static Deployment withAttribute(Deployment d, String value) {
        Map<String, String> attributes = new TreeMap<>(d.attributes());
        attributes.put(ATTRIBUTE, value);
        return new Deployment(d.name(), d.target(), d.variant(), d.status(), d.statusReason(), d.specHash(),
                d.endpoint(), d.createdAt(), d.updatedAt(), attributes);
    }
}
