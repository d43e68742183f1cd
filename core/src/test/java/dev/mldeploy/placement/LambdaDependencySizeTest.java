package dev.mldeploy.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.DependencySizes;
import dev.mldeploy.PackageSize;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.PlacementOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lambda's package limits count the code plus the dependencies the caller measured, and say how they know. */
class LambdaDependencySizeTest {
    private static final long MB = Units.MB;
    /** Code of 2 MB, whatever the spec: the sizer is the fake, the dependencies the subject. */
    private static final PackageSizer CODE_2_MB = spec -> OptionalLong.of(2 * MB);

    private static CandidateEvaluation evaluate(LambdaProfile.Packaging packaging, ModelSpec spec,
                                                PlacementOptions options) {
        return LambdaProfile.of(packaging, CODE_2_MB).evaluate(spec, options);
    }

    private static PlacementOptions with(DependencySizes deps) {
        return PlacementOptions.builder().dependencies(deps).build();
    }

    private static DependencySizes torch() {
        return DependencySizes.measured(1946 * MB + 38 * MB + 5 * MB, List.of(
                new PackageSize("numpy", "2.1.3", 38 * MB),
                new PackageSize("torch", "2.5.1", 1946 * MB),
                new PackageSize("filelock", "3.16.1", 5 * MB)), "resolved for python3.12 x86_64");
    }

    @Test
    void zip_whenResolvedDependenciesPushThePackageOver250Mb_isInfeasibleNamingTheLargestPackages() {
        CandidateEvaluation zip = evaluate(LambdaProfile.Packaging.ZIP, ModelSpec.builder("m").build(), with(torch()));
        assertFalse(zip.feasible());
        String reason = zip.reasons().get(0);
        assertTrue(reason.contains("dependencies 1.9 GB measured: torch 1.9 GB, numpy 38 MB, filelock 5 MB"), reason);
        assertTrue(reason.contains("code 2 MB"), reason);
        assertTrue(reason.contains("over Lambda's 250 MB (262,144,000 bytes) unzipped .zip package limit"), reason);
        assertTrue(reason.contains("use lambda:image") && reason.contains("or SageMaker"), reason);
        assertEquals(Long.toString((2 + 1946 + 38 + 5) * MB), zip.settings().get(CandidateEvaluation.PACKAGE_BYTES));
        assertEquals(Long.toString((1946 + 38 + 5) * MB), zip.settings().get(CandidateEvaluation.DEPENDENCY_BYTES));
    }

    @Test
    void image_withTheSameDependencies_fitsAndNotesTheMeasurement() {
        CandidateEvaluation image = evaluate(LambdaProfile.Packaging.IMAGE, ModelSpec.builder("m").build(),
                with(torch()));
        assertTrue(image.feasible(), image.reasons().toString());
        assertTrue(image.notes().stream().anyMatch(n -> n.startsWith("dependencies 1.9 GB, measured (resolved for "
                + "python3.12 x86_64): torch 1.9 GB")), image.notes().toString());
    }

    @Test
    void zip_whenCodeAndDependenciesFitTogether_isFeasible_andOneByteMoreIsNot() {
        long fits = 250 * MB - 2 * MB;
        DependencySizes exact = DependencySizes.measured(fits, List.of(new PackageSize("big", "1", fits)),
                "resolved for python3.12 arm64");
        assertTrue(evaluate(LambdaProfile.Packaging.ZIP, ModelSpec.builder("m").build(), with(exact)).feasible());
        DependencySizes over = DependencySizes.measured(fits + 1, List.of(new PackageSize("big", "1",
                fits + 1)), "resolved for python3.12 arm64");
        CandidateEvaluation zip = evaluate(LambdaProfile.Packaging.ZIP, ModelSpec.builder("m").build(), with(over));
        assertFalse(zip.feasible());
        assertTrue(zip.reasons().get(0).contains("big 248 MB"), zip.reasons().toString());
    }

    @Test
    void zip_whenTheDependencySizeIsUnknown_countsTheCodeAloneAndSaysWhy() {
        CandidateEvaluation zip = evaluate(LambdaProfile.Packaging.ZIP, ModelSpec.builder("m").build(),
                with(DependencySizes.unknown("pip could not reach an index")));
        assertTrue(zip.feasible());
        assertEquals(Long.toString(2 * MB), zip.settings().get(CandidateEvaluation.PACKAGE_BYTES));
        assertFalse(zip.settings().containsKey(CandidateEvaluation.DEPENDENCY_BYTES));
        assertTrue(zip.notes().contains("dependency size unknown (pip could not reach an index): the package size "
                + "counts the code alone"), zip.notes().toString());
    }

    @Test
    void zip_whenEstimated_saysEstimatedInTheReason() {
        DependencySizes est = DependencySizes.estimated(300 * MB, List.of(), "from the host's installed packages");
        CandidateEvaluation zip = evaluate(LambdaProfile.Packaging.ZIP, ModelSpec.builder("m").build(), with(est));
        assertFalse(zip.feasible());
        assertTrue(zip.reasons().get(0).contains("dependencies 300 MB estimated"), zip.reasons().toString());
    }

    @Test
    void zip_whenTheModelHasRequirementsButNobodyResolvedThem_notesTheyAreNotCounted(@TempDir Path dir)
            throws Exception {
        Files.writeString(dir.resolve("inference.py"), "def model_fn(d):\n    return 1\n\ndef predict_fn(x, m):\n    return x\n");
        Files.writeString(dir.resolve("requirements.txt"), "numpy\n");
        CandidateEvaluation zip = evaluate(LambdaProfile.Packaging.ZIP, ModelSpec.builder("m").source(dir).build(),
                PlacementOptions.defaults());
        assertTrue(zip.notes().stream().anyMatch(n -> n.startsWith("requirements.txt not resolved: its "
                + "dependencies are not counted")), zip.notes().toString());
    }

    @Test
    void zip_withoutRequirements_hasNoDependencyNote(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("inference.py"), "def model_fn(d):\n    return 1\n\ndef predict_fn(x, m):\n    return x\n");
        CandidateEvaluation zip = evaluate(LambdaProfile.Packaging.ZIP, ModelSpec.builder("m").source(dir).build(),
                PlacementOptions.defaults());
        assertTrue(zip.notes().stream().noneMatch(n -> n.contains("requirements.txt") || n.contains("dependenc")),
                zip.notes().toString());
    }

    @Test
    void zip_whenADependencyCannotBeBuiltForThePlatform_isInfeasible_butImageFits() {
        DependencySizes refused = DependencySizes.refused("'c-ext' is available only as a source distribution");
        CandidateEvaluation zip = evaluate(LambdaProfile.Packaging.ZIP, ModelSpec.builder("m").build(), with(refused));
        assertFalse(zip.feasible());
        assertEquals(List.of("the dependencies cannot be built for a .zip package: 'c-ext' is available only as a "
                + "source distribution"), zip.reasons());
        CandidateEvaluation image = evaluate(LambdaProfile.Packaging.IMAGE, ModelSpec.builder("m").build(),
                with(refused));
        assertTrue(image.feasible(), image.reasons().toString());
    }

    @Test
    void describeLargest_listsTheLargestFirst_withAnEllipsisWhenMoreRemain() {
        assertEquals("torch 1.9 GB, numpy 38 MB, ...", torch().describeLargest(2));
        assertEquals("torch 1.9 GB, numpy 38 MB, filelock 5 MB", torch().describeLargest(3));
    }

    @Test
    void approx_roundsToTwoFiguresInTheLargestUnit() {
        assertEquals("1.9 GB", Fmt.approx(1946 * MB));
        assertEquals("38 MB", Fmt.approx(38 * MB + 300_000));
        assertEquals("4.2 MB", Fmt.approx(4_404_019));
        assertEquals("12 KB", Fmt.approx(12 * 1024));
        assertEquals("512 bytes", Fmt.approx(512));
    }
}
