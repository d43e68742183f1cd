package dev.mldeploy.placement;

import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.PlacementDecision;
import dev.mldeploy.PlacementOptions;

import static dev.mldeploy.placement.Specs.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.Resources;
import dev.mldeploy.TrafficProfile;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Capacity is sized for the busier of the peak and the month's average; absurd and impossible inputs are refused. */
class TrafficSizingTest {
    private final SageMakerRealTimeProfile realtime = SageMakerRealTimeProfile.create();
    private final SageMakerServerlessProfile serverless = SageMakerServerlessProfile.create();

    private static ModelSpec monthly(long requests, long averageMs, double peak) {
        return spec().traffic(t -> t.requestsPerMonth(requests).averageInferenceTime(Duration.ofMillis(averageMs))
                .peakRequestsPerSecond(peak)).build();
    }

    @Test
    void realTimeCount_when200MillionRequestsAMonthAt400Ms_coversTheAverageRateNotJustThePeak() {
        // 200,000,000 / 2,628,000 s = 76.1035 requests/s x 0.4 s = 30.44 busy / 2 vCPUs (ml.t2.medium) = 16
        CandidateEvaluation c = realtime.evaluate(monthly(200_000_000, 400, 1), PlacementOptions.defaults());
        assertTrue(c.feasible(), c.reasons()::toString);
        assertEquals("ml.t2.medium", c.settings().get(CandidateEvaluation.INSTANCE_TYPE));
        assertEquals("16", c.settings().get(CandidateEvaluation.INSTANCE_COUNT));
        assertTrue(c.notes().stream().anyMatch(n -> n.contains(
                "the month's average 76.104 requests/s (above the peak)")), c.notes()::toString);
    }

    @Test
    void realTimeCount_whenThePeakIsBusierThanTheAverage_usesThePeak() {
        // peak 40 requests/s x 0.4 s = 16 busy / 2 vCPUs = 8; the average (76.1/s) is not involved at 1M a month
        CandidateEvaluation c = realtime.evaluate(monthly(1_000_000, 400, 40), PlacementOptions.defaults());
        assertEquals("8", c.settings().get(CandidateEvaluation.INSTANCE_COUNT));
        assertTrue(c.notes().stream().anyMatch(n -> n.contains("peak 40 requests/s")), c.notes()::toString);
    }

    @Test
    void realTimeExplicitCount_belowWhatTheTrafficNeeds_isPricedAsAskedWithANote() {
        CandidateEvaluation c = realtime.evaluate(monthly(200_000_000, 400, 1),
                PlacementOptions.builder().instanceCount(2).build());
        assertEquals("2", c.settings().get(CandidateEvaluation.INSTANCE_COUNT));
        assertTrue(c.notes().stream().anyMatch(n -> n.startsWith("the traffic needs 16 instances")),
                c.notes()::toString);
    }

    @Test
    void serverlessConcurrency_coversTheAverageRate() {
        // 200,000,000 / 2,628,000 s x 0.4 s = 30.44 -> 31
        CandidateEvaluation c = serverless.evaluate(monthly(200_000_000, 400, 1), PlacementOptions.defaults());
        assertEquals("31", c.settings().get(CandidateEvaluation.MAX_CONCURRENCY));
    }

    @Test
    void serverlessConcurrency_whenTheAverageNeedsOver200_isRejected() {
        // 1,000,000,000 / 2,628,000 x 1 s = 380.5 -> 381
        CandidateEvaluation c = serverless.evaluate(monthly(1_000_000_000, 1000, 1), PlacementOptions.defaults());
        assertFalse(c.feasible());
        assertTrue(c.reasons().stream().anyMatch(r -> r.contains("the month's average")
                && r.contains("needs 381 concurrent requests, over SageMaker serverless's maximum concurrency of 200")),
                c.reasons()::toString);
        assertEquals("200", c.settings().get(CandidateEvaluation.MAX_CONCURRENCY));
    }

    @Test
    void hugeInputs_atTheLimits_areSizedAndPricedWithoutOverflow() {
        ModelSpec s = spec().maxInferenceTime(Resources.MAX_INFERENCE_TIME_LIMIT)
                .traffic(t -> t.requestsPerMonth(TrafficProfile.MAX_REQUESTS_PER_MONTH)
                        .averageInferenceTime(Resources.MAX_INFERENCE_TIME_LIMIT)
                        .peakRequestsPerSecond(TrafficProfile.MAX_PEAK_REQUESTS_PER_SECOND)
                        .payloadBytes(Long.MAX_VALUE)).build();
        PlacementDecision d = PlacementChecker.create().decide(s, PlacementOptions.defaults());
        assertTrue(d.chosen().isEmpty());
        CandidateEvaluation rt = d.candidates().stream().filter(c -> c.name().equals("sagemaker:realtime"))
                .findFirst().orElseThrow();
        // 1e9 requests/s x 86,400 s / 2 vCPUs = 43,200,000,000,000 instances: a reason, not a wrapped int
        assertTrue(rt.reasons().stream().anyMatch(r -> r.contains("needs 43,200,000,000,000 ml.t2.medium instances")),
                rt.reasons()::toString);
        assertTrue(rt.cost().totalUsd().signum() > 0, "the cost stays positive: " + rt.cost().totalUsd());
        assertTrue(d.candidates().stream().allMatch(c -> c.cost().totalUsd().signum() >= 0));
    }

    @Test
    void trafficProfile_refusesAbsurdValues() {
        assertThrows(InvalidSpecException.class, () -> TrafficProfile.defaults()
                .withRequestsPerMonth(TrafficProfile.MAX_REQUESTS_PER_MONTH + 1));
        assertThrows(InvalidSpecException.class, () -> TrafficProfile.defaults().withPeakRequestsPerSecond(2e9));
        assertThrows(InvalidSpecException.class, () -> TrafficProfile.defaults()
                .withPeakRequestsPerSecond(Double.NaN));
        assertThrows(InvalidSpecException.class, () -> TrafficProfile.defaults()
                .withAverageInferenceTime(Duration.ofSeconds(Long.MAX_VALUE)));
        assertThrows(InvalidSpecException.class, () -> Resources.defaults()
                .withMaxInferenceTime(Duration.ofHours(25)));
    }

    @Test
    void spec_whenTheAverageTimeIsAboveTheMaximum_isRefused() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> spec()
                .maxInferenceTime(Duration.ofMillis(500)).traffic(t -> t.averageInferenceTime(Duration.ofMillis(501)))
                .build());
        assertEquals("the average inference time (501 ms) is longer than the maximum (500 ms); lower the average or "
                + "raise the maximum (--avg-inference-ms, --max-inference-ms)", e.getMessage());
        spec().maxInferenceTime(Duration.ofMillis(500)).traffic(t -> t.averageInferenceTime(Duration.ofMillis(500)))
                .build();
    }

    @Test
    void placementOptions_refuseImpossibleValuesWithATypedError() {
        InvalidConfigurationException zero = assertThrows(InvalidConfigurationException.class,
                () -> PlacementOptions.builder().instanceCount(0));
        assertEquals("instance count must be at least 1, was 0 (leave it out to size it from traffic)",
                zero.getMessage());
        assertThrows(InvalidConfigurationException.class, () -> PlacementOptions.builder().instanceCount(-3));
        assertThrows(InvalidConfigurationException.class, () -> PlacementOptions.builder().provisionedConcurrency(-1));
        assertThrows(InvalidConfigurationException.class, () -> PlacementOptions.builder()
                .provisionedHoursPerMonth(731));
        assertThrows(InvalidConfigurationException.class, () -> PlacementOptions.builder()
                .provisionedHoursPerMonth(Double.NaN));
    }
}
