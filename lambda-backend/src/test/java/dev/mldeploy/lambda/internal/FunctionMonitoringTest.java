package dev.mldeploy.lambda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.Metric;
import dev.mldeploy.aws.MetricSeries;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.model.AliasConfiguration;

class FunctionMonitoringTest {
    @Test
    void series_ofOneVersion_readTheLiveAliasByFunctionNameAndResource() {
        List<MetricSeries> s = FunctionMonitoring.series("f", List.of("3"));

        assertEquals(5, s.size());
        assertTrue(s.stream().allMatch(x -> x.variant().equals("live") && x.namespace().equals("AWS/Lambda")
                && x.dimensions().equals(Map.of("FunctionName", "f", "Resource", "f:live"))), s.toString());
        assertEquals(List.of("Invocations", "Errors", "Throttles", "ConcurrentExecutions", "Duration"),
                s.stream().map(MetricSeries::metricName).toList());
        MetricSeries concurrency = s.get(3);
        assertEquals(Map.of("Maximum", Metric.CONCURRENCY), concurrency.statistics());
        MetricSeries duration = s.get(4);
        assertEquals(List.of("p50", "p90", "p99"), List.copyOf(duration.statistics().keySet()));
        assertEquals(1.0, duration.scale(), "Duration is in milliseconds already");
    }

    @Test
    void series_whileTheAliasSplitsTraffic_addPerVersionSeriesByExecutedVersion() {
        AliasConfiguration alias = AliasConfiguration.builder().functionVersion("3")
                .routingConfig(r -> r.additionalVersionWeights(Map.of("4", 0.1))).build();

        List<String> versions = FunctionMonitoring.versions(Optional.of(alias));
        List<MetricSeries> s = FunctionMonitoring.series("f", versions);

        assertEquals(List.of("3", "4"), versions);
        MetricSeries v4 = s.stream().filter(x -> x.variant().equals("version 4")
                && x.metricName().equals("Invocations")).findFirst().orElseThrow();
        assertEquals(List.of("FunctionName=f", "Resource=f:live", "ExecutedVersion=4"), v4.dimensions().entrySet()
                .stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        assertEquals(5 + 2 * 3, s.size());
    }

    @Test
    void watched_alarmsOnErrorsOverInvocationsAndDuration_onTheAlias() {
        var w = FunctionMonitoring.watched("f");

        assertEquals(List.of("Errors"), w.errorMetrics());
        assertEquals("Invocations", w.invocationsMetric());
        assertEquals("Duration", w.latencyMetric());
        assertEquals(List.of(Map.of("FunctionName", "f", "Resource", "f:live")), w.dimensionSets());
    }
}
