package dev.mldeploy.sagemaker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.LogQuery;
import dev.mldeploy.Metric;
import dev.mldeploy.ProgressEvent;
import dev.mldeploy.aws.MetricSeries;
import dev.mldeploy.spi.DeployContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;

class EndpointMonitoringTest {
    @Test
    void series_perVariant_readsAwsSageMakerWithEndpointAndVariant_latenciesAsMillis() {
        List<MetricSeries> s = EndpointMonitoring.series("ep", List.of("A", "B"));

        assertEquals(10, s.size());
        assertTrue(s.stream().allMatch(x -> x.namespace().equals("AWS/SageMaker")));
        MetricSeries latencyB = s.stream().filter(x -> x.variant().equals("B")
                && x.metricName().equals("ModelLatency")).findFirst().orElseThrow();
        assertEquals(Map.of("EndpointName", "ep", "VariantName", "B"), latencyB.dimensions());
        assertEquals(List.of("EndpointName", "VariantName"), List.copyOf(latencyB.dimensions().keySet()));
        assertEquals(Map.of("p50", Metric.LATENCY_P50, "p90", Metric.LATENCY_P90, "p99", Metric.LATENCY_P99),
                latencyB.statistics());
        assertEquals(0.001, latencyB.scale());
        assertEquals(List.of("Invocations", "Invocation4XXErrors", "Invocation5XXErrors", "ModelLatency",
                "OverheadLatency"), s.stream().filter(x -> x.variant().equals("A")).map(MetricSeries::metricName)
                .toList());
    }

    @Test
    void watched_alarmsOnFourAndFiveHundredsOverInvocations_andModelLatencyInMicroseconds() {
        var w = EndpointMonitoring.watched("ep", List.of("AllTraffic"));

        assertEquals(List.of("Invocation4XXErrors", "Invocation5XXErrors"), w.errorMetrics());
        assertEquals("ModelLatency", w.latencyMetric());
        assertEquals(1000.0, w.unitsPerMilli());
        assertEquals(List.of(Map.of("EndpointName", "ep", "VariantName", "AllTraffic")), w.dimensionSets());
    }

    @Test
    void logs_readTheEndpointsLogGroup() {
        CloudWatchLogsClient logs = mock(CloudWatchLogsClient.class);
        when(logs.filterLogEvents(any(FilterLogEventsRequest.class))).thenReturn(FilterLogEventsResponse.builder()
                .events(FilteredLogEvent.builder().eventId("1").timestamp(1L).logStreamName("AllTraffic/i-1")
                        .message("hello").build()).build());
        EndpointMonitoring m = new EndpointMonitoring(new SageMakerApi(mock(SageMakerClient.class)), () -> null,
                () -> logs);

        assertEquals("hello", m.logs("m", LogQuery.last(Duration.ofMinutes(5))).get(0).message());

        ArgumentCaptor<FilterLogEventsRequest> r = ArgumentCaptor.forClass(FilterLogEventsRequest.class);
        verify(logs).filterLogEvents(r.capture());
        assertEquals("/aws/sagemaker/Endpoints/" + Naming.endpointName("m"), r.getValue().logGroupName());
    }

    @Test
    void awaitInService_whenTheEndpointFails_addsTheFailureLogToSageMakersReason() {
        SageMakerClient sm = Fixtures.sdkMock(SageMakerClient.class);
        when(sm.describeEndpoint(any(DescribeEndpointRequest.class))).thenReturn(DescribeEndpointResponse.builder()
                .endpointName("m").endpointStatus(EndpointStatus.FAILED)
                .failureReason("The primary container did not pass the ping health check").build());
        AtomicReference<Instant> since = new AtomicReference<>();
        EndpointWaiter waiter = new EndpointWaiter(new SageMakerApi(sm), Duration.ofMillis(1), (endpoint, t) -> {
            since.set(t);
            return "; the last 1 line of its log (/aws/sagemaker/Endpoints/" + endpoint + "): boom";
        });
        List<ProgressEvent> events = new ArrayList<>();
        DeployContext ctx = Fixtures.context(events, Duration.ofMinutes(1));

        DeploymentFailedException e = assertThrows(DeploymentFailedException.class,
                () -> waiter.awaitInService("m", ctx));

        assertEquals("endpoint m is Failed: The primary container did not pass the ping health check; the last 1 "
                + "line of its log (/aws/sagemaker/Endpoints/m): boom", e.getMessage());
        assertTrue(since.get().isBefore(Instant.now().minus(Duration.ofSeconds(59))),
                "the log is read from before the deploy began: " + since.get());
    }
}
