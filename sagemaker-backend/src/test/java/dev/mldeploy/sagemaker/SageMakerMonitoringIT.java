package dev.mldeploy.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.AlarmPolicy;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.DeploymentMetrics;
import dev.mldeploy.DeploymentNotFoundException;
import dev.mldeploy.LogEvent;
import dev.mldeploy.LogQuery;
import dev.mldeploy.Metric;
import dev.mldeploy.MetricsQuery;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.VariantMetrics;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;

/**
 * Metrics, logs, alarms and the failure log tail of a SageMaker deployment against moto: the data points and log
 * events are the test's own (put_metric_data, put_log_events), as SageMaker would publish them. moto computes no
 * percentiles, so the latencies are covered by the mocked-client tests of CloudWatchMetrics.
 */
@ExtendWith(AwsEndpointExtension.class)
class SageMakerMonitoringIT {
    @TempDir
    Path tmp;
    private MotoResources moto;
    private final EndpointStates states = new EndpointStates();
    private ModelDeployer deployer;
    private ModelSpec spec;
    private CloudWatchClient cloudWatch;
    private CloudWatchLogsClient logs;

    @BeforeEach
    void setUp(AwsEndpoint aws) throws Exception {
        aws.assumeSupports("sagemaker");
        moto = new MotoResources(aws);
        spec = ModelSpec.builder("watched").source(MotoResources.model(tmp.resolve("m"), "v1")).build();
        deployer = ModelDeployer.builder().discoverProviders(false).provider(SageMakerTargetProvider.of(moto.target()
                        .clientOverride(o -> o.addExecutionInterceptor(moto.faults).addExecutionInterceptor(states))
                        .build()))
                .defaultTarget("sagemaker").environment(Map.of()).build();
        cloudWatch = CloudWatchClient.builder().endpointOverride(aws.endpoint()).region(aws.awsRegion())
                .credentialsProvider(aws.credentialsProvider()).build();
        logs = CloudWatchLogsClient.builder().endpointOverride(aws.endpoint()).region(aws.awsRegion())
                .credentialsProvider(aws.credentialsProvider()).build();
    }

    @AfterEach
    void tearDown() {
        deployer.close();
        cloudWatch.close();
        logs.close();
        moto.close();
    }

    private List<String> alarms() {
        return cloudWatch.describeAlarms(r -> r.alarmNamePrefix("mldeploy-")).metricAlarms().stream()
                .map(MetricAlarm::alarmName).sorted().toList();
    }

    private void putCount(String metric, String variant, double value) {
        cloudWatch.putMetricData(r -> r.namespace("AWS/SageMaker").metricData(d -> d.metricName(metric)
                .dimensions(x -> x.name("EndpointName").value("watched"), x -> x.name("VariantName").value(variant))
                .value(value).unit(StandardUnit.COUNT).timestamp(Instant.now())));
    }

    private void putLogLines(String group, String... lines) {
        logs.createLogGroup(r -> r.logGroupName(group));
        logs.createLogStream(r -> r.logGroupName(group).logStreamName("AllTraffic/i-0123"));
        long now = System.currentTimeMillis();
        List<software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent> events = new java.util.ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            events.add(software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent.builder()
                    .timestamp(now + i).message(lines[i]).build());
        }
        logs.putLogEvents(r -> r.logGroupName(group).logStreamName("AllTraffic/i-0123").logEvents(events));
    }

    @Test
    void deploy_withAlarms_createsBoth_describeNamesThem_andUndeployRemovesThem() {
        var result = deployer.deploy(spec, o -> o.alarms(AlarmPolicy.defaults().withP99Latency(Duration.ofMillis(250))));

        List<String> names = List.of("mldeploy-sagemaker-watched-error-rate", "mldeploy-sagemaker-watched-p99-latency");
        assertEquals(names, alarms());
        assertTrue(result.message().contains("mldeploy-sagemaker-watched-error-rate"), result.message());
        MetricAlarm latency = cloudWatch.describeAlarms(r -> r.alarmNames(names.get(1))).metricAlarms().get(0);
        assertEquals(250_000.0, latency.threshold(), "ModelLatency is in microseconds");
        assertTrue(latency.metrics().stream().anyMatch(m -> m.metricStat() != null
                && m.metricStat().metric().metricName().equals("ModelLatency")
                && m.metricStat().stat().equals("p99")), latency.metrics().toString());
        String described = deployer.describe("watched").attributes().get("alarms");
        assertTrue(described.contains("mldeploy-sagemaker-watched-error-rate (")
                && described.contains("mldeploy-sagemaker-watched-p99-latency ("), described);

        assertTrue(deployer.undeploy("watched"));

        assertEquals(List.of(), alarms());
        assertEquals(MotoResources.NOTHING, moto.everything());
    }

    @Test
    void undeploy_afterTheEndpointIsGone_stillRemovesItsAlarms() {
        deployer.deploy(spec, o -> o.alarms(AlarmPolicy.defaults()));
        moto.sageMaker.deleteEndpoint(r -> r.endpointName("watched")); // as a deploy that failed would leave it

        assertTrue(deployer.undeploy("watched"));

        assertEquals(List.of(), alarms());
    }

    @Test
    void metrics_readsTheDataPointsPutForTheVariant() {
        deployer.deploy(spec);
        putCount("Invocations", "AllTraffic", 7);
        putCount("Invocations", "AllTraffic", 5);
        putCount("Invocation5XXErrors", "AllTraffic", 2);
        putCount("Invocations", "OtherVariant", 100); // another variant's: not this endpoint's

        DeploymentMetrics m = deployer.metrics("watched", MetricsQuery.last(Duration.ofMinutes(10)));

        assertEquals(1, m.variants().size(), m.toString());
        VariantMetrics v = m.variants().get(0);
        assertEquals("AllTraffic", v.variant());
        assertEquals(12.0, v.value(Metric.INVOCATIONS).orElseThrow());
        assertEquals(2.0, v.value(Metric.ERRORS_5XX).orElseThrow());
        assertFalse(v.value(Metric.ERRORS_4XX).isPresent(), "no 4xx data point was put");
    }

    @Test
    void metrics_ofAMissingDeployment_isNotFound() {
        assertThrows(DeploymentNotFoundException.class,
                () -> deployer.metrics("watched", MetricsQuery.last(Duration.ofHours(1))));
    }

    @Test
    void logs_readsTheEventsPutInTheEndpointsLogGroup_newestLast() {
        deployer.deploy(spec);
        putLogLines("/aws/sagemaker/Endpoints/watched", "loading model", "model loaded", "serving on 8080");

        List<LogEvent> all = deployer.logs("watched", LogQuery.last(Duration.ofMinutes(10)));
        List<LogEvent> two = deployer.logs("watched", LogQuery.last(Duration.ofMinutes(10)).withLimit(2));

        assertEquals(List.of("loading model", "model loaded", "serving on 8080"),
                all.stream().map(LogEvent::message).toList());
        assertEquals("AllTraffic/i-0123", all.get(0).source());
        assertEquals(List.of("model loaded", "serving on 8080"), two.stream().map(LogEvent::message).toList());
    }

    @Test
    void logs_ofADeploymentWithoutLogGroup_isEmpty_andOfNoDeploymentIsNotFound() {
        deployer.deploy(spec);
        assertEquals(List.of(), deployer.logs("watched", LogQuery.last(Duration.ofMinutes(10))));
        assertThrows(DeploymentNotFoundException.class,
                () -> deployer.logs("nothing-here", LogQuery.last(Duration.ofMinutes(10))));
    }

    @Test
    void deploy_whenTheEndpointFails_quotesTheLastLinesOfItsLog_andRemovesWhatItCreated() {
        putLogLines("/aws/sagemaker/Endpoints/watched", "Traceback (most recent call last):",
                "  File \"/opt/ml/model/code/inference.py\", line 3, in model_fn",
                "ModuleNotFoundError: No module named 'torch'");
        states.force(EndpointStatus.FAILED, null);

        DeploymentFailedException e = assertThrows(DeploymentFailedException.class, () -> deployer.deploy(spec));

        assertTrue(e.getMessage().contains("endpoint watched is Failed"), e.getMessage());
        assertTrue(e.getMessage().contains("the last 3 lines of its log (/aws/sagemaker/Endpoints/watched)")
                && e.getMessage().contains("ModuleNotFoundError: No module named 'torch'"), e.getMessage());
        states.release();
        assertEquals(List.of(), moto.endpoints());
        assertEquals(List.of(), moto.models());
    }

    @Test
    void deploy_whenTheEndpointFailsAndItsLogCannotBeRead_stillReportsTheFailure() {
        states.force(EndpointStatus.FAILED, null);
        moto.faults.failNext("FilterLogEvents", 10, () -> software.amazon.awssdk.services.cloudwatchlogs.model
                .CloudWatchLogsException.builder().statusCode(400).message("denied")
                .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                        .errorCode("AccessDeniedException").errorMessage("denied").build()).build());

        DeploymentFailedException e = assertThrows(DeploymentFailedException.class, () -> deployer.deploy(spec));

        assertTrue(e.getMessage().contains("endpoint watched is Failed")
                && e.getMessage().contains("could not be read (AccessDeniedException)"), e.getMessage());
    }
}
