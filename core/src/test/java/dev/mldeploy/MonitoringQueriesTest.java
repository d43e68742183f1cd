package dev.mldeploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MonitoringQueriesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T17:30:42Z"), ZoneOffset.UTC);

    @Test
    void metricsLast_endsAfterTheCurrentMinute_andSpansWholeMinutes() {
        MetricsQuery q = MetricsQuery.last(Duration.ofSeconds(90), CLOCK);

        assertEquals(Instant.parse("2026-12-01T17:31:00Z"), q.end());
        assertEquals(Instant.parse("2026-12-01T17:29:00Z"), q.start());
        assertEquals(MetricsQuery.DEFAULT_TIMEOUT, q.timeout());
    }

    @Test
    void metricsQuery_refusesAnEmptyOrTooLongWindow_sayingWhatToGive() {
        Instant t = Instant.parse("2026-12-01T17:00:00Z");
        InvalidConfigurationException empty = assertThrows(InvalidConfigurationException.class,
                () -> new MetricsQuery(t.plusSeconds(20), t.plusSeconds(40), Duration.ofSeconds(5)));
        InvalidConfigurationException longer = assertThrows(InvalidConfigurationException.class,
                () -> MetricsQuery.last(Duration.ofDays(16), CLOCK));

        assertTrue(empty.getMessage().contains("at least one minute"), empty.getMessage());
        assertTrue(longer.getMessage().contains("15 days or less"), longer.getMessage());
        assertThrows(InvalidConfigurationException.class, () -> MetricsQuery.last(Duration.ZERO, CLOCK));
    }

    @Test
    void logQuery_startsThatLongAgo_andRefusesALimitOutOfRange() {
        LogQuery q = LogQuery.last(Duration.ofMinutes(10), CLOCK);

        assertEquals(Instant.parse("2026-12-01T17:20:42Z"), q.start());
        assertEquals(LogQuery.DEFAULT_LIMIT, q.limit());
        assertThrows(InvalidConfigurationException.class, () -> q.withLimit(0));
        assertThrows(InvalidConfigurationException.class, () -> q.withLimit(LogQuery.MAX_LIMIT + 1));
    }

    @Test
    void alarmPolicy_defaults_areFivePercentOneSecondThreeOfFiveMinutes() {
        AlarmPolicy p = AlarmPolicy.defaults();

        assertEquals(5.0, p.errorRatePercent());
        assertEquals(Duration.ofSeconds(1), p.p99Latency());
        assertEquals(Duration.ofMinutes(1), p.period());
        assertEquals(5, p.evaluationPeriods());
        assertEquals(3, p.datapointsToAlarm());
    }

    @Test
    void alarmPolicy_refusesThresholdsAndPeriodsCloudWatchWouldNot() {
        AlarmPolicy d = AlarmPolicy.defaults();
        assertThrows(InvalidConfigurationException.class, () -> d.withErrorRatePercent(0));
        assertThrows(InvalidConfigurationException.class, () -> d.withErrorRatePercent(101));
        assertThrows(InvalidConfigurationException.class, () -> d.withP99Latency(Duration.ZERO));
        assertThrows(InvalidConfigurationException.class,
                () -> new AlarmPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(90), 5, 3));
        assertThrows(InvalidConfigurationException.class,
                () -> new AlarmPolicy(5, Duration.ofSeconds(1), Duration.ofMinutes(1), 3, 4));
        InvalidConfigurationException day = assertThrows(InvalidConfigurationException.class,
                () -> new AlarmPolicy(5, Duration.ofSeconds(1), Duration.ofHours(1), 25, 3));
        assertTrue(day.getMessage().contains("one day"), day.getMessage());
    }
}
