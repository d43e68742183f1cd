package dev.mldeploy.lambda.internal;

import dev.mldeploy.aws.AlarmStates;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.spi.DeployContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Watches one step of a rollout for its wait time: every poll interval it reads the rollback alarms' states and
 * checks that the alias is still as the rollout set it, and it stops early when an alarm is in ALARM, the alias was
 * moved (a {@code rollback} meanwhile), or the deploy's deadline comes. Each wait is bounded by the deadline and ends
 * on an interrupt ({@link DeployContext#sleep}). Thread-safe.
 */
final class RolloutWatcher {
    /** How one watch ended. */
    enum End {
        /** The wait time passed with no alarm. */
        QUIET,
        /** An alarm was in ALARM ({@link Outcome#alarm()}). */
        ALARM,
        /** Someone else moved the alias. */
        MOVED,
        /** The deploy's deadline came first. */
        DEADLINE
    }

    /** How a watch ended, and the alarm when one fired. */
    record Outcome(End end, String alarm) {
        static final Outcome QUIET = new Outcome(End.QUIET, null);
    }

    private final AlarmStates alarms;
    private final Duration pollInterval;

    RolloutWatcher(AlarmStates alarms, Duration pollInterval) {
        this.alarms = alarms;
        this.pollInterval = pollInterval;
    }

    /**
     * Watches for {@code period} (zero: one look). {@code aliasAsSet} says whether the alias is still as this rollout
     * left it.
     */
    Outcome watch(List<String> alarmNames, Duration period, BooleanSupplier aliasAsSet, String step,
                  CallBudget budget, DeployContext ctx) {
        Instant end = ctx.clock().instant().plus(period);
        if (!period.isZero()) {
            ctx.progress("rollout", step, "watching " + (alarmNames.isEmpty() ? "the alias (no rollback alarm)"
                    : "alarms " + alarmNames) + " for " + period.toSeconds() + " s");
        }
        while (true) {
            if (ctx.expired()) {
                return new Outcome(End.DEADLINE, null);
            }
            try {
                if (!alarmNames.isEmpty()) {
                    List<String> firing = alarms.inAlarm(alarmNames, budget);
                    if (!firing.isEmpty()) {
                        return new Outcome(End.ALARM, firing.get(0));
                    }
                }
                if (!aliasAsSet.getAsBoolean()) {
                    return new Outcome(End.MOVED, null);
                }
            } catch (dev.mldeploy.OperationTimeoutException e) {
                if (ctx.expired()) {
                    return new Outcome(End.DEADLINE, null); // the deadline passed between the check and a read
                }
                throw e;
            }
            Duration left = Duration.between(ctx.clock().instant(), end);
            if (left.isNegative() || left.isZero()) {
                return Outcome.QUIET;
            }
            ctx.sleep(left.compareTo(pollInterval) < 0 ? left : pollInterval, "the bake of rollout step " + step);
        }
    }
}
