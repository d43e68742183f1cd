package dev.mldeploy.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mldeploy.DeploymentMetrics;
import dev.mldeploy.Metric;
import dev.mldeploy.MetricsQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricStatisticsRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricStatisticsResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;

class CloudWatchMetricsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T17:30:42Z"), ZoneOffset.UTC);
    private final CloudWatchClient cloudWatch = mock(CloudWatchClient.class);

    private static Map<String, String> dims(String endpoint, String variant) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("EndpointName", endpoint);
        d.put("VariantName", variant);
        return d;
    }

    private static List<MetricSeries> endpointSeries() {
        return List.of(
                MetricSeries.of("AllTraffic", "AWS/SageMaker", "Invocations", dims("ep", "AllTraffic"), "Sum",
                        Metric.INVOCATIONS),
                MetricSeries.of("AllTraffic", "AWS/SageMaker", "Invocation5XXErrors", dims("ep", "AllTraffic"), "Sum",
                        Metric.ERRORS_5XX),
                MetricSeries.percentiles("AllTraffic", "AWS/SageMaker", "ModelLatency", dims("ep", "AllTraffic"),
                        Metric.LATENCY_P50, Metric.LATENCY_P90, Metric.LATENCY_P99, 0.001));
    }

    @Test
    void read_asksGetMetricDataForCountsInOnePeriodSpanningTheWindow_withEachSeriesFullDimensions() {
        when(cloudWatch.getMetricData(any(GetMetricDataRequest.class))).thenReturn(GetMetricDataResponse.builder()
                .build());
        when(cloudWatch.getMetricStatistics(any(GetMetricStatisticsRequest.class)))
                .thenReturn(GetMetricStatisticsResponse.builder().build());
        MetricsQuery q = MetricsQuery.last(Duration.ofHours(1), CLOCK);

        new CloudWatchMetrics(cloudWatch).read("m", "sagemaker", q, endpointSeries());

        ArgumentCaptor<GetMetricDataRequest> data = ArgumentCaptor.forClass(GetMetricDataRequest.class);
        verify(cloudWatch).getMetricData(data.capture());
        GetMetricDataRequest r = data.getValue();
        assertEquals(Instant.parse("2026-12-01T16:31:00Z"), r.startTime());
        assertEquals(Instant.parse("2026-12-01T17:31:00Z"), r.endTime());
        assertEquals(List.of("m0", "m1"), r.metricDataQueries().stream().map(MetricDataQuery::id).toList());
        MetricDataQuery first = r.metricDataQueries().get(0);
        assertEquals(3600, first.metricStat().period());
        assertEquals("Sum", first.metricStat().stat());
        assertEquals("AWS/SageMaker", first.metricStat().metric().namespace());
        assertEquals("Invocations", first.metricStat().metric().metricName());
        assertEquals(List.of("EndpointName=ep", "VariantName=AllTraffic"), first.metricStat().metric().dimensions()
                .stream().map(d -> d.name() + "=" + d.value()).toList());
        assertEquals("Invocation5XXErrors", r.metricDataQueries().get(1).metricStat().metric().metricName());
        assertTrue(r.overrideConfiguration().orElseThrow().apiCallTimeout().isPresent(),
                "every call is bounded by the query's timeout");
    }

    @Test
    void read_asksThePercentilesOnceAsExtendedStatistics_andScalesMicrosecondsToMillis() {
        when(cloudWatch.getMetricData(any(GetMetricDataRequest.class))).thenReturn(GetMetricDataResponse.builder()
                .metricDataResults(MetricDataResult.builder().id("m0").values(7.0).build(),
                        MetricDataResult.builder().id("m1").values(1.0, 2.0).build()).build());
        when(cloudWatch.getMetricStatistics(any(GetMetricStatisticsRequest.class)))
                .thenReturn(GetMetricStatisticsResponse.builder().datapoints(Datapoint.builder()
                        .extendedStatistics(Map.of("p50", 1500.0, "p90", 4000.0, "p99", 12_500.0)).build()).build());

        DeploymentMetrics m = new CloudWatchMetrics(cloudWatch).read("m", "sagemaker",
                MetricsQuery.last(Duration.ofMinutes(30), CLOCK), endpointSeries());

        ArgumentCaptor<GetMetricStatisticsRequest> stats = ArgumentCaptor.forClass(GetMetricStatisticsRequest.class);
        verify(cloudWatch, times(1)).getMetricStatistics(stats.capture());
        assertEquals(List.of("p50", "p90", "p99"), stats.getValue().extendedStatistics());
        assertEquals("ModelLatency", stats.getValue().metricName());
        assertEquals(1800, stats.getValue().period());
        assertEquals(List.of(), stats.getValue().statistics());
        var v = m.variants().get(0);
        assertEquals(7.0, v.value(Metric.INVOCATIONS).orElseThrow());
        assertEquals(3.0, v.value(Metric.ERRORS_5XX).orElseThrow(), "sums of several periods add up");
        assertEquals(1.5, v.value(Metric.LATENCY_P50).orElseThrow(), 1e-9);
        assertEquals(12.5, v.value(Metric.LATENCY_P99).orElseThrow(), 1e-9);
        assertFalse(v.value(Metric.THROTTLES).isPresent());
    }

    @Test
    void read_followsNextTokenUntilTheLastPage() {
        when(cloudWatch.getMetricData(any(GetMetricDataRequest.class))).thenReturn(
                GetMetricDataResponse.builder().nextToken("page2").metricDataResults(MetricDataResult.builder()
                        .id("m0").values(1.0).build()).build(),
                GetMetricDataResponse.builder().metricDataResults(MetricDataResult.builder().id("m0").values(2.0)
                        .build()).build());
        when(cloudWatch.getMetricStatistics(any(GetMetricStatisticsRequest.class)))
                .thenReturn(GetMetricStatisticsResponse.builder().build());

        DeploymentMetrics m = new CloudWatchMetrics(cloudWatch).read("m", "sagemaker",
                MetricsQuery.last(Duration.ofMinutes(5), CLOCK), endpointSeries());

        ArgumentCaptor<GetMetricDataRequest> data = ArgumentCaptor.forClass(GetMetricDataRequest.class);
        verify(cloudWatch, times(2)).getMetricData(data.capture());
        assertEquals("page2", data.getAllValues().get(1).nextToken());
        assertEquals(3.0, m.variants().get(0).value(Metric.INVOCATIONS).orElseThrow());
    }

    @Test
    void read_ofAMaximum_keepsTheHighestValue() {
        when(cloudWatch.getMetricData(any(GetMetricDataRequest.class))).thenReturn(GetMetricDataResponse.builder()
                .metricDataResults(MetricDataResult.builder().id("m0").values(3.0, 9.0, 4.0).build()).build());
        List<MetricSeries> s = List.of(MetricSeries.of("live", "AWS/Lambda", "ConcurrentExecutions",
                Map.of("FunctionName", "f"), "Maximum", Metric.CONCURRENCY));

        DeploymentMetrics m = new CloudWatchMetrics(cloudWatch).read("f", "lambda",
                MetricsQuery.last(Duration.ofMinutes(5), CLOCK), s);

        assertEquals(9.0, m.variants().get(0).value(Metric.CONCURRENCY).orElseThrow());
    }
}
