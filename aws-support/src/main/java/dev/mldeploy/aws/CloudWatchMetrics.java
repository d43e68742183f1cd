package dev.mldeploy.aws;

import dev.mldeploy.DeploymentMetrics;
import dev.mldeploy.Metric;
import dev.mldeploy.MetricsQuery;
import dev.mldeploy.VariantMetrics;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricStatisticsRequest;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;

/**
 * Reads a deployment's figures from CloudWatch over one window, summarized as one period the length of the window
 * (a whole number of minutes, which CloudWatch requires): the plain statistics of every series in GetMetricData
 * requests (at most {@value #MAX_QUERIES} queries each, every page read), and the percentiles of each latency metric in
 * one GetMetricStatistics call with {@code ExtendedStatistics} (GetMetricData takes one percentile per query). Every
 * call is bounded by the query's timeout ({@link CallBudget}). Thread-safe.
 */
public final class CloudWatchMetrics {
    /** GetMetricData's limit of queries per request. */
    static final int MAX_QUERIES = 500;

    private final CloudWatchClient cloudWatch;

    public CloudWatchMetrics(CloudWatchClient cloudWatch) {
        this.cloudWatch = cloudWatch;
    }

    /**
     * The figures of {@code series} over the query's window, one entry per variant in the order the series name them.
     *
     * @throws dev.mldeploy.OperationTimeoutException the reads took longer than the query's timeout
     */
    public DeploymentMetrics read(String name, String target, MetricsQuery query, List<MetricSeries> series) {
        CallBudget budget = CallBudget.of(query.timeout(), "reading the CloudWatch metrics of " + target
                + " deployment '" + name + "'");
        Map<String, Map<Metric, Double>> byVariant = new LinkedHashMap<>();
        series.forEach(s -> byVariant.computeIfAbsent(s.variant(), v -> new EnumMap<>(Metric.class)));
        int period = (int) query.window().toSeconds();

        List<MetricDataQuery> queries = new ArrayList<>();
        Map<String, Plain> plain = new LinkedHashMap<>();
        for (MetricSeries s : series) {
            for (Map.Entry<String, Metric> stat : s.statistics().entrySet()) {
                if (MetricSeries.isPercentile(stat.getKey())) {
                    continue;
                }
                String id = "m" + queries.size();
                plain.put(id, new Plain(s, stat.getKey(), stat.getValue()));
                queries.add(MetricDataQuery.builder().id(id).returnData(true)
                        .metricStat(m -> m.period(period).stat(stat.getKey()).metric(x -> x
                                .namespace(s.namespace()).metricName(s.metricName()).dimensions(dimensions(s))))
                        .build());
            }
        }
        for (int from = 0; from < queries.size(); from += MAX_QUERIES) {
            List<MetricDataQuery> chunk = queries.subList(from, Math.min(queries.size(), from + MAX_QUERIES));
            String token = null;
            do {
                String next = token;
                GetMetricDataResponse r = cloudWatch.getMetricData(budget.on(GetMetricDataRequest.builder())
                        .startTime(query.start()).endTime(query.end()).scanBy(ScanBy.TIMESTAMP_ASCENDING)
                        .metricDataQueries(chunk).nextToken(next).build());
                for (MetricDataResult result : r.metricDataResults()) {
                    Plain p = plain.get(result.id());
                    if (p != null && result.hasValues()) {
                        for (Double v : result.values()) {
                            if (v != null) {
                                merge(byVariant.get(p.series().variant()), p.metric(), p.statistic(),
                                        v * p.series().scale());
                            }
                        }
                    }
                }
                token = r.nextToken();
            } while (token != null && !token.isEmpty());
        }

        for (MetricSeries s : series) {
            List<String> percentiles = s.statistics().keySet().stream().filter(MetricSeries::isPercentile).toList();
            if (percentiles.isEmpty()) {
                continue;
            }
            List<Datapoint> points = cloudWatch.getMetricStatistics(budget.on(GetMetricStatisticsRequest.builder())
                    .namespace(s.namespace()).metricName(s.metricName()).dimensions(dimensions(s))
                    .startTime(query.start()).endTime(query.end()).period(period)
                    .extendedStatistics(percentiles).build()).datapoints();
            for (Datapoint d : points) {
                if (!d.hasExtendedStatistics()) {
                    continue;
                }
                for (String p : percentiles) {
                    Double v = d.extendedStatistics().get(p);
                    if (v != null) {
                        // one period spans the window; with more, the highest percentile is the safe summary
                        merge(byVariant.get(s.variant()), s.statistics().get(p), "Maximum", v * s.scale());
                    }
                }
            }
        }
        List<VariantMetrics> variants = new ArrayList<>();
        byVariant.forEach((v, values) -> variants.add(new VariantMetrics(v, values)));
        return new DeploymentMetrics(name, target, query.start(), query.end(), variants);
    }

    static List<Dimension> dimensions(MetricSeries s) {
        return s.dimensions().entrySet().stream()
                .map(e -> Dimension.builder().name(e.getKey()).value(e.getValue()).build()).toList();
    }

    /** Combines a value into {@code values}: sums add up, maxima keep the highest, minima the lowest. */
    private static void merge(Map<Metric, Double> values, Metric metric, String statistic, double v) {
        values.merge(metric, v, switch (statistic) {
            case "Sum", "SampleCount" -> Double::sum;
            case "Minimum" -> Math::min;
            default -> Math::max;
        });
    }

    private record Plain(MetricSeries series, String statistic, Metric metric) {
    }
}
