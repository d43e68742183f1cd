package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.AlarmPolicy;
import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.DeploymentMetrics;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.State;

/**
 * Metrics, logs, alarms and the failure log tail of a Lambda deployment against moto, with data points and log
 * events the test puts as Lambda would. moto computes no percentiles (the mocked-client tests cover Duration's) and
 * never fails a function, so a Failed state is injected into its answers.
 */
@ExtendWith(AwsEndpointExtension.class)
class LambdaMonitoringIT {
    @TempDir
    Path dir;
    private LambdaFixtures fx;
    private final AtomicBoolean failFunction = new AtomicBoolean();
    private CloudWatchClient cloudWatch;
    private CloudWatchLogsClient logs;
    private ModelSpec spec;

    /** While {@link #failFunction} is set, every function reads back Failed, as one whose init failed does. */
    private final ExecutionInterceptor failed = new ExecutionInterceptor() {
        @Override
        public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
            if (failFunction.get() && context.response() instanceof GetFunctionConfigurationResponse c) {
                return c.toBuilder().state(State.FAILED).stateReasonCode("InvalidEntrypoint")
                        .stateReason("init failed").build();
            }
            return context.response();
        }
    };

    @BeforeEach
    void setUp(AwsEndpoint aws) {
        aws.assumeSupports("lambda");
        fx = new LambdaFixtures(aws, failed);
        cloudWatch = CloudWatchClient.builder().endpointOverride(aws.endpoint()).region(aws.awsRegion())
                .credentialsProvider(aws.credentialsProvider()).build();
        logs = CloudWatchLogsClient.builder().endpointOverride(aws.endpoint()).region(aws.awsRegion())
                .credentialsProvider(aws.credentialsProvider()).build();
        spec = ModelSpec.builder("observed").source(LambdaFixtures.echoModel(dir, "observed")).build();
    }

    @AfterEach
    void tearDown() {
        cloudWatch.close();
        logs.close();
        fx.close();
    }

    private DeployOptions options() {
        return DeployOptions.builder().timeout(Duration.ofMinutes(2)).build();
    }

    private List<String> alarms() {
        return cloudWatch.describeAlarms(r -> r.alarmNamePrefix("mldeploy-")).metricAlarms().stream()
                .map(MetricAlarm::alarmName).sorted().toList();
    }

    private void putCount(String metric, String resource, double value) {
        cloudWatch.putMetricData(r -> r.namespace("AWS/Lambda").metricData(d -> d.metricName(metric)
                .dimensions(x -> x.name("FunctionName").value("observed"), x -> x.name("Resource").value(resource))
                .value(value).unit(StandardUnit.COUNT).timestamp(Instant.now())));
    }

    private void putLogLines(String... lines) {
        String group = "/aws/lambda/observed";
        logs.createLogGroup(r -> r.logGroupName(group));
        logs.createLogStream(r -> r.logGroupName(group).logStreamName("2026/12/01/[1]abc"));
        long now = System.currentTimeMillis();
        List<InputLogEvent> events = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            events.add(InputLogEvent.builder().timestamp(now + i).message(lines[i]).build());
        }
        logs.putLogEvents(r -> r.logGroupName(group).logStreamName("2026/12/01/[1]abc").logEvents(events));
    }

    @Test
    void deploy_withAlarms_createsThemOnTheAlias_describeNamesThem_andUndeployRemovesThem() {
        try (ModelDeployer d = fx.deployer(fx.target().createRole(true).build())) {
            d.deploy(spec, options().toBuilder().alarms(AlarmPolicy.defaults().withErrorRatePercent(2)).build());

            List<String> names = List.of("mldeploy-lambda-observed-error-rate", "mldeploy-lambda-observed-p99-latency");
            assertEquals(names, alarms());
            MetricAlarm rate = cloudWatch.describeAlarms(r -> r.alarmNames(names.get(0))).metricAlarms().get(0);
            assertEquals(2.0, rate.threshold());
            assertTrue(rate.metrics().stream().anyMatch(m -> "100 * (e0_0) / (i0)".equals(m.expression())),
                    rate.metrics().toString());
            assertTrue(rate.metrics().stream().filter(m -> m.metricStat() != null).allMatch(m -> m.metricStat()
                    .metric().dimensions().stream().anyMatch(x -> x.name().equals("Resource")
                            && x.value().equals("observed:live"))), rate.metrics().toString());
            String described = d.describe("observed").attributes().get("alarms");
            assertTrue(described.contains("mldeploy-lambda-observed-p99-latency ("), described);

            // a redeploy of the same spec with alarms keeps them (PutMetricAlarm replaces)
            d.deploy(spec, options().toBuilder().alarms(AlarmPolicy.defaults()).build());
            assertEquals(names, alarms());

            assertTrue(d.undeploy("observed"));
            assertEquals(List.of(), alarms());
            assertEquals(List.of(), fx.lambda.listFunctions().functions());
        }
    }

    @Test
    void metrics_readsTheAliasDataPointsPut_andNotOtherResources() {
        try (ModelDeployer d = fx.deployer(fx.target().createRole(true).build())) {
            d.deploy(spec, options());
            putCount("Invocations", "observed:live", 4);
            putCount("Errors", "observed:live", 1);
            putCount("Throttles", "observed:live", 3);
            putCount("Invocations", "observed:$LATEST", 50); // not through the alias

            DeploymentMetrics m = d.metrics("observed", MetricsQuery.last(Duration.ofMinutes(5)));

            VariantMetrics live = m.variants().get(0);
            assertEquals("live", live.variant());
            assertEquals(4.0, live.value(Metric.INVOCATIONS).orElseThrow());
            assertEquals(1.0, live.value(Metric.FUNCTION_ERRORS).orElseThrow());
            assertEquals(3.0, live.value(Metric.THROTTLES).orElseThrow());
            assertEquals(1, m.variants().size(), "one version behind the alias: no per-version entries");
            d.undeploy("observed");
        }
    }

    @Test
    void logs_readsTheEventsPutInTheFunctionsLogGroup() {
        try (ModelDeployer d = fx.deployer(fx.target().createRole(true).build())) {
            d.deploy(spec, options());
            putLogLines("START RequestId: 1", "model loaded", "END RequestId: 1");

            List<LogEvent> events = d.logs("observed", LogQuery.last(Duration.ofMinutes(10)));

            assertEquals(List.of("START RequestId: 1", "model loaded", "END RequestId: 1"),
                    events.stream().map(LogEvent::message).toList());
            assertEquals("2026/12/01/[1]abc", events.get(1).source());
            d.undeploy("observed");
        }
    }

    @Test
    void deploy_whenTheFunctionFails_quotesTheLastLinesOfItsLog_andRemovesIt() {
        putLogLines("INIT_START Runtime Version: python:3.12", "[ERROR] Runtime.ImportModuleError: No module named "
                + "'sklearn'");
        failFunction.set(true);
        try (ModelDeployer d = fx.deployer(fx.target().createRole(true).build())) {
            DeploymentFailedException e = assertThrows(DeploymentFailedException.class,
                    () -> d.deploy(spec, options()));

            assertTrue(e.getMessage().contains("function observed failed: InvalidEntrypoint: init failed"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("the last 2 lines of its log (/aws/lambda/observed)")
                    && e.getMessage().contains("Runtime.ImportModuleError: No module named 'sklearn'"),
                    e.getMessage());
            failFunction.set(false);
            assertEquals(List.of(), fx.lambda.listFunctions().functions());
        }
    }
}
