package dev.mldeploy.placement;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one list of each cloud target's placement profiles. The providers contribute these lists
 * ({@code TargetProvider.placementProfiles()}), and {@link PlacementChecker#builtInProfiles()} joins the same lists
 * for planning without a deployer, so a target's candidates are written down once.
 */
public final class PlacementProfiles {
    private PlacementProfiles() {
    }

    /** Lambda's candidates, {@code lambda:zip} then {@code lambda:image}, sized with {@link PackageSizer#standard()}. */
    public static List<PlacementProfile> lambda() {
        return lambda(PackageSizer.standard());
    }

    /** Lambda's candidates with package sizes from {@code sizer}. */
    public static List<PlacementProfile> lambda(PackageSizer sizer) {
        Objects.requireNonNull(sizer, "sizer");
        return List.of(LambdaProfile.of(LambdaProfile.Packaging.ZIP, sizer),
                LambdaProfile.of(LambdaProfile.Packaging.IMAGE, sizer));
    }

    /** SageMaker's candidates, {@code sagemaker:realtime} then {@code sagemaker:serverless}. */
    public static List<PlacementProfile> sagemaker() {
        return List.of(SageMakerRealTimeProfile.create(), SageMakerServerlessProfile.create());
    }

    /** Every cloud target's candidates: Lambda's, then SageMaker's. */
    static List<PlacementProfile> all(PackageSizer sizer) {
        List<PlacementProfile> all = new ArrayList<>(lambda(sizer));
        all.addAll(sagemaker());
        return List.copyOf(all);
    }
}
