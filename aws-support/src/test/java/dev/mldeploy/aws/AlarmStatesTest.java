package dev.mldeploy.aws;

import static dev.mldeploy.aws.SdkMocks.awsError;
import static dev.mldeploy.aws.SdkMocks.sdkMock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mldeploy.ConflictException;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.InvalidConfigurationException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.AlarmType;
import software.amazon.awssdk.services.cloudwatch.model.CompositeAlarm;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;

class AlarmStatesTest {
    private final CloudWatchClient cw = sdkMock(CloudWatchClient.class);
    private final AlarmStates states = new AlarmStates(cw);
    private final CallBudget budget = CallBudget.of(Duration.ofMinutes(1), "test");

    private static MetricAlarm metric(String name, StateValue s) {
        return MetricAlarm.builder().alarmName(name).stateValue(s).build();
    }

    @Test
    void inAlarm_readsMetricAndCompositeStatesInOneCall() {
        when(cw.describeAlarms(any(DescribeAlarmsRequest.class))).thenReturn(DescribeAlarmsResponse.builder()
                .metricAlarms(metric("errors", StateValue.OK), metric("latency", StateValue.ALARM))
                .compositeAlarms(CompositeAlarm.builder().alarmName("any").stateValue(StateValue.ALARM).build())
                .build());
        assertEquals(List.of("any", "latency"), states.inAlarm(List.of("any", "errors", "latency"), budget));
        ArgumentCaptor<DescribeAlarmsRequest> sent = ArgumentCaptor.forClass(DescribeAlarmsRequest.class);
        verify(cw).describeAlarms(sent.capture());
        assertEquals(List.of("any", "errors", "latency"), sent.getValue().alarmNames());
        assertEquals(List.of(AlarmType.METRIC_ALARM, AlarmType.COMPOSITE_ALARM), sent.getValue().alarmTypes());
        assertTrue(sent.getValue().overrideConfiguration().orElseThrow().apiCallTimeout().isPresent(),
                "bounded by the budget");
    }

    @Test
    void states_followsNextTokenAndKeepsTheGivenOrder() {
        when(cw.describeAlarms(any(DescribeAlarmsRequest.class)))
                .thenReturn(DescribeAlarmsResponse.builder().metricAlarms(metric("b", StateValue.OK))
                        .nextToken("t1").build())
                .thenReturn(DescribeAlarmsResponse.builder().metricAlarms(metric("a",
                        StateValue.INSUFFICIENT_DATA)).build());
        Map<String, String> read = states.states(List.of("a", "b"), budget);
        assertEquals(Map.of("a", "INSUFFICIENT_DATA", "b", "OK"), read);
        assertEquals(List.of("a", "b"), List.copyOf(read.keySet()));
    }

    @Test
    void requireExisting_whenAlarmMissing_namesItAndSaysNothingChanged() {
        when(cw.describeAlarms(any(DescribeAlarmsRequest.class))).thenReturn(DescribeAlarmsResponse.builder()
                .metricAlarms(metric("errors", StateValue.OK)).build());
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> states.requireExisting(List.of("errors", "typo"), budget));
        assertTrue(e.getMessage().contains("[typo] does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("--rollback-alarm"), e.getMessage());
    }

    @Test
    void requireReady_whenAnAlarmIsInAlarmAlready_refusesNamingIt() {
        when(cw.describeAlarms(any(DescribeAlarmsRequest.class))).thenReturn(DescribeAlarmsResponse.builder()
                .metricAlarms(metric("errors", StateValue.OK), metric("latency", StateValue.ALARM)).build());
        ConflictException e = assertThrows(ConflictException.class,
                () -> states.requireReady(List.of("errors", "latency"), budget));
        assertTrue(e.getMessage().contains("latency is in ALARM before the rollout started"), e.getMessage());
    }

    @Test
    void requireReady_whenAllExistAndNoneFires_passes() {
        when(cw.describeAlarms(any(DescribeAlarmsRequest.class))).thenReturn(DescribeAlarmsResponse.builder()
                .metricAlarms(metric("errors", StateValue.INSUFFICIENT_DATA)).build());
        states.requireReady(List.of("errors"), budget);
        verify(cw).describeAlarms(any(DescribeAlarmsRequest.class));
    }

    @Test
    void requireExisting_whenNoAlarmsNamed_makesNoCall() {
        states.requireReady(List.of(), budget);
        states.requireExisting(List.of(), budget);
        verify(cw, never()).describeAlarms(any(DescribeAlarmsRequest.class));
    }

    @Test
    void states_whenCloudWatchFails_translatesNamingTheAlarms() {
        when(cw.describeAlarms(any(DescribeAlarmsRequest.class))).thenThrow(awsError(500, "InternalFailure",
                "boom"));
        DeploymentFailedException e = assertThrows(DeploymentFailedException.class,
                () -> states.states(List.of("errors"), budget));
        assertTrue(e.getMessage().contains("[errors]"), e.getMessage());
        assertTrue(e.retryable());
    }
}
