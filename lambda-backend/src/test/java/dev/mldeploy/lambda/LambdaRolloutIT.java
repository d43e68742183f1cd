package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.ProgressEvent;
import dev.mldeploy.ProgressListener;
import dev.mldeploy.RollbackResult;
import dev.mldeploy.RolloutPolicy;
import dev.mldeploy.RolloutRolledBackException;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.lambda.model.GetAliasResponse;

/**
 * Rollouts on the emulator (moto serves alias routing and CloudWatch alarms, {@code SetAlarmState} forces ALARM):
 * a canary that completes, one an alarm rolls back, and {@code rollback} during a rollout. What happens mid-rollout
 * is triggered by the rollout's own progress events, so no test waits on the clock; the bakes are long enough that a
 * missed trigger fails the test rather than passing it.
 */
@ExtendWith(AwsEndpointExtension.class)
class LambdaRolloutIT {
    private static final String SHIFTED = "% of the requests to version";
    @TempDir
    Path dir;
    LambdaFixtures fx;
    CloudWatchClient cloudWatch;

    @BeforeEach
    void setUp(AwsEndpoint aws) {
        aws.assumeSupports("lambda");
        fx = new LambdaFixtures(aws);
        cloudWatch = CloudWatchClient.builder().endpointOverride(aws.endpoint()).region(aws.awsRegion())
                .credentialsProvider(aws.credentialsProvider()).build();
    }

    @AfterEach
    void tearDown() {
        fx.close();
        cloudWatch.close();
    }

    private ModelSpec spec(String name, String version) {
        return ModelSpec.builder(name).source(LambdaFixtures.echoModel(dir, name))
                .environment(Map.of("ECHO_VERSION", version)).build();
    }

    private void alarm(String name) {
        cloudWatch.putMetricAlarm(b -> b.alarmName(name).namespace("mldeploy/test").metricName("Errors")
                .statistic(Statistic.SUM).period(60).evaluationPeriods(1).threshold(1.0)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD));
        cloudWatch.setAlarmState(b -> b.alarmName(name).stateValue(StateValue.OK).stateReason("test: quiet"));
    }

    private GetAliasResponse live(String function) {
        return fx.lambda.getAlias(b -> b.functionName(function).name("live"));
    }

    private static Map<String, Double> weights(GetAliasResponse a) {
        return a.routingConfig() == null ? Map.of() : a.routingConfig().additionalVersionWeights();
    }

    /** Runs {@code onShift} at each partial step, once the alias has been moved (the event follows the move). */
    private static ProgressListener onShift(java.util.function.Consumer<ProgressEvent> onShift) {
        return e -> {
            if ("rollout".equals(e.phase()) && e.message().contains(SHIFTED)) {
                onShift.accept(e);
            }
        };
    }

    private DeployOptions options(RolloutPolicy policy, ProgressListener listener) {
        return DeployOptions.builder().timeout(Duration.ofMinutes(2)).rollout(policy).progressListener(listener)
                .build();
    }

    @Test
    void deploy_withCanaryThatStaysQuiet_endsOnNewVersionWithNoRouting() {
        alarm("canary-errors");
        try (ModelDeployer d = fx.deployer(fx.target().createRole(true).build())) {
            d.deploy(spec("canary", "1"), DeployOptions.builder().timeout(Duration.ofMinutes(2)).build());
            List<Map<String, Double>> seen = new CopyOnWriteArrayList<>();
            List<String> versionsSeen = new CopyOnWriteArrayList<>();
            DeployResult r = d.deploy(spec("canary", "2"), options(RolloutPolicy.canary(10, Duration.ofSeconds(1))
                    .withRollbackAlarms("canary-errors"), onShift(e -> {
                        GetAliasResponse a = live("canary");
                        seen.add(weights(a));
                        versionsSeen.add(a.functionVersion());
                    })));
            assertEquals(DeployResult.Change.UPDATED, r.change(), r.message());
            assertEquals(List.of(Map.of("2", 0.1)), seen, "one canary step, 10 % to the new version");
            assertEquals(List.of("1"), versionsSeen, "during the canary the alias still names the previous one");
            GetAliasResponse after = live("canary");
            assertEquals("2", after.functionVersion());
            assertTrue(weights(after).isEmpty(), "no routing left: " + weights(after));
            assertEquals("2", d.describe("canary").attributes().get("version"));

            // after the rollout, rollback goes to the version before it
            RollbackResult back = d.rollback("canary", DeployOptions.builder().timeout(Duration.ofMinutes(1)).build());
            assertEquals("2", back.fromVersion());
            assertEquals("1", back.toVersion());
            assertEquals("1", live("canary").functionVersion());
        }
    }

    @Test
    void deploy_whenLinearStepsShift_observesEachWeightInOrder() {
        try (ModelDeployer d = fx.deployer(fx.target().createRole(true).build())) {
            d.deploy(spec("steps", "1"), DeployOptions.builder().timeout(Duration.ofMinutes(2)).build());
            List<Map<String, Double>> seen = new CopyOnWriteArrayList<>();
            d.deploy(spec("steps", "2"), options(RolloutPolicy.linear(40, Duration.ofSeconds(1)),
                    onShift(e -> seen.add(weights(live("steps"))))));
            assertEquals(List.of(Map.of("2", 0.4), Map.of("2", 0.8)), seen);
            assertEquals("2", live("steps").functionVersion());
            assertTrue(weights(live("steps")).isEmpty());
        }
    }

    @Test
    void deploy_whenAlarmGoesIntoAlarmDuringCanary_rollsBackAndNamesTheAlarm() {
        alarm("bad-errors");
        try (ModelDeployer d = fx.deployer(fx.target().createRole(true).build())) {
            d.deploy(spec("bad", "1"), DeployOptions.builder().timeout(Duration.ofMinutes(2)).build());
            List<String> events = new ArrayList<>();
            RolloutRolledBackException e = assertThrows(RolloutRolledBackException.class, () -> d.deploy(
                    spec("bad", "2"), options(RolloutPolicy.canary(10, Duration.ofSeconds(60))
                            .withRollbackAlarms("bad-errors"), ev -> {
                        events.add(ev.phase() + " " + ev.status());
                        if ("rollout".equals(ev.phase()) && ev.message().contains(SHIFTED)) {
                            cloudWatch.setAlarmState(b -> b.alarmName("bad-errors").stateValue(StateValue.ALARM)
                                    .stateReason("test: errors"));
                        }
                    })));
            assertEquals("bad-errors", e.alarm().orElseThrow());
            assertTrue(e.getMessage().contains("alarm bad-errors is in ALARM"), e.getMessage());
            assertTrue(e.getMessage().contains("serves version 1 again"), e.getMessage());
            GetAliasResponse after = live("bad");
            assertEquals("1", after.functionVersion());
            assertTrue(weights(after).isEmpty(), "no routing left: " + weights(after));
            assertTrue(events.contains("rollback "), events.toString());
            assertEquals(List.of("1", "2"), fx.versions("bad"), "the new version stays published");
        }
    }

    @Test
    void deploy_whenAlarmGoesIntoAlarmDuringTheFinalBake_pointsTheAliasBackAtThePreviousVersion() {
        alarm("late-errors");
        try (ModelDeployer d = fx.deployer(fx.target().createRole(true).build())) {
            d.deploy(spec("late", "1"), DeployOptions.builder().timeout(Duration.ofMinutes(2)).build());
            List<String> servedDuringBake = new CopyOnWriteArrayList<>();
            RolloutRolledBackException e = assertThrows(RolloutRolledBackException.class, () -> d.deploy(
                    spec("late", "2"), options(RolloutPolicy.canary(10, Duration.ofSeconds(1))
                            .thenBake(Duration.ofSeconds(60)).withRollbackAlarms("late-errors"), ev -> {
                        // the move to all of the traffic: the final bake starts, and the errors come
                        if ("rollout".equals(ev.phase()) && "100%".equals(ev.status())) {
                            GetAliasResponse a = live("late");
                            servedDuringBake.add(a.functionVersion() + " " + weights(a));
                            cloudWatch.setAlarmState(b -> b.alarmName("late-errors").stateValue(StateValue.ALARM)
                                    .stateReason("test: errors after the canary"));
                        }
                    })));
            assertEquals(List.of("2 {}"), servedDuringBake, "the bake had every request on version 2");
            assertEquals("late-errors", e.alarm().orElseThrow());
            assertTrue(e.getMessage().contains("at 100% (final bake)"), e.getMessage());
            GetAliasResponse after = live("late");
            assertEquals("1", after.functionVersion());
            assertTrue(weights(after).isEmpty(), "no routing left: " + weights(after));
            assertEquals("1", d.describe("late").attributes().get("version"));
        }
    }

    @Test
    void rollback_duringRollout_endsItOnThePreviousVersionAndTheDeployFails() {
        try (ModelDeployer d = fx.deployer(fx.target().createRole(true).build());
             ModelDeployer other = fx.deployer(fx.target().build())) {
            d.deploy(spec("mid", "1"), DeployOptions.builder().timeout(Duration.ofMinutes(2)).build());
            List<RollbackResult> rolled = new CopyOnWriteArrayList<>();
            RolloutRolledBackException e = assertThrows(RolloutRolledBackException.class, () -> d.deploy(
                    spec("mid", "2"), options(RolloutPolicy.linear(50, Duration.ofSeconds(60)), onShift(ev -> {
                        if (rolled.isEmpty()) {
                            rolled.add(other.rollback("mid", DeployOptions.builder()
                                    .timeout(Duration.ofMinutes(1)).build()));
                        }
                    }))));
            assertEquals(1, rolled.size());
            assertEquals("2", rolled.get(0).fromVersion());
            assertEquals("1", rolled.get(0).toVersion());
            assertTrue(e.alarm().isEmpty());
            assertTrue(e.getMessage().contains("was moved meanwhile"), e.getMessage());
            GetAliasResponse after = live("mid");
            assertEquals("1", after.functionVersion());
            assertTrue(weights(after).isEmpty(), "no routing left: " + weights(after));
        }
    }

    @Test
    void deploy_whenRollbackAlarmDoesNotExist_refusesBeforeAnyChange() {
        try (ModelDeployer d = fx.deployer(fx.target().createRole(true).build())) {
            d.deploy(spec("typo", "1"), DeployOptions.builder().timeout(Duration.ofMinutes(2)).build());
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> d.deploy(
                    spec("typo", "2"), options(RolloutPolicy.canary(10, Duration.ofSeconds(5))
                            .withRollbackAlarms("no-such-alarm"), ProgressListener.none())));
            assertTrue(e.getMessage().contains("[no-such-alarm] does not exist"), e.getMessage());
            assertEquals(List.of("1"), fx.versions("typo"), "nothing published");
            assertEquals("1", live("typo").functionVersion());
        }
    }

    @Test
    void deploy_whenRolloutLongerThanTimeout_refusesBeforeAnyCall() {
        try (ModelDeployer d = fx.deployer(fx.target().createRole(true).build())) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> d.deploy(
                    spec("long", "1"), DeployOptions.builder().timeout(Duration.ofMinutes(1))
                            .rollout(RolloutPolicy.linear(10, Duration.ofSeconds(30))).build()));
            assertTrue(e.getMessage().contains("does not fit in the deploy's timeout"), e.getMessage());
            assertFalse(fx.functions().contains("long"));
        }
    }
}
