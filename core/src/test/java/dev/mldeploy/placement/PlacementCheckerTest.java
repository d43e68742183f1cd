package dev.mldeploy.placement;

import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.CostEstimate;
import dev.mldeploy.CostItem;
import dev.mldeploy.PlacementDecision;
import dev.mldeploy.PlacementOptions;

import static dev.mldeploy.placement.Specs.spec;
import static dev.mldeploy.placement.Specs.usd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.Features;
import dev.mldeploy.ModelSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementCheckerTest {
    private final PlacementChecker checker = PlacementChecker.of(
            PlacementChecker.builtInProfiles(PackageSizer.withAdapterBytes(() -> 0)));

    private PlacementDecision decide(ModelSpec spec) {
        return checker.decide(spec, PlacementOptions.defaults());
    }

    private static CandidateEvaluation candidate(PlacementDecision d, String name) {
        return d.candidates().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void builtInProfiles_areTheFourCloudWaysInOrder() {
        assertEquals(List.of("lambda:zip", "lambda:image", "sagemaker:realtime", "sagemaker:serverless"),
                PlacementChecker.create().profiles().stream().map(PlacementProfile::name).toList());
    }

    @Test
    void builtInProfiles_areExactlyTheListsTheProvidersContribute() {
        List<String> providers = new java.util.ArrayList<>();
        PlacementProfiles.lambda().forEach(p -> providers.add(p.name()));
        PlacementProfiles.sagemaker().forEach(p -> providers.add(p.name()));
        assertEquals(providers, PlacementChecker.builtInProfiles().stream().map(PlacementProfile::name).toList());
    }

    @Test
    void of_keepsProfilesInTheirDeclaredOrder_whateverOrderTheyAreGivenIn() {
        List<PlacementProfile> reversed = new java.util.ArrayList<>(PlacementChecker.builtInProfiles());
        java.util.Collections.reverse(reversed);
        assertEquals(List.of("lambda:zip", "lambda:image", "sagemaker:realtime", "sagemaker:serverless"),
                PlacementChecker.of(reversed).profiles().stream().map(PlacementProfile::name).toList());
        assertEquals(List.of("lambda", "sagemaker"), PlacementChecker.of(reversed).targets());
    }

    /** A profile that always fits at {@code usd} a month. */
    private record Flat(String target, String variant, int order, String usd) implements PlacementProfile {
        @Override
        public CandidateEvaluation evaluate(ModelSpec spec, PlacementOptions options) {
            return new CandidateEvaluation(target, variant, true, List.of(),
                    CostEstimate.of(CostItem.of("all", new java.math.BigDecimal(usd))), List.of(), java.util.Map.of());
        }
    }

    private static PlacementProfile flat(String target, String variant, int order, String usd) {
        return new Flat(target, variant, order, usd);
    }

    @Test
    void decide_atEqualCost_choosesTheLowerOrder_whateverTheGivenOrder_andAtEqualOrderTheEarlierGiven() {
        PlacementProfile late = flat("zeta", "a", 5, "1.00");
        PlacementProfile early = flat("omega", "b", 50, "1.00");
        for (List<PlacementProfile> given : List.of(List.of(late, early), List.of(early, late))) {
            assertEquals("zeta:a", PlacementChecker.of(given).decide(spec().build(), PlacementOptions.defaults())
                    .chosen().orElseThrow().name());
        }
        PlacementProfile sameOrder = flat("alpha", "c", 5, "1.00");
        assertEquals("zeta:a", PlacementChecker.of(List.of(late, sameOrder)).decide(spec().build(),
                PlacementOptions.defaults()).chosen().orElseThrow().name());
        assertEquals("alpha:c", PlacementChecker.of(List.of(sameOrder, late)).decide(spec().build(),
                PlacementOptions.defaults()).chosen().orElseThrow().name());
    }

    @Test
    void readmeExample_choosesLambdaZip_andExplainsEveryOtherCandidate() {
        PlacementDecision d = decide(Specs.readmeExample().build());
        System.out.println(d.explanation());
        CandidateEvaluation chosen = d.chosen().orElseThrow();
        assertEquals("lambda:zip", chosen.name());
        // Lambda: $0.02 requests + $0.33 duration; SageMaker real-time: 730 h x $0.056 = $40.88;
        // SageMaker serverless: 20,000 GB-s x $0.00002 = $0.40
        assertEquals(usd("0.35"), chosen.cost().totalUsd());
        assertEquals(usd("0.35"), candidate(d, "lambda:image").cost().totalUsd());
        assertEquals(usd("40.88"), candidate(d, "sagemaker:realtime").cost().totalUsd());
        assertEquals(usd("0.40"), candidate(d, "sagemaker:serverless").cost().totalUsd());
        String e = d.explanation();
        assertTrue(e.startsWith("chose lambda:zip for 'sentiment' at $0.35 a month, the cheapest target that fits"), e);
        assertTrue(e.contains("lambda:image: fits, $0.35 a month, the same as lambda:zip, which comes first"), e);
        assertTrue(e.contains("sagemaker:realtime: fits, $40.88 a month, $40.53 more than lambda:zip"), e);
        assertTrue(e.contains("sagemaker:serverless: fits, $0.40 a month, $0.05 more than lambda:zip"), e);
        assertTrue(e.contains("$40.88  SageMaker ml.t2.medium x 1: 730 h x $0.056 per instance-hour"), e);
    }

    @Test
    void packageOver250Mb_movesLambdaToTheContainerImage() {
        PlacementDecision d = decide(spec().packageSizeBytes(300 * Units.MB).build());
        assertEquals("lambda:image", d.chosen().orElseThrow().name());
        assertTrue(d.explanation().contains("lambda:zip: does not fit\n    - package 314,572,800 bytes is over "
                + "Lambda's 250 MB"), d.explanation());
    }

    @Test
    void gpu_decidesForSageMakerRealTimeByItself() {
        PlacementDecision d = decide(spec().gpu(true).build());
        assertEquals("sagemaker:realtime", d.chosen().orElseThrow().name());
        String e = d.explanation();
        assertTrue(e.contains("chose sagemaker:realtime for 'm' at $537.57 a month, the only target that fits"), e);
        assertTrue(e.contains("a GPU decides by itself: only SageMaker real-time has it, so Lambda and SageMaker "
                + "serverless are out whatever they cost"), e);
        assertTrue(e.contains("- needs a GPU; Lambda has none"), e);
        assertTrue(e.contains("- needs a GPU; SageMaker serverless has none"), e);
    }

    @Test
    void variantsAndDataCapture_decideForSageMakerRealTime() {
        PlacementDecision d = decide(spec().features(new Features(2, true)).build());
        CandidateEvaluation chosen = d.chosen().orElseThrow();
        assertEquals("sagemaker:realtime", chosen.name());
        assertEquals("2", chosen.settings().get(CandidateEvaluation.INSTANCE_COUNT));
        assertTrue(d.explanation().contains("2 A/B production variants, data capture decide by themselves: only "
                + "SageMaker real-time has them"), d.explanation());
        for (String other : List.of("lambda:zip", "lambda:image", "sagemaker:serverless")) {
            assertEquals(2, candidate(d, other).reasons().size(), other);
        }
    }

    @Test
    void sparseTrafficWithTightLatency_notesColdStartsAndWhatToDo() {
        // 8,759 requests a month is under one per 5 minutes (730 h x 12 = 8,760); 1 s is a tight latency need
        PlacementDecision d = decide(spec().maxInferenceTime(Duration.ofSeconds(1))
                .traffic(t -> t.requestsPerMonth(8_759)).build());
        assertEquals("lambda:zip", d.chosen().orElseThrow().name());
        String e = d.explanation();
        assertTrue(e.contains("note: cold starts apply: 8,759 requests a month is fewer than one per 5 minutes "
                + "(8,760)"), e);
        assertTrue(e.contains("provisioned concurrency") && e.contains("SageMaker real-time"), e);
        assertTrue(candidate(d, "sagemaker:serverless").notes().stream().anyMatch(n -> n.startsWith("cold starts")));
        assertTrue(candidate(d, "sagemaker:realtime").notes().stream().noneMatch(n -> n.startsWith("cold starts")));
    }

    @Test
    void coldStartNote_needsBothSparseTrafficAndATightLatency() {
        ModelSpec atThreshold = spec().maxInferenceTime(Duration.ofSeconds(1))
                .traffic(t -> t.requestsPerMonth(8_760)).build();
        ModelSpec slowRequests = spec().maxInferenceTime(Duration.ofMillis(1_001))
                .traffic(t -> t.requestsPerMonth(100)).build();
        for (ModelSpec s : List.of(atThreshold, slowRequests)) {
            assertFalse(decide(s).explanation().contains("cold starts"), s::toString);
        }
    }

    @Test
    void coldStartNote_isDroppedForLambdaWithProvisionedConcurrency() {
        PlacementDecision d = checker.decide(spec().maxInferenceTime(Duration.ofMillis(500))
                        .traffic(t -> t.requestsPerMonth(1_000)).build(),
                PlacementOptions.builder().provisionedConcurrency(1).build());
        assertTrue(candidate(d, "lambda:zip").notes().stream().noneMatch(n -> n.startsWith("cold starts")));
    }

    @Test
    void twentyMinuteInference_nothingFits_listsEveryReasonAndNamesAsyncInference() {
        PlacementDecision d = decide(spec().maxInferenceTime(Duration.ofMinutes(20)).build());
        assertTrue(d.chosen().isEmpty());
        String e = d.explanation();
        assertTrue(e.startsWith("no target can hold 'm'; every reason:"), e);
        for (CandidateEvaluation c : d.candidates()) {
            assertFalse(c.feasible());
            c.reasons().forEach(r -> assertTrue(e.contains(r), r));
        }
        assertTrue(e.contains("maximum inference time 20 min is over Lambda's 900 s (15 min) timeout"), e);
        assertTrue(e.contains("maximum inference time 20 min is over SageMaker real-time's 60 s per request"), e);
        assertTrue(e.contains("what would fit: SageMaker asynchronous inference (up to 1 h per request, payloads "
                + "up to 1 GB through S3"), e);
        assertTrue(e.contains("SageMaker batch transform beyond that"), e);
    }

    @Test
    void beyondAsyncInference_namesBatchTransform() {
        PlacementDecision d = decide(spec().maxInferenceTime(Duration.ofMinutes(61)).build());
        assertTrue(d.chosen().isEmpty());
        assertTrue(d.explanation().contains("what would fit: SageMaker batch transform"), d.explanation());
        PlacementDecision big = decide(spec().traffic(t -> t.payloadBytes(Units.GB + 1)).build());
        assertTrue(big.explanation().contains("what would fit: SageMaker batch transform"), big.explanation());
    }

    @Test
    void nothingFitsForMemory_stillListsEveryReason() {
        PlacementDecision d = decide(spec().memoryMb(70_000).build());
        assertTrue(d.chosen().isEmpty());
        assertEquals(4, d.candidates().size());
        assertTrue(d.explanation().contains("memory 70,000 MB is over every instance type"), d.explanation());
        assertTrue(d.explanation().contains("memory 70,000 MB is over SageMaker serverless's 6,144 MB maximum"));
    }

    @Test
    void decide_withAFilter_evaluatesOnlyThatTarget() {
        PlacementDecision d = checker.decide(Specs.readmeExample().build(), PlacementOptions.defaults(),
                p -> p.target().equals("sagemaker"));
        assertEquals(List.of("sagemaker:realtime", "sagemaker:serverless"),
                d.candidates().stream().map(CandidateEvaluation::name).toList());
        assertEquals("sagemaker:serverless", d.chosen().orElseThrow().name());
    }

    @Test
    void explicitUnknownInstanceType_leavesTheOtherCandidates() {
        PlacementDecision d = checker.decide(spec().build(),
                PlacementOptions.builder().instanceType("ml.nope").build());
        assertEquals("lambda:zip", d.chosen().orElseThrow().name());
        assertTrue(d.explanation().contains("instance type 'ml.nope' is not in mldeploy's price table; known types: "
                + "ml.t2.medium"), d.explanation());
    }

    @Test
    void cheaperSageMakerServerless_winsOverLambda_whenLambdaIsOutForPython() {
        // python 3.9 has no Lambda runtime; SageMaker's container does not care
        PlacementDecision d = decide(Specs.readmeExample().pythonVersion("3.9").build());
        assertEquals("sagemaker:serverless", d.chosen().orElseThrow().name());
    }

    @Test
    void highSteadyTraffic_choosesSageMakerRealTimeOverPerRequestPricing() {
        // 100M requests of 200 ms at 1 GB: Lambda $20.00 + 20,000,000 GB-s x $0.0000166667 = $333.33 -> $353.33;
        // serverless 20,000,000 GB-s x $0.00002 = $400.00; real-time: peak 40 rps x 0.2 s / 2 vCPUs = 4 x ml.t2.medium
        // = 730 x 4 x $0.056 = $163.52
        PlacementDecision d = decide(Specs.readmeExample().traffic(t -> t.requestsPerMonth(100_000_000)
                .peakRequestsPerSecond(40)).build());
        assertEquals("sagemaker:realtime", d.chosen().orElseThrow().name());
        assertEquals(usd("163.52"), d.chosen().orElseThrow().cost().totalUsd());
        assertEquals(usd("353.33"), candidate(d, "lambda:zip").cost().totalUsd());
        assertEquals(usd("400.00"), candidate(d, "sagemaker:serverless").cost().totalUsd());
    }
}
