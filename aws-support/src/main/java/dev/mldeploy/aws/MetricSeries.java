package dev.mldeploy.aws;

import dev.mldeploy.Metric;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One CloudWatch metric of one variant (or alias, or version) and the statistics read from it, each reported as a
 * {@link Metric}: {@code Sum}, {@code Maximum} and the like through GetMetricData, percentiles ({@code p50}, ...)
 * through GetMetricStatistics' extended statistics.
 *
 * @param variant    the variant, alias or version the figures belong to
 * @param namespace  {@code AWS/SageMaker}, {@code AWS/Lambda}
 * @param metricName {@code Invocations}, {@code ModelLatency}, ...
 * @param dimensions the metric's full dimension set, in order (CloudWatch matches the whole set)
 * @param statistics statistic to the figure it becomes, in order
 * @param scale      what a value is multiplied by (ModelLatency is in microseconds: 0.001 gives milliseconds)
 */
public record MetricSeries(String variant, String namespace, String metricName, Map<String, String> dimensions,
                           Map<String, Metric> statistics, double scale) {
    public MetricSeries {
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(metricName, "metricName");
        dimensions = Collections.unmodifiableMap(new LinkedHashMap<>(dimensions));
        statistics = Collections.unmodifiableMap(new LinkedHashMap<>(statistics));
        if (statistics.isEmpty()) {
            throw new IllegalArgumentException("no statistic for " + metricName);
        }
    }

    /** One statistic ({@code Sum}, {@code Maximum}) of a metric, unscaled. */
    public static MetricSeries of(String variant, String namespace, String metricName, Map<String, String> dimensions,
                                  String statistic, Metric metric) {
        return new MetricSeries(variant, namespace, metricName, dimensions, Map.of(statistic, metric), 1);
    }

    /** The p50, p90 and p99 of a latency metric, scaled to milliseconds. */
    public static MetricSeries percentiles(String variant, String namespace, String metricName,
                                           Map<String, String> dimensions, Metric p50, Metric p90, Metric p99,
                                           double toMillis) {
        Map<String, Metric> stats = new LinkedHashMap<>();
        stats.put("p50", p50);
        stats.put("p90", p90);
        stats.put("p99", p99);
        return new MetricSeries(variant, namespace, metricName, dimensions, stats, toMillis);
    }

    /** Whether the statistic is a percentile (an extended statistic). */
    static boolean isPercentile(String statistic) {
        return statistic.matches("p\\d+(\\.\\d+)?");
    }
}
