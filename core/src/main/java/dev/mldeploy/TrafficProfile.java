package dev.mldeploy;

import java.time.Duration;
import java.util.Objects;

/**
 * The traffic a model expects: it drives the cost estimate and the instance count.
 *
 * <p>Each figure has an upper bound far above any real service ({@link #MAX_REQUESTS_PER_MONTH},
 * {@link #MAX_PEAK_REQUESTS_PER_SECOND}, {@link Resources#MAX_INFERENCE_TIME_LIMIT}), so that the placement
 * arithmetic never overflows and a typo (an extra six zeros) is refused instead of priced.
 *
 * @param requestsPerMonth      requests a month (0 to {@link #MAX_REQUESTS_PER_MONTH})
 * @param averageInferenceTime  the average time one request takes (positive, at most 24 h)
 * @param peakRequestsPerSecond the busiest second's requests (0 to {@link #MAX_PEAK_REQUESTS_PER_SECOND})
 * @param payloadBytes          the largest request or response body, in bytes (at least 0)
 */
public record TrafficProfile(long requestsPerMonth, Duration averageInferenceTime, double peakRequestsPerSecond,
                             long payloadBytes) {
    /** 10^15 requests a month, about 380 million a second. */
    public static final long MAX_REQUESTS_PER_MONTH = 1_000_000_000_000_000L;
    /** 10^9 requests in the busiest second. */
    public static final double MAX_PEAK_REQUESTS_PER_SECOND = 1e9;

    public TrafficProfile {
        Objects.requireNonNull(averageInferenceTime, "averageInferenceTime");
        if (requestsPerMonth < 0) {
            throw new InvalidSpecException("requestsPerMonth must be at least 0, was " + requestsPerMonth);
        }
        if (requestsPerMonth > MAX_REQUESTS_PER_MONTH) {
            throw new InvalidSpecException("requestsPerMonth must be at most 1,000,000,000,000,000 (10^15), was "
                    + requestsPerMonth);
        }
        if (averageInferenceTime.isNegative() || averageInferenceTime.isZero()) {
            throw new InvalidSpecException("averageInferenceTime must be positive, was " + averageInferenceTime);
        }
        if (averageInferenceTime.compareTo(Resources.MAX_INFERENCE_TIME_LIMIT) > 0) {
            throw new InvalidSpecException("averageInferenceTime must be at most "
                    + Resources.MAX_INFERENCE_TIME_LIMIT.toHours() + " h, was " + averageInferenceTime);
        }
        if (!(peakRequestsPerSecond >= 0) || Double.isInfinite(peakRequestsPerSecond)) {
            throw new InvalidSpecException("peakRequestsPerSecond must be a finite number at least 0, was "
                    + peakRequestsPerSecond);
        }
        if (peakRequestsPerSecond > MAX_PEAK_REQUESTS_PER_SECOND) {
            throw new InvalidSpecException("peakRequestsPerSecond must be at most 1,000,000,000, was "
                    + peakRequestsPerSecond);
        }
        if (payloadBytes < 0) {
            throw new InvalidSpecException("payloadBytes must be at least 0, was " + payloadBytes);
        }
    }

    /** 100,000 requests a month, 100 ms each on average, a peak of 1 request per second, 16 KB payloads. */
    public static TrafficProfile defaults() {
        return new TrafficProfile(100_000, Duration.ofMillis(100), 1.0, 16 * 1024);
    }

    public TrafficProfile withRequestsPerMonth(long value) {
        return new TrafficProfile(value, averageInferenceTime, peakRequestsPerSecond, payloadBytes);
    }

    public TrafficProfile withAverageInferenceTime(Duration value) {
        return new TrafficProfile(requestsPerMonth, value, peakRequestsPerSecond, payloadBytes);
    }

    public TrafficProfile withPeakRequestsPerSecond(double value) {
        return new TrafficProfile(requestsPerMonth, averageInferenceTime, value, payloadBytes);
    }

    public TrafficProfile withPayloadBytes(long value) {
        return new TrafficProfile(requestsPerMonth, averageInferenceTime, peakRequestsPerSecond, value);
    }
}
