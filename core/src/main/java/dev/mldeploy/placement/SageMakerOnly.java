package dev.mldeploy.placement;

import dev.mldeploy.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/** The features only SageMaker real-time has (GPU, A/B variants, data capture): they decide by themselves. */
final class SageMakerOnly {
    private SageMakerOnly() {
    }

    /** What {@code spec} asks for that only SageMaker real-time offers, for people; empty when nothing. */
    static List<String> features(ModelSpec spec) {
        List<String> f = new ArrayList<>();
        if (spec.resources().gpu()) {
            f.add("a GPU");
        }
        if (spec.features().variants() > 1) {
            f.add(spec.features().variants() + " A/B production variants");
        }
        if (spec.features().dataCapture()) {
            f.add("data capture");
        }
        return f;
    }

    /** The reasons a target without these features ({@code where}) gives. */
    static void reasons(ModelSpec spec, String where, List<String> reasons) {
        if (spec.resources().gpu()) {
            reasons.add("needs a GPU; " + where + " has none (only SageMaker real-time has GPU instances)");
        }
        if (spec.features().variants() > 1) {
            reasons.add(spec.features().variants() + " A/B variants requested; " + where + " serves 1 "
                    + "(SageMaker real-time splits traffic between production variants)");
        }
        if (spec.features().dataCapture()) {
            reasons.add("data capture requested; " + where + " has none (SageMaker real-time captures requests "
                    + "and responses)");
        }
    }
}
