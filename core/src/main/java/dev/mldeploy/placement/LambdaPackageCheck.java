package dev.mldeploy.placement;

import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.DependencySizes;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.PlacementOptions;
import dev.mldeploy.placement.LambdaProfile.Packaging;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Lambda's package-size check: the model's code (from the {@link PackageSizer}) plus its Python dependencies (from
 * {@link PlacementOptions#dependencies()}) against the packaging's limit, with the largest packages named when they
 * do not fit, and a note saying how the dependencies' size is known (or that it is not). Pure; thread-safe.
 */
final class LambdaPackageCheck {
    /**
     * The file a model's dependencies are listed in ({@code dev.mldeploy.python.Requirements#FILE_NAME}; not
     * referenced, so that placement does not depend on the python package, which depends on the API).
     */
    static final String REQUIREMENTS_FILE = "requirements.txt";

    private LambdaPackageCheck() {
    }

    static void check(ModelSpec spec, OptionalLong code, Optional<DependencySizes> dependencies, Packaging packaging,
                      List<String> reasons, List<String> notes, Map<String, String> settings) {
        OptionalLong deps = dependencies.map(DependencySizes::knownBytes).orElse(OptionalLong.empty());
        dependencyNote(spec, dependencies, notes);
        if (packaging == Packaging.ZIP && dependencies.map(d -> d.basis() == DependencySizes.Basis.REFUSED)
                .orElse(false)) {
            reasons.add("the dependencies cannot be built for a .zip package: " + dependencies.get().detail());
        }
        if (code.isEmpty() && deps.isEmpty()) {
            notes.add("package size unknown (no model directory, no declared size): Lambda's "
                    + Fmt.limit(packaging.maxBytes()) + " " + packaging.what() + " limit not checked");
            return;
        }
        if (code.isEmpty()) {
            notes.add("code size unknown (no model directory, no declared size): only the dependencies are counted "
                    + "against Lambda's " + Fmt.limit(packaging.maxBytes()) + " " + packaging.what() + " limit");
        }
        long bytes = code.orElse(0) + deps.orElse(0);
        settings.put(CandidateEvaluation.PACKAGE_BYTES, Long.toString(bytes));
        deps.ifPresent(d -> settings.put(CandidateEvaluation.DEPENDENCY_BYTES, Long.toString(d)));
        boolean counted = deps.isPresent() && deps.getAsLong() > 0;
        if (bytes > packaging.maxBytes()) {
            String what = counted ? "package " + Fmt.bytes(bytes) + " (code " + Fmt.approx(code.orElse(0))
                    + " + dependencies " + Fmt.approx(deps.getAsLong()) + " " + dependencies.get().basis().word()
                    + ": " + dependencies.get().describeLargest(DependencySizes.NAMED_IN_REASONS) + ")"
                    : "package " + Fmt.bytes(bytes);
            String over = what + " is over Lambda's " + Fmt.limit(packaging.maxBytes()) + " " + packaging.what()
                    + " limit";
            if (packaging == Packaging.ZIP) {
                over += counted ? "; use lambda:image (a container image takes up to "
                        + Fmt.limit(LambdaLimits.MAX_IMAGE_BYTES) + ") or SageMaker"
                        : " (a container image takes up to " + Fmt.limit(LambdaLimits.MAX_IMAGE_BYTES) + ")";
            } else if (counted) {
                over += "; use SageMaker";
            }
            reasons.add(over);
        } else if (packaging == Packaging.ZIP && bytes > LambdaLimits.MAX_ZIP_DIRECT_UPLOAD_BYTES) {
            notes.add("package " + Fmt.bytes(bytes) + " unzipped: if its zip is over the "
                    + Fmt.limit(LambdaLimits.MAX_ZIP_DIRECT_UPLOAD_BYTES) + " direct-upload limit, the deploy "
                    + "uploads it through S3 (a deploy detail, not a placement limit)");
        }
    }

    /** Says how the dependencies' size is known, or that a requirements.txt was not looked at. */
    private static void dependencyNote(ModelSpec spec, Optional<DependencySizes> dependencies, List<String> notes) {
        if (dependencies.isEmpty()) {
            if (spec.source().map(d -> Files.isRegularFile(d.resolve(REQUIREMENTS_FILE))).orElse(false)) {
                notes.add(REQUIREMENTS_FILE + " not resolved: its dependencies are not counted in the package size "
                        + "(plan --model DIR resolves them for Lambda's platform; PlacementOptions.Builder"
                        + ".dependencies gives a measurement)");
            }
            return;
        }
        DependencySizes d = dependencies.get();
        switch (d.basis()) {
            case UNKNOWN -> notes.add("dependency size unknown (" + d.detail() + "): the package size counts the "
                    + "code alone");
            case REFUSED -> notes.add("dependency size unknown: they could not be resolved for Lambda's platform "
                    + "(a container image installs them on the platform itself)");
            case ESTIMATED -> notes.add("dependencies " + Fmt.approx(d.bytes()) + ", estimated (" + d.detail()
                    + ")" + (d.packages().isEmpty() ? "" : ": " + d.describeLargest(DependencySizes.NAMED_IN_REASONS)));
            case MEASURED -> notes.add("dependencies " + Fmt.approx(d.bytes()) + ", measured (" + d.detail() + ")"
                    + (d.packages().isEmpty() ? "" : ": " + d.describeLargest(DependencySizes.NAMED_IN_REASONS)));
        }
    }
}
