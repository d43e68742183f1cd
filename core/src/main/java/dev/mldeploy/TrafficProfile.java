package dev.mldeploy;

import java.time.Duration;
import java.util.Objects;

/**
 * The traffic a model expects: it drives the cost estimate and the instance count.
 *
 * @param requestsPerMonth      requests a month (at least 0)
 * @param averageInferenceTime  the average time one request takes (positive)
 * @param peakRequestsPerSecond the busiest second's requests (at least 0)
 * @param payloadBytes          the largest request or response body, in bytes (at least 0)
 */
public record TrafficProfile(long requestsPerMonth, Duration averageInferenceTime, double peakRequestsPerSecond,
                             long payloadBytes) {

    public TrafficProfile {
        Objects.requireNonNull(averageInferenceTime, "averageInferenceTime");
        if (requestsPerMonth < 0) {
            throw new InvalidSpecException("requestsPerMonth must be at least 0, was " + requestsPerMonth);
        }
        if (averageInferenceTime.isNegative() || averageInferenceTime.isZero()) {
            throw new InvalidSpecException("averageInferenceTime must be positive, was " + averageInferenceTime);
        }
        if (!(peakRequestsPerSecond >= 0) || Double.isInfinite(peakRequestsPerSecond)) {
            throw new InvalidSpecException("peakRequestsPerSecond must be a finite number at least 0, was "
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
