package dev.mldeploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RolloutPolicyTest {

    @Test
    void parse_canary_givesPercentBakeAndTwoSteps() {
        RolloutPolicy p = RolloutPolicy.parse("canary:10:5m");
        assertEquals(RolloutPolicy.Kind.CANARY, p.kind());
        assertEquals(10, p.percent());
        assertEquals(Duration.ofMinutes(5), p.waitTime());
        assertEquals(List.of(10, 100), p.steps());
        assertEquals(Duration.ofMinutes(5), p.totalWait());
        assertEquals("canary:10:300s", p.toString());
    }

    @Test
    void parse_linear_stepsUntilAll() {
        RolloutPolicy p = RolloutPolicy.parse("linear:20:2m");
        assertEquals(List.of(20, 40, 60, 80, 100), p.steps());
        assertEquals(Duration.ofMinutes(8), p.totalWait());
        assertEquals(List.of(30, 60, 90, 100), RolloutPolicy.linear(30, Duration.ofSeconds(1)).steps());
    }

    @Test
    void parse_aFinalBake_followsTheLastStep_andCountsInTheTotalWait() {
        RolloutPolicy canary = RolloutPolicy.parse("canary:10:5m:10m");
        assertEquals(Duration.ofMinutes(10), canary.finalBake());
        assertEquals(List.of(10, 100), canary.steps());
        assertEquals(Duration.ofMinutes(15), canary.totalWait());
        assertEquals("canary:10:300s:600s", canary.toString());
        assertEquals(canary, RolloutPolicy.parse(canary.toString()), "toString reads back");
        assertEquals(RolloutPolicy.canary(10, Duration.ofMinutes(5)).thenBake(Duration.ofMinutes(10)), canary);
        assertFalse(canary.equals(RolloutPolicy.parse("canary:10:5m")), "the final bake is part of the policy");
        assertEquals(Duration.ZERO, RolloutPolicy.parse("canary:10:5m").finalBake());

        RolloutPolicy linear = RolloutPolicy.parse("linear:50:1m:2m").withRollbackAlarms("errors");
        assertEquals(Duration.ofMinutes(3), linear.totalWait());
        assertEquals(Duration.ofMinutes(2), linear.finalBake(), "alarms keep the final bake");
    }

    @Test
    void thenBake_onAllAtOnce_orPastWhatSageMakerAccepts_refusesSayingWhatToWrite() {
        InvalidConfigurationException all = assertThrows(InvalidConfigurationException.class,
                () -> RolloutPolicy.allAtOnce().thenBake(Duration.ofMinutes(1)));
        assertTrue(all.getMessage().contains("all:BAKE"), all.getMessage());
        InvalidConfigurationException range = assertThrows(InvalidConfigurationException.class,
                () -> RolloutPolicy.parse("canary:10:5m:2h"));
        assertTrue(range.getMessage().contains("the final bake time") && range.getMessage().contains("3600 s"),
                range.getMessage());
        // 7 h of linear steps plus a 1 h final bake reach SageMaker's 8 h
        InvalidConfigurationException total = assertThrows(InvalidConfigurationException.class,
                () -> RolloutPolicy.linear(13, Duration.ofHours(1)).thenBake(Duration.ofHours(1)));
        assertTrue(total.getMessage().contains("28800"), total.getMessage());
    }

    @Test
    void parse_all_isTheImmediateDefault() {
        assertEquals(RolloutPolicy.allAtOnce(), RolloutPolicy.parse("all"));
        assertTrue(RolloutPolicy.parse("ALL").isImmediate());
        assertEquals(RolloutPolicy.allAtOnce(), DeployOptions.defaults().rollout());
        RolloutPolicy baked = RolloutPolicy.parse("all:90s");
        assertFalse(baked.isImmediate());
        assertEquals(List.of(100), baked.steps());
        assertEquals(Duration.ofSeconds(90), baked.totalWait());
        assertFalse(RolloutPolicy.allAtOnce().withRollbackAlarms("a").isImmediate());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "blue", "canary", "canary:10", "canary:10:5m:1m:2", "linear:20", "linear:20:1m:2m:3m", "all:1m:2m", "all:1m:2",
            "canary:ten:5m", "canary:10:soon", "canary:10:-5s"})
    void parse_whenNotThePolicySyntax_refusesNamingTheForms(String text) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> RolloutPolicy.parse(text));
        assertTrue(e.getMessage().contains("canary:10:5m") || e.getMessage().contains("30s"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"canary:0:5m", "canary:100:5m", "linear:0:1m", "linear:150:1m"})
    void parse_whenPercentOutOfRange_says1To99(String text) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> RolloutPolicy.parse(text));
        assertTrue(e.getMessage().contains("give 1 to 99"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"canary:10:0s", "canary:10:2h", "linear:10:3601s", "all:0"})
    void parse_whenWaitOutsideWhatSageMakerAccepts_saysTheRange(String text) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> RolloutPolicy.parse(text));
        assertTrue(e.getMessage().contains("from 1 s to 3600 s"), e.getMessage());
    }

    @Test
    void canary_whenBakeNotWholeSeconds_refuses() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> RolloutPolicy.canary(10, Duration.ofMillis(1500)));
        assertTrue(e.getMessage().contains("whole seconds"), e.getMessage());
    }

    @Test
    void linear_whenWaitsTogetherReachEightHours_refuses() {
        // 99 waits of 1 h
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> RolloutPolicy.linear(1, Duration.ofHours(1)));
        assertTrue(e.getMessage().contains("28800"), e.getMessage());
        assertEquals(Duration.ofHours(7), RolloutPolicy.linear(13, Duration.ofHours(1)).totalWait());
    }

    @Test
    void withRollbackAlarms_keepsOrderAndValidatesNames() {
        RolloutPolicy p = RolloutPolicy.parse("canary:10:1m").withRollbackAlarms("errors", "latency-p99");
        assertEquals(List.of("errors", "latency-p99"), p.rollbackAlarms());
        assertEquals("canary:10:60s alarms=[errors, latency-p99]", p.toString());
        assertThrows(InvalidConfigurationException.class, () -> p.withRollbackAlarms("  "));
        assertThrows(InvalidConfigurationException.class, () -> p.withRollbackAlarms("x".repeat(256)));
        InvalidConfigurationException twice = assertThrows(InvalidConfigurationException.class,
                () -> p.withRollbackAlarms("a", "a"));
        assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
        InvalidConfigurationException many = assertThrows(InvalidConfigurationException.class,
                () -> p.withRollbackAlarms(Collections.nCopies(11, "a").stream().map(s -> s + Math.random())
                        .toList()));
        assertTrue(many.getMessage().contains("at most 10"), many.getMessage());
    }

    @Test
    void deployOptions_carryTheRolloutThroughToBuilder() {
        RolloutPolicy p = RolloutPolicy.linear(25, Duration.ofSeconds(30));
        DeployOptions o = DeployOptions.builder().rollout(p).build();
        assertEquals(p, o.rollout());
        assertEquals(p, o.toBuilder().build().rollout());
    }
}
