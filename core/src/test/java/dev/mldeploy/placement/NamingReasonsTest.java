package dev.mldeploy.placement;

import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.PlacementDecision;
import dev.mldeploy.PlacementOptions;

import static dev.mldeploy.placement.Specs.assertFits;
import static dev.mldeploy.placement.Specs.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.ModelSpec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * AWS naming limits live with the targets: each profile gives the reason when the model's name breaks its target's
 * rule (ModelSpec keeps only the target-neutral rule), so placement explains it.
 */
class NamingReasonsTest {
    private static final PackageSizer NO_ADAPTER = PackageSizer.withAdapterBytes(() -> 0);

    private static ModelSpec named(String name) {
        return ModelSpec.builder(name).packageSizeBytes(Units.MB).build();
    }

    @Test
    void aNameWithAnUnderscore_isOutForBothSageMakerProfiles_andFitsLambda() {
        ModelSpec spec = named("my_model");
        assertRejected(SageMakerRealTimeProfile.create(), spec, "breaks SageMaker's naming rule");
        assertRejected(SageMakerServerlessProfile.create(), spec, "breaks SageMaker's naming rule");
        assertFits(LambdaProfile.of(LambdaProfile.Packaging.ZIP, NO_ADAPTER), spec);
        PlacementDecision d = PlacementChecker.of(PlacementChecker.builtInProfiles(NO_ADAPTER))
                .decide(spec, PlacementOptions.defaults());
        assertEquals("lambda", d.chosen().orElseThrow().target());
        assertTrue(d.explanation().contains("name 'my_model' breaks SageMaker's naming rule"), d.explanation());
    }

    @Test
    void aNameOf49Characters_isOverLambdasLimit_butFitsSageMaker() {
        ModelSpec spec = named("a".repeat(49));
        for (LambdaProfile.Packaging p : LambdaProfile.Packaging.values()) {
            assertRejected(LambdaProfile.of(p, NO_ADAPTER), spec, "is 49 characters, over the 48 Lambda allows");
        }
        assertFits(SageMakerServerlessProfile.create(), spec);
        assertEquals(Optional.empty(), LambdaLimits.nameProblem("a".repeat(48)));
    }

    @Test
    void aNameOf51Characters_isOverSageMakersLimit_withTheSuffixExplained() {
        ModelSpec spec = named("b".repeat(51));
        CandidateEvaluation c = assertRejected(SageMakerRealTimeProfile.create(), spec, "over the 50 SageMaker allows");
        assertTrue(c.reasons().get(0).contains("13-character version suffix"), c.reasons().toString());
        assertEquals(Optional.empty(), SageMakerLimits.nameProblem("b".repeat(50)));
    }

    @Test
    void whenNoTargetTakesTheName_theDecisionListsEveryTargetsRule() {
        ModelSpec spec = named("x_" + "y".repeat(60));
        PlacementDecision d = PlacementChecker.of(PlacementChecker.builtInProfiles(NO_ADAPTER))
                .decide(spec, PlacementOptions.defaults());
        assertTrue(d.chosen().isEmpty());
        for (CandidateEvaluation c : d.candidates()) {
            assertTrue(c.reasons().stream().anyMatch(r -> r.contains("characters, over the")), c.toString());
        }
        assertEquals(List.of("lambda:zip", "lambda:image", "sagemaker:realtime", "sagemaker:serverless"),
                d.candidates().stream().map(CandidateEvaluation::name).toList());
    }
}
