package dev.mldeploy.placement;

import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.PlacementOptions;

import static dev.mldeploy.placement.Specs.assertFits;
import static dev.mldeploy.placement.Specs.assertRejected;
import static dev.mldeploy.placement.Specs.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.Architecture;
import dev.mldeploy.Features;
import dev.mldeploy.ModelSpec;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LambdaProfileTest {

    private static LambdaProfile profile(LambdaProfile.Packaging packaging) {
        return LambdaProfile.of(packaging, PackageSizer.withAdapterBytes(() -> 0));
    }

    @ParameterizedTest
    @EnumSource(LambdaProfile.Packaging.class)
    void memory_atMaximumFits_oneMbOverIsRejected(LambdaProfile.Packaging packaging) {
        assertFits(profile(packaging), spec().memoryMb(10_240).build());
        assertRejected(profile(packaging), spec().memoryMb(10_241).build(),
                "memory 10,241 MB is over Lambda's 10,240 MB maximum");
    }

    @ParameterizedTest
    @EnumSource(LambdaProfile.Packaging.class)
    void timeout_at900sFits_oneMsOverIsRejected(LambdaProfile.Packaging packaging) {
        CandidateEvaluation c = assertFits(profile(packaging), spec().maxInferenceTime(Duration.ofSeconds(900)).build());
        assertEquals("900", c.settings().get(CandidateEvaluation.TIMEOUT_SECONDS));
        assertRejected(profile(packaging), spec().maxInferenceTime(Duration.ofMillis(900_001)).build(),
                "maximum inference time 900.001 s is over Lambda's 900 s (15 min) timeout");
    }

    @ParameterizedTest
    @EnumSource(LambdaProfile.Packaging.class)
    void ephemeralStorage_atMaximumFits_oneMbOverIsRejected(LambdaProfile.Packaging packaging) {
        assertFits(profile(packaging), spec().ephemeralStorageMb(10_240).build());
        assertRejected(profile(packaging), spec().ephemeralStorageMb(10_241).build(),
                "ephemeral storage 10,241 MB is over Lambda's 10,240 MB /tmp maximum");
    }

    @ParameterizedTest
    @EnumSource(LambdaProfile.Packaging.class)
    void payload_atTheLargestBodyTheEnvelopeHoldsFits_oneByteOverIsRejected(LambdaProfile.Packaging packaging) {
        assertFits(profile(packaging), spec().traffic(t -> t.payloadBytes(4_717_824)).build());
        assertRejected(profile(packaging), spec().traffic(t -> t.payloadBytes(4_717_825)).build(),
                "payload 4,717,825 bytes is over the 4,717,824 bytes body mldeploy can send to Lambda (its 6 MB "
                        + "(6,291,456 bytes) synchronous request limit holds the body base64-encoded in a JSON envelope)");
    }

    @ParameterizedTest
    @EnumSource(LambdaProfile.Packaging.class)
    void python_310To314Fit_309And315AreRejected(LambdaProfile.Packaging packaging) {
        assertFits(profile(packaging), spec().pythonVersion("3.10").build());
        CandidateEvaluation c = assertFits(profile(packaging), spec().pythonVersion("3.14").build());
        assertEquals("python3.14", c.settings().get(CandidateEvaluation.RUNTIME));
        assertRejected(profile(packaging), spec().pythonVersion("3.9").build(),
                "Python 3.9 has no Lambda runtime; Lambda runs python3.10 to python3.14");
        assertRejected(profile(packaging), spec().pythonVersion("3.15").build(), "Python 3.15 has no Lambda runtime");
    }

    @ParameterizedTest
    @EnumSource(LambdaProfile.Packaging.class)
    void sageMakerOnlyFeatures_areEachRejected(LambdaProfile.Packaging packaging) {
        assertRejected(profile(packaging), spec().gpu(true).build(), "needs a GPU; Lambda has none");
        assertRejected(profile(packaging), spec().features(new Features(2, false)).build(),
                "2 A/B variants requested; Lambda serves 1");
        assertRejected(profile(packaging), spec().features(new Features(1, true)).build(),
                "data capture requested; Lambda has none");
    }

    @Test
    void zipPackage_at250MbFits_oneByteOverIsRejectedPointingAtTheImage() {
        LambdaProfile zip = profile(LambdaProfile.Packaging.ZIP);
        CandidateEvaluation c = assertFits(zip, spec().packageSizeBytes(262_144_000L).build());
        assertEquals("262144000", c.settings().get(CandidateEvaluation.PACKAGE_BYTES));
        assertRejected(zip, spec().packageSizeBytes(262_144_001L).build(),
                "package 262,144,001 bytes is over Lambda's 250 MB (262,144,000 bytes) unzipped .zip package limit "
                        + "(a container image takes up to 10 GB");
    }

    @Test
    void imagePackage_at10GbFits_oneByteOverIsRejected() {
        LambdaProfile image = profile(LambdaProfile.Packaging.IMAGE);
        assertFits(image, spec().packageSizeBytes(10_737_418_240L).build());
        assertFits(image, spec().packageSizeBytes(262_144_001L).build());
        assertRejected(image, spec().packageSizeBytes(10_737_418_241L).build(),
                "package 10,737,418,241 bytes is over Lambda's 10 GB (10,737,418,240 bytes) container image limit");
    }

    @Test
    void zipOver50MbUnzipped_fitsWithANoteAboutTheS3Upload() {
        CandidateEvaluation c = assertFits(profile(LambdaProfile.Packaging.ZIP),
                spec().packageSizeBytes(50 * Units.MB + 1).build());
        assertTrue(c.notes().stream().anyMatch(n -> n.contains("50 MB (52,428,800 bytes) direct-upload limit")
                && n.contains("through S3")), () -> c.notes().toString());
        CandidateEvaluation atLimit = assertFits(profile(LambdaProfile.Packaging.ZIP),
                spec().packageSizeBytes(50 * Units.MB).build());
        assertTrue(atLimit.notes().stream().noneMatch(n -> n.contains("direct-upload")), atLimit.notes()::toString);
    }

    @Test
    void unknownPackageSize_isNotedNotRejected() {
        LambdaProfile zip = LambdaProfile.of(LambdaProfile.Packaging.ZIP, s -> OptionalLong.empty());
        CandidateEvaluation c = assertFits(zip, ModelSpec.builder("m").build());
        assertTrue(c.notes().stream().anyMatch(n -> n.startsWith("package size unknown")), c.notes()::toString);
        assertFalse(c.settings().containsKey(CandidateEvaluation.PACKAGE_BYTES));
    }

    @Test
    void everyBrokenLimit_isAReasonWithItsNumbers() {
        ModelSpec spec = spec().memoryMb(12_000).maxInferenceTime(Duration.ofMinutes(20)).gpu(true)
                .packageSizeBytes(300 * Units.MB).traffic(t -> t.payloadBytes(7 * Units.MB)).build();
        CandidateEvaluation c = profile(LambdaProfile.Packaging.ZIP).evaluate(spec, PlacementOptions.defaults());
        assertFalse(c.feasible());
        assertEquals(5, c.reasons().size(), c.reasons()::toString);
        assertTrue(c.reasons().contains("memory 12,000 MB is over Lambda's 10,240 MB maximum"));
        assertTrue(c.reasons().contains("maximum inference time 20 min is over Lambda's 900 s (15 min) timeout"));
    }

    @Test
    void settings_clampMemoryAndStorageUpToLambdasMinimumsAndCarryTheArchitecture() {
        CandidateEvaluation c = assertFits(profile(LambdaProfile.Packaging.ZIP), spec().memoryMb(64)
                .ephemeralStorageMb(100).maxInferenceTime(Duration.ofMillis(2_500)).architecture(Architecture.ARM64)
                .build());
        assertEquals("128", c.settings().get(CandidateEvaluation.MEMORY_MB));
        assertEquals("512", c.settings().get(CandidateEvaluation.EPHEMERAL_STORAGE_MB));
        assertEquals("3", c.settings().get(CandidateEvaluation.TIMEOUT_SECONDS));
        assertEquals("arm64", c.settings().get(CandidateEvaluation.ARCHITECTURE));
        assertEquals("zip", c.settings().get(CandidateEvaluation.PACKAGING));
    }

    @Test
    void peakConcurrencyOverTheRegionalQuota_isANote() {
        CandidateEvaluation c = assertFits(profile(LambdaProfile.Packaging.ZIP), spec().traffic(t -> t
                .peakRequestsPerSecond(2_001).averageInferenceTime(Duration.ofMillis(500))).build());
        assertTrue(c.notes().stream().anyMatch(n -> n.contains("needs 1,001 concurrent executions")),
                c.notes()::toString);
        CandidateEvaluation atQuota = assertFits(profile(LambdaProfile.Packaging.ZIP), spec().traffic(t -> t
                .peakRequestsPerSecond(2_000).averageInferenceTime(Duration.ofMillis(500))).build());
        assertTrue(atQuota.notes().stream().noneMatch(n -> n.contains("concurrent executions")));
    }
}
