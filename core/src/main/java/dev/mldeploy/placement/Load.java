package dev.mldeploy.placement;

import dev.mldeploy.TrafficProfile;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The load placement sizes capacity for: the busier of the peak second and the month's average rate
 * ({@code requests a month / (730 h x 3,600 s)}), since a peak below the average is a contradiction the
 * average wins (200 M requests a month is 76 requests/s whatever {@code --peak-rps} says). Exact decimals,
 * so huge inputs cannot overflow. Stateless; thread-safe.
 */
final class Load {
    /** 730 h x 3,600 s. */
    static final BigDecimal SECONDS_PER_MONTH = PriceTables.hoursPerMonth().multiply(CostModel.SECONDS_PER_HOUR);
    private static final int SCALE = 9;

    private final BigDecimal requestsPerSecond;
    private final boolean fromAverage;
    private final BigDecimal averageSeconds;

    private Load(TrafficProfile traffic) {
        BigDecimal peak = BigDecimal.valueOf(traffic.peakRequestsPerSecond());
        BigDecimal average = averageRequestsPerSecond(traffic);
        this.fromAverage = average.compareTo(peak) > 0;
        this.requestsPerSecond = fromAverage ? average : peak;
        this.averageSeconds = Fmt.seconds(traffic.averageInferenceTime());
    }

    static Load of(TrafficProfile traffic) {
        return new Load(traffic);
    }

    /** requests a month / 2,628,000 s, rounded up at the ninth decimal. */
    static BigDecimal averageRequestsPerSecond(TrafficProfile traffic) {
        return BigDecimal.valueOf(traffic.requestsPerMonth()).divide(SECONDS_PER_MONTH, SCALE, RoundingMode.CEILING);
    }

    /** The rate capacity is sized for, requests a second. */
    BigDecimal requestsPerSecond() {
        return requestsPerSecond;
    }

    /** Requests in flight at that rate: rate x average seconds (Little's law), not rounded. */
    BigDecimal busy() {
        return requestsPerSecond.multiply(averageSeconds);
    }

    /** {@code ceil(busy / perUnit)}, at least 1: copies needed when each serves {@code perUnit} at a time. */
    long units(int perUnit) {
        BigDecimal n = busy().divide(BigDecimal.valueOf(perUnit), 0, RoundingMode.CEILING);
        return Math.max(1, n.min(BigDecimal.valueOf(Long.MAX_VALUE)).longValue());
    }

    /** Concurrent requests: {@code ceil(busy)}, at least 1. */
    long concurrency() {
        return units(1);
    }

    /** How the rate was chosen, for notes and reasons: {@code peak 5 requests/s}. */
    String describe() {
        String rate = Fmt.num(requestsPerSecond.setScale(Math.min(requestsPerSecond.scale(), 3),
                RoundingMode.CEILING));
        return fromAverage ? "the month's average " + rate + " requests/s (above the peak)" : "peak " + rate
                + " requests/s";
    }
}
