package dev.mldeploy;

import java.time.Duration;
import java.util.Objects;

/**
 * The default CloudWatch alarms a cloud deployment gets when {@link DeployOptions.Builder#alarms(AlarmPolicy)} asks for
 * them ({@code deploy --alarms}): one on the error rate (errors / invocations, by metric math) and one on the p99
 * latency. Each evaluates {@code evaluationPeriods} periods of {@code period} and goes into ALARM when
 * {@code datapointsToAlarm} of them breach; periods without traffic do not breach. They are created with the deployment,
 * kept on redeploys, and removed with it.
 *
 * @param errorRatePercent   alarm when more than this percentage of invocations fail (0 exclusive to 100)
 * @param p99Latency         alarm when the p99 latency is above this
 * @param period             the length of one evaluated period, a whole number of minutes
 * @param evaluationPeriods  how many periods are evaluated (1 to 100)
 * @param datapointsToAlarm  how many of them must breach (1 to {@code evaluationPeriods})
 */
public record AlarmPolicy(double errorRatePercent, Duration p99Latency, Duration period, int evaluationPeriods,
                          int datapointsToAlarm) {
    /** Error rate above 5 %. */
    public static final double DEFAULT_ERROR_RATE_PERCENT = 5;
    /** p99 latency above 1 s. */
    public static final Duration DEFAULT_P99_LATENCY = Duration.ofSeconds(1);
    /** One-minute periods, 3 breaching out of 5. */
    public static final Duration DEFAULT_PERIOD = Duration.ofMinutes(1);
    public static final int DEFAULT_EVALUATION_PERIODS = 5;
    public static final int DEFAULT_DATAPOINTS_TO_ALARM = 3;

    public AlarmPolicy {
        Objects.requireNonNull(p99Latency, "p99Latency");
        Objects.requireNonNull(period, "period");
        if (!(errorRatePercent > 0 && errorRatePercent <= 100)) {
            throw new InvalidConfigurationException("the error-rate alarm threshold must be above 0 and at most 100 "
                    + "percent, was " + errorRatePercent + " (--alarm-error-rate)");
        }
        if (p99Latency.isNegative() || p99Latency.isZero()) {
            throw new InvalidConfigurationException("the p99 latency alarm threshold must be positive, was "
                    + p99Latency + " (--alarm-p99)");
        }
        if (period.toSeconds() < 60 || period.toSeconds() % 60 != 0 || period.toNanos() % 1_000_000_000L != 0) {
            throw new InvalidConfigurationException("the alarm period must be a whole number of minutes, was "
                    + period + " (--alarm-period)");
        }
        if (evaluationPeriods < 1 || evaluationPeriods > 100 || period.toSeconds() * evaluationPeriods > 86_400) {
            throw new InvalidConfigurationException("alarms evaluate 1 to 100 periods of at most one day in all "
                    + "(CloudWatch's limit), asked for " + evaluationPeriods + " of " + period);
        }
        if (datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods) {
            throw new InvalidConfigurationException("datapointsToAlarm must be 1 to evaluationPeriods ("
                    + evaluationPeriods + "), was " + datapointsToAlarm);
        }
    }

    /** The defaults: error rate above 5 %, p99 above 1 s, 3 of 5 one-minute periods. */
    public static AlarmPolicy defaults() {
        return new AlarmPolicy(DEFAULT_ERROR_RATE_PERCENT, DEFAULT_P99_LATENCY, DEFAULT_PERIOD,
                DEFAULT_EVALUATION_PERIODS, DEFAULT_DATAPOINTS_TO_ALARM);
    }

    public AlarmPolicy withErrorRatePercent(double value) {
        return new AlarmPolicy(value, p99Latency, period, evaluationPeriods, datapointsToAlarm);
    }

    public AlarmPolicy withP99Latency(Duration value) {
        return new AlarmPolicy(errorRatePercent, value, period, evaluationPeriods, datapointsToAlarm);
    }
}
