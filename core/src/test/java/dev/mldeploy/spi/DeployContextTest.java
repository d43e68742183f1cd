package dev.mldeploy.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.mldeploy.AlarmPolicy;
import dev.mldeploy.ProgressListener;
import dev.mldeploy.RolloutPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** A target's own timeout shortens a deploy's context without losing what the caller asked for. */
class DeployContextTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);

    private static DeployContext asked() {
        return DeployContext.of("m", "lambda", ProgressListener.none(), Duration.ofMinutes(30), CLOCK)
                .withRollout(RolloutPolicy.canary(10, Duration.ofMinutes(1)))
                .withAlarms(AlarmPolicy.defaults());
    }

    @Test
    void boundedBy_whenTheLimitEndsSooner_endsThen_andKeepsAlarmsRolloutAndStart() {
        DeployContext ctx = asked();
        DeployContext bounded = ctx.boundedBy(Duration.ofMinutes(5));
        assertEquals(Duration.ofMinutes(5), bounded.remaining());
        assertEquals(ctx.alarms(), bounded.alarms());
        assertEquals(ctx.rollout(), bounded.rollout());
        assertEquals(ctx.elapsed(), bounded.elapsed());
        assertEquals("m", bounded.deploymentName());
    }

    @Test
    void boundedBy_whenTheLimitEndsLater_isTheSameContext() {
        DeployContext ctx = asked();
        assertSame(ctx, ctx.boundedBy(Duration.ofHours(1)));
    }
}
