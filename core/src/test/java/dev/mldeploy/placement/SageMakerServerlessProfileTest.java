package dev.mldeploy.placement;

import dev.mldeploy.CandidateEvaluation;

import static dev.mldeploy.placement.Specs.assertFits;
import static dev.mldeploy.placement.Specs.assertRejected;
import static dev.mldeploy.placement.Specs.spec;
import static dev.mldeploy.placement.Specs.usd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.Features;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SageMakerServerlessProfileTest {
    private final SageMakerServerlessProfile serverless = SageMakerServerlessProfile.create();

    @Test
    void memory_at6144Fits_oneMbOverIsRejected() {
        CandidateEvaluation c = assertFits(serverless, spec().memoryMb(6_144).build());
        assertEquals("6144", c.settings().get(CandidateEvaluation.MEMORY_MB));
        assertRejected(serverless, spec().memoryMb(6_145).build(),
                "memory 6,145 MB is over SageMaker serverless's 6,144 MB maximum");
    }

    @Test
    void memory_isRoundedUpToTheNextGbStep_atLeast1024() {
        assertEquals("1024", assertFits(serverless, spec().memoryMb(128).build()).settings()
                .get(CandidateEvaluation.MEMORY_MB));
        assertEquals("1024", assertFits(serverless, spec().memoryMb(1_024).build()).settings()
                .get(CandidateEvaluation.MEMORY_MB));
        CandidateEvaluation c = assertFits(serverless, spec().memoryMb(1_025).build());
        assertEquals("2048", c.settings().get(CandidateEvaluation.MEMORY_MB));
        assertTrue(c.notes().stream().anyMatch(n -> n.startsWith("memory 1,025 MB rounded up to 2,048 MB")));
    }

    @Test
    void invocationTime_at60sFits_oneMsOverIsRejected() {
        assertFits(serverless, spec().maxInferenceTime(Duration.ofSeconds(60)).build());
        assertRejected(serverless, spec().maxInferenceTime(Duration.ofMillis(60_001)).build(),
                "maximum inference time 60.001 s is over SageMaker serverless's 60 s per request");
    }

    @Test
    void payload_at4MbFits_oneByteOverIsRejected() {
        assertFits(serverless, spec().traffic(t -> t.payloadBytes(4_194_304)).build());
        assertRejected(serverless, spec().traffic(t -> t.payloadBytes(4_194_305)).build(),
                "payload 4,194,305 bytes is over SageMaker serverless's 4 MB (4,194,304 bytes) request limit");
    }

    @Test
    void concurrency_at200Fits_201IsRejected() {
        CandidateEvaluation c = assertFits(serverless, spec().traffic(t -> t.peakRequestsPerSecond(200)
                .averageInferenceTime(Duration.ofSeconds(1))).build());
        assertEquals("200", c.settings().get(CandidateEvaluation.MAX_CONCURRENCY));
        assertRejected(serverless, spec().traffic(t -> t.peakRequestsPerSecond(201)
                        .averageInferenceTime(Duration.ofSeconds(1))).build(),
                "needs 201 concurrent requests, over SageMaker serverless's maximum concurrency of 200 per endpoint");
    }

    @Test
    void sageMakerOnlyFeatures_areEachRejected() {
        assertRejected(serverless, spec().gpu(true).build(), "needs a GPU; SageMaker serverless has none");
        assertRejected(serverless, spec().features(new Features(2, false)).build(),
                "2 A/B variants requested; SageMaker serverless serves 1");
        assertRejected(serverless, spec().features(new Features(1, true)).build(),
                "data capture requested; SageMaker serverless has none");
    }

    @Test
    void cost_isGbSecondsOfTheMemorySetting() {
        // 100,000 requests x 0.2 s x 1 GB = 20,000 GB-s x $0.00002 = $0.40
        CandidateEvaluation c = assertFits(serverless, Specs.readmeExample().build());
        assertEquals(usd("0.40"), c.cost().totalUsd());
        assertEquals("SageMaker serverless duration: 100,000 requests x 0.2 s x 1 GB = 20,000 GB-s x $0.00002",
                c.cost().items().get(0).name());
        // 1,500 MB rounds up to 2 GB: 100,000 x 0.2 s x 2 GB = 40,000 GB-s x $0.00002 = $0.80
        assertEquals(usd("0.80"), assertFits(serverless, Specs.readmeExample().memoryMb(1_500).build())
                .cost().totalUsd());
    }
}
