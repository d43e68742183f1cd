package dev.mldeploy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How an update of an existing deployment reaches its traffic, the same on every cloud target: all at once (the
 * default, today's behaviour), a canary (a percentage of the traffic for a bake time, then the rest), or linear
 * steps (a percentage more every interval), either optionally followed by a final bake with all the traffic on the new
 * version ({@link #thenBake}). When any of the rollback alarms (CloudWatch alarm names) is in ALARM
 * during the rollout or a bake, the update is undone: the deployment goes back to its previous version and the
 * deploy fails with {@link RolloutRolledBackException} naming the alarm. A first deploy has no previous version and
 * goes all at once.
 *
 * <p>Limits are those AWS accepts for a SageMaker blue/green update, so one policy is valid on both targets: each wait
 * whole seconds, {@value #MAX_WAIT_SECONDS} s at most (WaitIntervalInSeconds); all waits together less than
 * {@value #MAX_TOTAL_WAIT_SECONDS} s (MaximumExecutionTimeoutInSeconds); percentages 1 to 99; at most
 * {@value #MAX_ALARMS} alarms (AutoRollbackConfiguration), each a CloudWatch alarm name of 1 to
 * {@value #MAX_ALARM_NAME} characters. Immutable, validated when built: invalid values throw
 * {@link InvalidConfigurationException} saying what to change.
 */
public final class RolloutPolicy {
    /** The longest one wait may be (SageMaker WaitIntervalInSeconds). */
    public static final int MAX_WAIT_SECONDS = 3600;
    /** The waits of one rollout together stay below this (SageMaker MaximumExecutionTimeoutInSeconds' maximum). */
    public static final int MAX_TOTAL_WAIT_SECONDS = 28800;
    /** Most rollback alarms (SageMaker AutoRollbackConfiguration Alarms). */
    public static final int MAX_ALARMS = 10;
    /** Longest CloudWatch alarm name. */
    public static final int MAX_ALARM_NAME = 255;
    static final String SYNTAX = "all[:BAKE], canary:PERCENT:BAKE[:FINAL_BAKE] or "
            + "linear:STEP_PERCENT:INTERVAL[:FINAL_BAKE] (e.g. all, canary:10:5m, linear:20:2m:10m)";

    /** The shape of the rollout. */
    public enum Kind {
        /** Every request moves to the new version at once (then an optional bake). */
        ALL_AT_ONCE,
        /** A percentage of the requests, a bake time, then the rest. */
        CANARY,
        /** A percentage more every interval until all. */
        LINEAR
    }

    private static final java.util.regex.Pattern SHORT_DURATION = java.util.regex.Pattern.compile("(\\d{1,9})(s|m|h)?");
    private static final RolloutPolicy ALL = new RolloutPolicy(Kind.ALL_AT_ONCE, 100, Duration.ZERO, Duration.ZERO,
            List.of());

    private final Kind kind;
    private final int percent;
    private final Duration wait;
    private final Duration finalBake;
    private final List<String> alarms;

    private RolloutPolicy(Kind kind, int percent, Duration wait, Duration finalBake, List<String> alarms) {
        this.kind = kind;
        this.percent = percent;
        this.wait = wait;
        this.finalBake = finalBake;
        this.alarms = alarms;
    }

    /** Everything at once, no bake, no alarms: the default. */
    public static RolloutPolicy allAtOnce() {
        return ALL;
    }

    /** Everything at once, then {@code bake} during which the rollback alarms are watched. */
    public static RolloutPolicy allAtOnce(Duration bake) {
        return new RolloutPolicy(Kind.ALL_AT_ONCE, 100, checkWait(bake, "the bake time of all"), Duration.ZERO,
                List.of());
    }

    /** {@code percent} of the requests for {@code bake}, then all of them. */
    public static RolloutPolicy canary(int percent, Duration bake) {
        return new RolloutPolicy(Kind.CANARY, checkPercent(percent, "the canary size"),
                checkWait(bake, "the canary's bake time"), Duration.ZERO, List.of());
    }

    /** {@code stepPercent} more of the requests every {@code interval}, until all of them. */
    public static RolloutPolicy linear(int stepPercent, Duration interval) {
        RolloutPolicy p = new RolloutPolicy(Kind.LINEAR, checkPercent(stepPercent, "the linear step"),
                checkWait(interval, "the linear interval"), Duration.ZERO, List.of());
        p.checkTotal();
        return p;
    }

    /**
     * This canary or linear rollout, then {@code bake} with every request on the new version, the rollback alarms
     * still watched (the previous version is kept for it until the end: SageMaker's TerminationWaitInSeconds).
     *
     * @throws InvalidConfigurationException the policy is all at once (whose bake is its only wait), or the bake is
     *                                       out of range
     */
    public RolloutPolicy thenBake(Duration bake) {
        if (kind == Kind.ALL_AT_ONCE) {
            throw new InvalidConfigurationException("all at once has one bake, after the move: write all:BAKE, not a "
                    + "final bake");
        }
        RolloutPolicy p = new RolloutPolicy(kind, percent, wait, checkWait(bake, "the final bake time"), alarms);
        p.checkTotal();
        return p;
    }

    /**
     * The policy written as the CLI takes it: {@code all}, {@code all:BAKE}, {@code canary:PERCENT:BAKE[:FINAL_BAKE]},
     * {@code linear:STEP_PERCENT:INTERVAL[:FINAL_BAKE]}; durations as {@code 90s}, {@code 5m}, {@code 1h} or
     * ISO-8601.
     *
     * @throws InvalidConfigurationException the text is none of these, or a value is out of range
     */
    public static RolloutPolicy parse(String text) {
        Objects.requireNonNull(text, "text");
        String[] parts = text.trim().split(":", -1);
        String kind = parts[0].toLowerCase(Locale.ROOT);
        switch (kind) {
            case "all" -> {
                if (parts.length == 1) {
                    return allAtOnce();
                }
                if (parts.length == 2) {
                    return allAtOnce(duration(parts[1], "the bake time of all", text));
                }
            }
            case "canary" -> {
                if (parts.length == 3 || parts.length == 4) {
                    RolloutPolicy p = canary(number(parts[1], "the canary size", text),
                            duration(parts[2], "the canary's bake time", text));
                    return parts.length == 3 ? p : p.thenBake(duration(parts[3], "the final bake time", text));
                }
            }
            case "linear" -> {
                if (parts.length == 3 || parts.length == 4) {
                    RolloutPolicy p = linear(number(parts[1], "the linear step", text),
                            duration(parts[2], "the linear interval", text));
                    return parts.length == 3 ? p : p.thenBake(duration(parts[3], "the final bake time", text));
                }
            }
            default -> {
                // falls through to the error below
            }
        }
        throw new InvalidConfigurationException("rollout '" + text + "' is not one of " + SYNTAX);
    }

    /** This policy, rolled back when any of {@code names} (CloudWatch alarm names) goes into ALARM. */
    public RolloutPolicy withRollbackAlarms(List<String> names) {
        Objects.requireNonNull(names, "names");
        if (names.size() > MAX_ALARMS) {
            throw new InvalidConfigurationException(names.size() + " rollback alarms given; at most " + MAX_ALARMS
                    + " are allowed (SageMaker's AutoRollbackConfiguration): combine them into a composite alarm");
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String n : names) {
            Objects.requireNonNull(n, "alarm name");
            if (n.isBlank() || n.length() > MAX_ALARM_NAME) {
                throw new InvalidConfigurationException("rollback alarm '" + n + "' is not a CloudWatch alarm name: "
                        + "give 1 to " + MAX_ALARM_NAME + " characters, not only spaces");
            }
            if (!seen.add(n)) {
                throw new InvalidConfigurationException("rollback alarm '" + n + "' is given twice; name each "
                        + "alarm once");
            }
        }
        return new RolloutPolicy(kind, percent, wait, finalBake, List.copyOf(seen));
    }

    /** See {@link #withRollbackAlarms(List)}. */
    public RolloutPolicy withRollbackAlarms(String... names) {
        return withRollbackAlarms(List.of(names));
    }

    public Kind kind() {
        return kind;
    }

    /** The canary size or the linear step, in percent of the requests; 100 for all at once. */
    public int percent() {
        return percent;
    }

    /**
     * The canary's bake time, the linear interval, or the bake after all at once (zero: none): how long each
     * step is watched before the next.
     */
    public Duration waitTime() {
        return wait;
    }

    /**
     * The bake after a canary or linear rollout reached every request (zero: none; all at once bakes for
     * {@link #waitTime()} instead).
     */
    public Duration finalBake() {
        return finalBake;
    }

    /** The CloudWatch alarms that roll the update back; empty: none. */
    public List<String> rollbackAlarms() {
        return alarms;
    }

    /** Whether this is the default: all at once with no bake and no alarm, so nothing to watch. */
    public boolean isImmediate() {
        return kind == Kind.ALL_AT_ONCE && wait.isZero() && alarms.isEmpty();
    }

    /**
     * The share of the requests the new version gets at each step, in order, ending with 100: {@code [10, 100]} for
     * a 10 % canary, {@code [20, 40, 60, 80, 100]} for 20 % linear steps, {@code [100]} all at once.
     */
    public List<Integer> steps() {
        List<Integer> steps = new ArrayList<>();
        if (kind != Kind.ALL_AT_ONCE) {
            for (int p = percent; p < 100; p += kind == Kind.CANARY ? 100 : percent) {
                steps.add(p);
            }
        }
        steps.add(100);
        return List.copyOf(steps);
    }

    /**
     * How long the rollout waits in all: {@link #waitTime()} after each step but the last (after it, all at once),
     * then the {@link #finalBake()}.
     */
    public Duration totalWait() {
        int waits = kind == Kind.ALL_AT_ONCE ? 1 : steps().size() - 1;
        return wait.multipliedBy(waits).plus(finalBake);
    }

    private void checkTotal() {
        if (totalWait().toSeconds() >= MAX_TOTAL_WAIT_SECONDS) {
            throw new InvalidConfigurationException("rollout " + this + " waits " + totalWait().toSeconds()
                    + " s in all; it must stay below " + MAX_TOTAL_WAIT_SECONDS + " s (8 h, SageMaker's "
                    + "MaximumExecutionTimeoutInSeconds): take larger steps or a shorter interval");
        }
    }

    private static int checkPercent(int percent, String what) {
        if (percent < 1 || percent > 99) {
            throw new InvalidConfigurationException(what + " is " + percent + " %; give 1 to 99 (percent of the "
                    + "requests)");
        }
        return percent;
    }

    private static Duration checkWait(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero() || d.toSeconds() > MAX_WAIT_SECONDS || d.toNanos() % 1_000_000_000L != 0) {
            throw new InvalidConfigurationException(what + " is " + d + "; give whole seconds from 1 s to "
                    + MAX_WAIT_SECONDS + " s (1 h, SageMaker's WaitIntervalInSeconds), e.g. 30s or 5m");
        }
        return d;
    }

    private static int number(String text, String what, String whole) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException("rollout '" + whole + "': " + what + " '" + text + "' is not a "
                    + "whole number of percent; write " + SYNTAX);
        }
    }

    private static Duration duration(String text, String what, String whole) {
        // the CLI's forms (TargetContext.parseDuration), without depending on the SPI package from the API
        String t = text.trim().toLowerCase(Locale.ROOT);
        java.util.regex.Matcher m = SHORT_DURATION.matcher(t);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2) == null ? "s" : m.group(2)) {
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofSeconds(n);
                };
            }
            if (t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
        } catch (RuntimeException e) {
            // not a duration: said below
        }
        throw new InvalidConfigurationException("rollout '" + whole + "': " + what + " '" + text + "' is not a "
                + "duration; give whole seconds from 1 s to " + MAX_WAIT_SECONDS + " s such as 30s, 5m or 1h");
    }

    /** The policy as {@link #parse} reads it, then the alarms: {@code canary:10:300s alarms=[a, b]}. */
    @Override
    public String toString() {
        String s = switch (kind) {
            case ALL_AT_ONCE -> wait.isZero() ? "all" : "all:" + wait.toSeconds() + "s";
            case CANARY -> "canary:" + percent + ":" + wait.toSeconds() + "s";
            case LINEAR -> "linear:" + percent + ":" + wait.toSeconds() + "s";
        } + (finalBake.isZero() ? "" : ":" + finalBake.toSeconds() + "s");
        return alarms.isEmpty() ? s : s + " alarms=" + alarms;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RolloutPolicy p && kind == p.kind && percent == p.percent && wait.equals(p.wait)
                && finalBake.equals(p.finalBake) && alarms.equals(p.alarms);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, percent, wait, finalBake, alarms);
    }
}
