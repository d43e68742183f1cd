package dev.mldeploy.placement;

import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.PlacementOptions;

import static dev.mldeploy.placement.Specs.assertFits;
import static dev.mldeploy.placement.Specs.assertRejected;
import static dev.mldeploy.placement.Specs.spec;
import static dev.mldeploy.placement.Specs.usd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.Architecture;
import dev.mldeploy.Features;
import dev.mldeploy.ModelSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SageMakerRealTimeProfileTest {
    private final SageMakerRealTimeProfile realtime = SageMakerRealTimeProfile.create();

    private CandidateEvaluation evaluate(ModelSpec spec, PlacementOptions options) {
        return realtime.evaluate(spec, options);
    }

    @Test
    void invocationTime_at60sFits_oneMsOverIsRejected() {
        assertFits(realtime, spec().maxInferenceTime(Duration.ofSeconds(60)).build());
        assertRejected(realtime, spec().maxInferenceTime(Duration.ofMillis(60_001)).build(),
                "maximum inference time 60.001 s is over SageMaker real-time's 60 s per request");
    }

    @Test
    void payload_at6MbFits_oneByteOverIsRejected() {
        assertFits(realtime, spec().traffic(t -> t.payloadBytes(6_291_456)).build());
        assertRejected(realtime, spec().traffic(t -> t.payloadBytes(6_291_457)).build(),
                "payload 6,291,457 bytes is over SageMaker real-time's 6 MB (6,291,456 bytes) request limit");
    }

    @Test
    void memory_atTheLargestInstanceFits_oneMbOverIsRejected() {
        CandidateEvaluation c = assertFits(realtime, spec().memoryMb(65_536).build());
        assertEquals("ml.m5.4xlarge", c.settings().get(CandidateEvaluation.INSTANCE_TYPE));
        assertRejected(realtime, spec().memoryMb(65_537).build(), "memory 65,537 MB is over every instance type in "
                + "the price table; the largest is ml.m5.4xlarge with 65,536 MB");
    }

    @Test
    void gpuMemory_atTheLargestGpuInstanceFits_oneMbOverIsRejected() {
        CandidateEvaluation c = assertFits(realtime, spec().gpu(true).memoryMb(16_384).build());
        assertEquals("ml.g4dn.xlarge", c.settings().get(CandidateEvaluation.INSTANCE_TYPE));
        CandidateEvaluation over = assertRejected(realtime, spec().gpu(true).memoryMb(16_385).build(),
                "memory 16,385 MB is over every GPU instance type in the price table");
        assertTrue(over.cost().items().isEmpty(), "no instance type, no cost");
    }

    @Test
    void sageMakerOnlyFeatures_fit() {
        assertFits(realtime, spec().gpu(true).build());
        assertFits(realtime, spec().features(new Features(3, true)).build());
    }

    @Test
    void instanceChoice_isTheCheapestTypeWhoseMemoryHoldsTheSpec() {
        // ml.t2.medium has 4 GB (4,096 MB) at $0.056/h: 730 h x $0.056 = $40.88
        CandidateEvaluation small = assertFits(realtime, spec().memoryMb(4_096).build());
        assertEquals("ml.t2.medium", small.settings().get(CandidateEvaluation.INSTANCE_TYPE));
        assertEquals("1", small.settings().get(CandidateEvaluation.INSTANCE_COUNT));
        assertEquals(usd("40.88"), small.cost().totalUsd());
        // 4,097 MB: the cheapest 8 GB type is ml.m5.large at $0.115/h (ml.c5.xlarge also has 8 GB but costs
        // $0.204/h): 730 x 0.115 = 83.95
        CandidateEvaluation medium = assertFits(realtime, spec().memoryMb(4_097).build());
        assertEquals("ml.m5.large", medium.settings().get(CandidateEvaluation.INSTANCE_TYPE));
        assertEquals(usd("83.95"), medium.cost().totalUsd());
        // 8,193 MB: ml.m5.xlarge (16 GB, $0.23/h): 730 x 0.23 = 167.90
        CandidateEvaluation large = assertFits(realtime, spec().memoryMb(8_193).build());
        assertEquals("ml.m5.xlarge", large.settings().get(CandidateEvaluation.INSTANCE_TYPE));
        assertEquals(usd("167.90"), large.cost().totalUsd());
    }

    @Test
    void gpu_choosesTheCheapestGpuType() {
        // ml.g4dn.xlarge at $0.7364/h: 730 x 0.7364 = 537.572 -> $537.57
        CandidateEvaluation c = assertFits(realtime, spec().gpu(true).build());
        assertEquals("ml.g4dn.xlarge", c.settings().get(CandidateEvaluation.INSTANCE_TYPE));
        assertEquals(usd("537.57"), c.cost().totalUsd());
        assertEquals("SageMaker ml.g4dn.xlarge x 1: 730 h x $0.7364 per instance-hour", c.cost().items().get(0).name());
    }

    @Test
    void instanceCount_isSizedFromPeakTrafficAndVcpus() {
        // peak 10 requests/s x 0.5 s = 5 busy requests / 2 vCPUs of ml.t2.medium = 2.5 -> 3 instances;
        // 730 h x 3 x $0.056 = $122.64
        CandidateEvaluation c = assertFits(realtime, spec().traffic(t -> t.peakRequestsPerSecond(10)
                .averageInferenceTime(Duration.ofMillis(500))).build());
        assertEquals("3", c.settings().get(CandidateEvaluation.INSTANCE_COUNT));
        assertEquals(usd("122.64"), c.cost().totalUsd());
        assertTrue(c.notes().stream().anyMatch(n -> n.startsWith("instance count 3: ceil(peak 10 requests/s x 500 ms"
                + " / 2 vCPUs) = 3")), c.notes()::toString);
        // exactly 4 busy requests on 2 vCPUs: 2 instances, not 3
        CandidateEvaluation exact = assertFits(realtime, spec().traffic(t -> t.peakRequestsPerSecond(8)
                .averageInferenceTime(Duration.ofMillis(500))).build());
        assertEquals("2", exact.settings().get(CandidateEvaluation.INSTANCE_COUNT));
    }

    @Test
    void instanceCount_isAtLeastOnePerVariantAndAtLeastOne() {
        CandidateEvaluation idle = assertFits(realtime, spec().traffic(t -> t.peakRequestsPerSecond(0)).build());
        assertEquals("1", idle.settings().get(CandidateEvaluation.INSTANCE_COUNT));
        CandidateEvaluation ab = assertFits(realtime, spec().features(new Features(3, false)).build());
        assertEquals("3", ab.settings().get(CandidateEvaluation.INSTANCE_COUNT));
        assertEquals("3", ab.settings().get(CandidateEvaluation.VARIANTS));
        // 730 h x 3 x $0.056 = $122.64
        assertEquals(usd("122.64"), ab.cost().totalUsd());
    }

    @Test
    void explicitInstanceTypeAndCount_winOverTheChoice() {
        // ml.m5.xlarge x 2: 730 h x 2 x $0.23 = $335.80
        CandidateEvaluation c = evaluate(spec().build(),
                PlacementOptions.builder().instanceType("ml.m5.xlarge").instanceCount(2).build());
        assertTrue(c.feasible(), c.reasons()::toString);
        assertEquals("ml.m5.xlarge", c.settings().get(CandidateEvaluation.INSTANCE_TYPE));
        assertEquals("2", c.settings().get(CandidateEvaluation.INSTANCE_COUNT));
        assertEquals(usd("335.80"), c.cost().totalUsd());
    }

    @Test
    void explicitInstanceType_alone_isSizedFromTraffic() {
        // peak 20 requests/s x 1 s / 4 vCPUs of ml.c5.xlarge = 5 instances: 730 x 5 x 0.204 = 744.60
        CandidateEvaluation c = evaluate(spec().traffic(t -> t.peakRequestsPerSecond(20)
                .averageInferenceTime(Duration.ofSeconds(1))).build(),
                PlacementOptions.builder().instanceType("ml.c5.xlarge").build());
        assertEquals("5", c.settings().get(CandidateEvaluation.INSTANCE_COUNT));
        assertEquals(usd("744.60"), c.cost().totalUsd());
    }

    @Test
    void unknownInstanceType_isAReasonListingTheKnownOnes() {
        CandidateEvaluation c = evaluate(spec().build(), PlacementOptions.builder().instanceType("ml.p9.huge").build());
        assertFalse(c.feasible());
        assertEquals(1, c.reasons().size());
        assertEquals("instance type 'ml.p9.huge' is not in mldeploy's price table; known types: ml.t2.medium, "
                + "ml.m5.large, ml.c5.xlarge, ml.m5.xlarge, ml.m5.2xlarge, ml.g4dn.xlarge, ml.m5.4xlarge, "
                + "ml.g5.xlarge", c.reasons().get(0));
        assertTrue(c.cost().items().isEmpty());
    }

    @Test
    void explicitInstanceTypeTooSmallOrWithoutGpu_isRejectedWithBothReasons() {
        CandidateEvaluation c = evaluate(spec().memoryMb(8_193).gpu(true).build(),
                PlacementOptions.builder().instanceType("ml.m5.large").build());
        assertFalse(c.feasible());
        assertEquals(2, c.reasons().size(), c.reasons()::toString);
        assertTrue(c.reasons().contains("memory 8,193 MB is over ml.m5.large's 8,192 MB"));
        assertTrue(c.reasons().contains("needs a GPU; ml.m5.large has none (GPU types: ml.g4dn.xlarge, ml.g5.xlarge)"));
    }

    @Test
    void explicitCountBelowTheVariants_isRejected() {
        CandidateEvaluation c = evaluate(spec().features(new Features(2, false)).build(),
                PlacementOptions.builder().instanceCount(1).build());
        assertFalse(c.feasible());
        assertEquals(java.util.List.of("2 A/B variants need at least 2 instances (one each); the instance count is 1"),
                c.reasons());
    }

    @Test
    void arm64_isANoteNotAReason() {
        CandidateEvaluation c = assertFits(realtime, spec().architecture(Architecture.ARM64).build());
        assertTrue(c.notes().stream().anyMatch(n -> n.contains("x86_64")), c.notes()::toString);
    }
}
