package dev.mldeploy.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mldeploy.AlarmPolicy;
import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.DeploymentStatus;
import dev.mldeploy.ProgressListener;
import dev.mldeploy.spi.DeployContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.DeleteAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.ListTagsForResourceRequest;
import software.amazon.awssdk.services.cloudwatch.model.ListTagsForResourceResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.Tag;

class DeploymentAlarmsTest {
    private final CloudWatchClient cloudWatch = mock(CloudWatchClient.class);

    private static DeploymentAlarms.Watched twoVariants() {
        List<Map<String, String>> sets = new ArrayList<>();
        for (String v : List.of("A", "B")) {
            Map<String, String> d = new LinkedHashMap<>();
            d.put("EndpointName", "ep");
            d.put("VariantName", v);
            sets.add(d);
        }
        return new DeploymentAlarms.Watched("AWS/SageMaker", sets, List.of("Invocation4XXErrors",
                "Invocation5XXErrors"), "Invocations", "ModelLatency", 1000);
    }

    private List<PutMetricAlarmRequest> put(AlarmPolicy policy) {
        new DeploymentAlarms(cloudWatch).put("sagemaker", "m", policy, twoVariants(), CallBudget.unbounded());
        ArgumentCaptor<PutMetricAlarmRequest> r = ArgumentCaptor.forClass(PutMetricAlarmRequest.class);
        verify(cloudWatch, times(2)).putMetricAlarm(r.capture());
        return r.getAllValues();
    }

    @Test
    void put_errorRate_isMetricMathOverEveryVariantsErrorsAndInvocations_withThePolicysPeriods() {
        PutMetricAlarmRequest rate = put(AlarmPolicy.defaults()).get(0);

        assertEquals("mldeploy-sagemaker-m-error-rate", rate.alarmName());
        assertEquals(5.0, rate.threshold());
        assertEquals("GreaterThanThreshold", rate.comparisonOperatorAsString());
        assertEquals(5, rate.evaluationPeriods());
        assertEquals(3, rate.datapointsToAlarm());
        assertEquals("notBreaching", rate.treatMissingData());
        MetricDataQuery expression = rate.metrics().get(rate.metrics().size() - 1);
        assertEquals("100 * (e0_0 + e0_1 + e1_0 + e1_1) / (i0 + i1)", expression.expression());
        assertTrue(expression.returnData());
        MetricDataQuery e10 = rate.metrics().stream().filter(m -> m.id().equals("e1_0")).findFirst().orElseThrow();
        assertEquals("Invocation4XXErrors", e10.metricStat().metric().metricName());
        assertEquals(List.of("EndpointName=ep", "VariantName=B"), e10.metricStat().metric().dimensions().stream()
                .map(d -> d.name() + "=" + d.value()).toList());
        assertEquals(60, e10.metricStat().period());
        assertEquals("Sum", e10.metricStat().stat());
        assertTrue(rate.metrics().stream().filter(m -> m.metricStat() != null).noneMatch(MetricDataQuery::returnData),
                "an alarm on metric math returns only the expression");
        assertEquals(List.of("mldeploy:name=m", "mldeploy:target=sagemaker"), rate.tags().stream()
                .map(t -> t.key() + "=" + t.value()).toList());
    }

    @Test
    void put_latency_isTheHighestVariantP99_withTheThresholdInTheMetricsUnit() {
        PutMetricAlarmRequest latency = put(AlarmPolicy.defaults().withP99Latency(Duration.ofMillis(750))).get(1);

        assertEquals("mldeploy-sagemaker-m-p99-latency", latency.alarmName());
        assertEquals(750_000.0, latency.threshold(), "ModelLatency is in microseconds");
        assertEquals("MAX([l0, l1])", latency.metrics().get(2).expression());
        assertEquals("p99", latency.metrics().get(0).metricStat().stat());
        assertEquals("ModelLatency", latency.metrics().get(1).metricStat().metric().metricName());
    }

    private void existing(String name, Map<String, String> tags) {
        when(cloudWatch.describeAlarms(any(DescribeAlarmsRequest.class))).thenReturn(DescribeAlarmsResponse.builder()
                .metricAlarms(MetricAlarm.builder().alarmName(name).alarmArn("arn:" + name).stateValue("OK").build())
                .build());
        when(cloudWatch.listTagsForResource(any(ListTagsForResourceRequest.class)))
                .thenReturn(ListTagsForResourceResponse.builder().tags(tags.entrySet().stream()
                        .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()).build());
    }

    @Test
    void remove_asksForTheTwoExactNames_andDeletesOnlyAlarmsTaggedForThisDeployment() {
        existing("mldeploy-lambda-m-error-rate", Map.of("mldeploy:name", "m", "mldeploy:target", "lambda"));

        List<String> removed = new DeploymentAlarms(cloudWatch).remove("lambda", "m", CallBudget.unbounded());

        assertEquals(List.of("mldeploy-lambda-m-error-rate"), removed);
        ArgumentCaptor<DescribeAlarmsRequest> d = ArgumentCaptor.forClass(DescribeAlarmsRequest.class);
        verify(cloudWatch).describeAlarms(d.capture());
        assertEquals(List.of("mldeploy-lambda-m-error-rate", "mldeploy-lambda-m-p99-latency"),
                d.getValue().alarmNames(), "exact names: 'm' must not match the alarms of 'm-2'");
        ArgumentCaptor<DeleteAlarmsRequest> del = ArgumentCaptor.forClass(DeleteAlarmsRequest.class);
        verify(cloudWatch).deleteAlarms(del.capture());
        assertEquals(List.of("mldeploy-lambda-m-error-rate"), del.getValue().alarmNames());
    }

    @Test
    void remove_leavesAnAlarmOfThatNameWithoutMldeploysTags() {
        existing("mldeploy-lambda-m-error-rate", Map.of("team", "ops"));

        assertEquals(List.of(), new DeploymentAlarms(cloudWatch).remove("lambda", "m", CallBudget.unbounded()));

        verify(cloudWatch, never()).deleteAlarms(any(DeleteAlarmsRequest.class));
    }

    @Test
    void describe_addsEachAlarmWithItsState() {
        existing("mldeploy-lambda-m-error-rate", Map.of("mldeploy:name", "m", "mldeploy:target", "lambda"));
        Deployment d = new Deployment("m", "lambda", "zip", DeploymentStatus.IN_SERVICE, "", "h", "arn", null, null,
                Map.of("version", "1"));

        Deployment described = new DeploymentAlarms(cloudWatch).describe(d, CallBudget.unbounded());

        assertEquals("mldeploy-lambda-m-error-rate (OK)", described.attributes().get("alarms"));
        assertEquals("1", described.attributes().get("version"));
    }

    @Test
    void describe_whenAlarmsCannotBeRead_saysUnknownInsteadOfFailing() {
        when(cloudWatch.describeAlarms(any(DescribeAlarmsRequest.class)))
                .thenThrow(SdkMocks.awsError(403, "AccessDenied", "not allowed"));
        Deployment d = new Deployment("m", "lambda", "zip", DeploymentStatus.IN_SERVICE, "", "h", "arn", null, null,
                Map.of());

        assertEquals("unknown (AccessDenied)", new DeploymentAlarms(cloudWatch).describe(d, CallBudget.unbounded())
                .attributes().get("alarms"));
    }

    @Test
    void removeOnUndeploy_withoutTheRightToReadAlarms_goesOnAndSaysWhichMayBeLeft() {
        when(cloudWatch.describeAlarms(any(DescribeAlarmsRequest.class)))
                .thenThrow(SdkMocks.awsError(403, "AccessDenied", "not allowed"));
        List<String> progress = new ArrayList<>();
        DeployContext ctx = DeployContext.of("m", "lambda", e -> progress.add(e.message()), Duration.ofMinutes(1));

        assertEquals(false, new DeploymentAlarms(cloudWatch).removeOnUndeploy("lambda", "m", ctx));

        assertTrue(progress.get(0).contains("mldeploy-lambda-m-error-rate, mldeploy-lambda-m-p99-latency"),
                progress.toString());
    }

    @Test
    void afterDeploy_whenAnAlarmIsRefused_failsNamingTheDeploymentAndRemovesWhatItMade() {
        when(cloudWatch.putMetricAlarm(any(PutMetricAlarmRequest.class))).thenReturn(null)
                .thenThrow(SdkMocks.awsError(400, "LimitExceeded", "too many alarms"));
        existing("mldeploy-lambda-m-error-rate", Map.of("mldeploy:name", "m", "mldeploy:target", "lambda"));
        Deployment d = new Deployment("m", "lambda", "zip", DeploymentStatus.IN_SERVICE, "", "h", "arn", null, null,
                Map.of());
        DeployContext ctx = DeployContext.of("m", "lambda", ProgressListener.none(), Duration.ofMinutes(1));

        DeploymentFailedException e = assertThrows(DeploymentFailedException.class, () -> new DeploymentAlarms(
                cloudWatch).afterDeploy(new DeployResult(d, DeployResult.Change.CREATED, "created", null), "lambda",
                AlarmPolicy.defaults(), DeploymentAlarmsTest.twoVariants(), ctx));

        assertTrue(e.getMessage().startsWith("created lambda deployment 'm', but creating its alarms failed: too "
                + "many alarms; removed the alarms made (mldeploy-lambda-m-error-rate)"), e.getMessage());
        verify(cloudWatch).deleteAlarms(any(DeleteAlarmsRequest.class));
    }
}
