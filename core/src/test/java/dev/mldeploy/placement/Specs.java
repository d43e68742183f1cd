package dev.mldeploy.placement;

import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.PlacementOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.ModelSpec;
import java.math.BigDecimal;
import java.time.Duration;

/** Test helpers: a planning spec with a declared package size, and assertions on evaluations. */
final class Specs {
    private Specs() {
    }

    /** A spec to plan with: 1 MB package, the API's defaults for everything else. */
    static ModelSpec.Builder spec() {
        return ModelSpec.builder("m").packageSizeBytes(Units.MB);
    }

    /** 100,000 requests a month of 200 ms on average, 1024 MB, x86_64: the README's worked example. */
    static ModelSpec.Builder readmeExample() {
        return ModelSpec.builder("sentiment").packageSizeBytes(Units.MB).memoryMb(1024)
                .traffic(t -> t.requestsPerMonth(100_000).averageInferenceTime(Duration.ofMillis(200)));
    }

    static CandidateEvaluation assertFits(PlacementProfile p, ModelSpec spec) {
        CandidateEvaluation c = p.evaluate(spec, PlacementOptions.defaults());
        assertTrue(c.feasible(), () -> p.name() + " should fit, reasons: " + c.reasons());
        return c;
    }

    /** Asserts {@code p} rejects {@code spec} with exactly one reason containing {@code text}. */
    static CandidateEvaluation assertRejected(PlacementProfile p, ModelSpec spec, String text) {
        CandidateEvaluation c = p.evaluate(spec, PlacementOptions.defaults());
        assertFalse(c.feasible(), () -> p.name() + " should not fit " + spec);
        assertEquals(1, c.reasons().size(), () -> "reasons: " + c.reasons());
        assertTrue(c.reasons().get(0).contains(text), () -> "reason '" + c.reasons().get(0) + "' lacks '" + text
                + "'");
        return c;
    }

    static BigDecimal usd(String v) {
        return new BigDecimal(v);
    }
}
