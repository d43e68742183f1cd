package dev.mldeploy.lambda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.ProgressListener;
import dev.mldeploy.RolloutPolicy;
import dev.mldeploy.RolloutRolledBackException;
import dev.mldeploy.aws.AlarmStates;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.spi.DeployContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasConfiguration;
import software.amazon.awssdk.services.lambda.model.AliasRoutingConfiguration;
import software.amazon.awssdk.services.lambda.model.GetAliasRequest;
import software.amazon.awssdk.services.lambda.model.GetAliasResponse;
import software.amazon.awssdk.services.lambda.model.UpdateAliasRequest;
import software.amazon.awssdk.services.lambda.model.UpdateAliasResponse;

/** The Lambda rollout's steps on a mocked client that keeps the alias as the calls leave it, on a clock the test moves. */
class AliasRolloutTest {
    /** A clock that moves only when the test says. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final TestClock clock = new TestClock();
    private final List<UpdateAliasRequest> moves = new ArrayList<>();
    private GetAliasResponse alias = GetAliasResponse.builder().name("live").functionVersion("1")
            .description(AliasManager.description("old")).revisionId("r0").build();
    private final LambdaClient lambda = lambda();
    private final AlarmStates alarms = mock(AlarmStates.class);
    private final AliasRollout rollout = new AliasRollout(lambda, alarms, Duration.ofMillis(1));
    private final List<String> progress = new ArrayList<>();

    private LambdaClient lambda() {
        LambdaClient m = mock(LambdaClient.class, withSettings().defaultAnswer(inv ->
                inv.getMethod().getParameterTypes().length == 1
                        && Consumer.class.isAssignableFrom(inv.getMethod().getParameterTypes()[0])
                        ? inv.callRealMethod() : Mockito.RETURNS_DEFAULTS.answer(inv)));
        when(m.getAlias(any(GetAliasRequest.class))).thenAnswer(inv -> {
            clock.now = clock.now.plusSeconds(1); // each poll reads the alias: one second of the bake passes
            return alias;
        });
        when(m.updateAlias(any(UpdateAliasRequest.class))).thenAnswer(inv -> {
            UpdateAliasRequest r = inv.getArgument(0);
            moves.add(r);
            String rev = "r" + moves.size();
            alias = alias.toBuilder().functionVersion(r.functionVersion()).routingConfig(r.routingConfig())
                    .description(r.description()).revisionId(rev).build();
            return UpdateAliasResponse.builder().functionVersion(r.functionVersion()).revisionId(rev).build();
        });
        return m;
    }

    private DeployContext ctx(Duration timeout) {
        ProgressListener l = e -> progress.add(e.phase() + " " + e.status());
        return DeployContext.of("fn", "lambda", l, timeout, clock);
    }

    private AliasConfiguration seen() {
        return AliasConfiguration.builder().name("live").functionVersion(alias.functionVersion())
                .description(alias.description()).revisionId(alias.revisionId()).build();
    }

    /** Every alarm read answers the next of {@code answers} (the last repeats). */
    @SafeVarargs
    private void alarmReads(List<String>... answers) {
        int[] i = {0};
        when(alarms.inAlarm(anyList(), any(CallBudget.class))).thenAnswer(inv -> {
            return answers[Math.min(i[0]++, answers.length - 1)];
        });
    }

    private static Map<String, Double> weights(UpdateAliasRequest r) {
        return r.routingConfig() == null ? Map.of() : r.routingConfig().additionalVersionWeights();
    }

    private void roll(RolloutPolicy policy, DeployContext ctx) {
        rollout.roll("fn", "2", "new", seen(), policy, () -> { }, CallBudget.of(ctx), ctx);
    }

    @Test
    void roll_canaryThatStaysQuiet_routesTheCanaryThenNamesTheNewVersionAlone() {
        alarmReads(List.of());
        roll(RolloutPolicy.canary(10, Duration.ofSeconds(5)).withRollbackAlarms("errors"), ctx(Duration.ofHours(1)));
        assertEquals(2, moves.size());
        assertEquals("1", moves.get(0).functionVersion(), "the canary keeps the previous version as the alias's own");
        assertEquals(Map.of("2", 0.1), weights(moves.get(0)));
        assertEquals(AliasManager.description("old"), moves.get(0).description(), "the spec hash moves only at the end");
        assertEquals("r0", moves.get(0).revisionId());
        assertEquals("2", moves.get(1).functionVersion());
        assertTrue(moves.get(1).routingConfig().hasAdditionalVersionWeights(), "routing cleared explicitly");
        assertEquals(Map.of(), weights(moves.get(1)));
        assertEquals(AliasManager.description("new"), moves.get(1).description());
        assertEquals("r1", moves.get(1).revisionId(), "each move carries the RevisionId of the one before");
        assertTrue(progress.contains("rollout 10%") && progress.contains("rollout 100%"), progress.toString());
    }

    @Test
    void roll_canaryWithAFinalBake_watchesTheAlarmsWithAllTheTrafficOnTheNewVersion() {
        alarmReads(List.of());
        Instant start = clock.now;
        roll(RolloutPolicy.canary(10, Duration.ofSeconds(5)).thenBake(Duration.ofSeconds(20))
                .withRollbackAlarms("errors"), ctx(Duration.ofHours(1)));
        assertEquals(2, moves.size(), "the final bake moves nothing");
        assertEquals("2", alias.functionVersion());
        assertTrue(Duration.between(start, clock.now).toSeconds() >= 25, "5 s canary bake, then 20 s with all");
        verify(alarms, Mockito.atLeast(20)).inAlarm(anyList(), any(CallBudget.class));
    }

    @Test
    void roll_whenAlarmFiresDuringTheFinalBake_pointsBackAtThePreviousVersion() {
        int[] reads = {0};
        when(alarms.inAlarm(anyList(), any(CallBudget.class))).thenAnswer(inv ->
                alias.functionVersion().equals("2") && ++reads[0] > 3 ? List.of("errors") : List.of());
        RolloutRolledBackException e = assertThrows(RolloutRolledBackException.class, () -> roll(
                RolloutPolicy.canary(10, Duration.ofSeconds(5)).thenBake(Duration.ofSeconds(60))
                        .withRollbackAlarms("errors"), ctx(Duration.ofHours(1))));
        assertTrue(e.getMessage().contains("rolled back at 100% (final bake)"), e.getMessage());
        assertEquals(3, moves.size(), "canary, all, then back");
        UpdateAliasRequest back = moves.get(2);
        assertEquals("1", back.functionVersion());
        assertEquals(Map.of(), weights(back));
        assertEquals(AliasManager.description("old"), back.description(), "the previous spec hash is back too");
        assertEquals("r2", back.revisionId());
    }

    @Test
    void roll_linear_movesOneStepPerInterval() {
        alarmReads(List.of());
        roll(RolloutPolicy.linear(30, Duration.ofSeconds(2)), ctx(Duration.ofHours(1)));
        assertEquals(List.of(Map.of("2", 0.3), Map.of("2", 0.6), Map.of("2", 0.9), Map.of()),
                moves.stream().map(AliasRolloutTest::weights).toList());
        verify(alarms, never()).inAlarm(anyList(), any(CallBudget.class)); // no alarm named: none read
    }

    @Test
    void roll_whenAlarmFiresDuringBake_pointsBackWithNoRoutingAndNamesTheAlarm() {
        alarmReads(List.of(), List.of(), List.of("latency-p99"));
        RolloutRolledBackException e = assertThrows(RolloutRolledBackException.class, () -> roll(
                RolloutPolicy.linear(20, Duration.ofSeconds(60)).withRollbackAlarms("errors", "latency-p99"),
                ctx(Duration.ofHours(1))));
        assertEquals("latency-p99", e.alarm().orElseThrow());
        assertTrue(e.getMessage().contains("rolled back at 20%"), e.getMessage());
        assertEquals(2, moves.size(), "one step, then back");
        UpdateAliasRequest back = moves.get(1);
        assertEquals("1", back.functionVersion());
        assertEquals(Map.of(), weights(back));
        assertEquals(AliasManager.description("old"), back.description());
        assertEquals("r1", back.revisionId());
    }

    @Test
    void roll_whenAliasMovedDuringBake_stopsAndLeavesIt() {
        int[] reads = {0};
        when(alarms.inAlarm(anyList(), any(CallBudget.class))).thenAnswer(inv -> {
            if (++reads[0] == 2) { // someone ran rollback: previous version alone
                alias = alias.toBuilder().functionVersion("1").routingConfig(AliasRoutingConfiguration.builder()
                        .additionalVersionWeights(Map.of()).build()).revisionId("theirs").build();
            }
            return List.of();
        });
        RolloutRolledBackException e = assertThrows(RolloutRolledBackException.class, () -> roll(
                RolloutPolicy.canary(10, Duration.ofSeconds(30)).withRollbackAlarms("errors"),
                ctx(Duration.ofHours(1))));
        assertTrue(e.alarm().isEmpty());
        assertTrue(e.getMessage().contains("was moved meanwhile") && e.getMessage().contains("previous version"),
                e.getMessage());
        assertEquals(1, moves.size(), "the rollout made no move after it saw the alias moved");
    }

    @Test
    void roll_whenDeadlineComesDuringBake_pointsBackAndTimesOut() {
        when(alarms.inAlarm(anyList(), any(CallBudget.class))).thenAnswer(inv -> {
            clock.now = clock.now.plusSeconds(40); // past the 60 s deadline on the second read
            return List.of();
        });
        OperationTimeoutException e = assertThrows(OperationTimeoutException.class, () -> roll(
                RolloutPolicy.canary(10, Duration.ofSeconds(50)).withRollbackAlarms("errors"),
                ctx(Duration.ofSeconds(60))));
        assertTrue(e.getMessage().contains("serves version 1 again"), e.getMessage());
        assertEquals("1", moves.get(moves.size() - 1).functionVersion());
        assertEquals(Map.of(), weights(moves.get(moves.size() - 1)));
    }

    @Test
    void roll_whenAMoveFailsMidRollout_pointsBackSoTheAliasIsNotLeftSplit() {
        alarmReads(List.of());
        int[] updates = {0};
        when(lambda.updateAlias(any(UpdateAliasRequest.class))).thenAnswer(inv -> {
            UpdateAliasRequest r = inv.getArgument(0);
            if (++updates[0] == 2) {
                throw software.amazon.awssdk.services.lambda.model.ServiceException.builder().statusCode(500)
                        .message("boom").build();
            }
            moves.add(r);
            alias = alias.toBuilder().functionVersion(r.functionVersion()).routingConfig(r.routingConfig())
                    .revisionId("r" + updates[0]).build();
            return UpdateAliasResponse.builder().revisionId("r" + updates[0]).build();
        });
        dev.mldeploy.DeploymentFailedException e = assertThrows(dev.mldeploy.DeploymentFailedException.class,
                () -> roll(RolloutPolicy.linear(50, Duration.ofSeconds(2)).withRollbackAlarms("errors"),
                        ctx(Duration.ofHours(1))));
        assertTrue(e.getMessage().contains("serves version 1 again"), e.getMessage());
        UpdateAliasRequest last = moves.get(moves.size() - 1);
        assertEquals("1", last.functionVersion());
        assertEquals(Map.of(), weights(last));
    }

    @Test
    void roll_whenAliasChangedBeforeFirstStep_movesNothing() {
        AliasConfiguration stale = seen();
        alias = alias.toBuilder().functionVersion("3").revisionId("other").build();
        assertThrows(RolloutRolledBackException.class, () -> rollout.roll("fn", "2", "new", stale,
                RolloutPolicy.canary(10, Duration.ofSeconds(5)), () -> { }, CallBudget.of(ctx(Duration.ofHours(1))),
                ctx(Duration.ofHours(1))));
        assertEquals(List.of(), moves);
    }

    @Test
    void checkFits_whenWaitsOutlastTheTimeout_refusesBeforeAnyCall() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () ->
                AliasRollout.checkFits(RolloutPolicy.linear(25, Duration.ofMinutes(10)), ctx(Duration.ofMinutes(30))));
        assertTrue(e.getMessage().contains("raise --timeout"), e.getMessage());
        verify(lambda, never()).getAlias(any(GetAliasRequest.class));
    }

    @Test
    void checkAlarms_asksAlarmStatesForTheRollbackAlarms() {
        rollout.checkAlarms(RolloutPolicy.canary(10, Duration.ofSeconds(5)).withRollbackAlarms("errors"),
                CallBudget.of(ctx(Duration.ofHours(1))));
        verify(alarms).requireReady(org.mockito.ArgumentMatchers.eq(List.of("errors")), any(CallBudget.class));
    }
}
