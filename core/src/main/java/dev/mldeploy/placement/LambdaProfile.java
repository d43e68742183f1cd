package dev.mldeploy.placement;

import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.PlacementOptions;

import dev.mldeploy.ModelSpec;
import dev.mldeploy.Resources;
import dev.mldeploy.TrafficProfile;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * AWS Lambda as a placement candidate, packaged as a .zip ({@code lambda:zip}) or a container image
 * ({@code lambda:image}), checked against {@link LambdaLimits} and priced with {@link PriceTables}.
 *
 * <p>Settings it fills: {@code memoryMb} (the spec's, at least 128), {@code ephemeralStorageMb} (at least 512),
 * {@code timeoutSeconds} (the maximum inference time rounded up to a second), {@code architecture},
 * {@code runtime} ({@code python3.12}), {@code packaging}, {@code packageBytes} when known (code plus the
 * dependencies of {@link PlacementOptions#dependencies()}), {@code dependencyBytes} when those are known, and
 * {@code provisionedConcurrency} when priced. Immutable; thread-safe.
 */
public final class LambdaProfile implements PlacementProfile {

    /** How the function's code is packaged. */
    public enum Packaging {
        /** A .zip archive: 250 MB unzipped. */
        ZIP("zip", LambdaLimits.MAX_ZIP_UNZIPPED_BYTES, "unzipped .zip package"),
        /** A container image on the Lambda Python base image: 10 GB. */
        IMAGE("image", LambdaLimits.MAX_IMAGE_BYTES, "container image");

        private final String variant;
        private final long maxBytes;
        private final String what;

        /** {@code unzipped .zip package}, {@code container image}: the limit's name in reasons. */
        String what() {
            return what;
        }

        Packaging(String variant, long maxBytes, String what) {
            this.variant = variant;
            this.maxBytes = maxBytes;
            this.what = what;
        }

        /** The variant name: {@code zip}, {@code image}. */
        public String variant() {
            return variant;
        }

        /** The package-size limit in bytes. */
        public long maxBytes() {
            return maxBytes;
        }
    }

    private final Packaging packaging;
    private final PackageSizer sizer;

    private LambdaProfile(Packaging packaging, PackageSizer sizer) {
        this.packaging = Objects.requireNonNull(packaging, "packaging");
        this.sizer = Objects.requireNonNull(sizer, "sizer");
    }

    /** {@code lambda:zip}, sizing packages with {@link PackageSizer#standard()}. */
    public static LambdaProfile zip() {
        return of(Packaging.ZIP, PackageSizer.standard());
    }

    /** {@code lambda:image}, sizing packages with {@link PackageSizer#standard()}. */
    public static LambdaProfile image() {
        return of(Packaging.IMAGE, PackageSizer.standard());
    }

    public static LambdaProfile of(Packaging packaging, PackageSizer sizer) {
        return new LambdaProfile(packaging, sizer);
    }

    @Override
    public String target() {
        return "lambda";
    }

    @Override
    public String variant() {
        return packaging.variant;
    }

    @Override
    public int order() {
        return packaging == Packaging.ZIP ? 10 : 20;
    }

    public Packaging packaging() {
        return packaging;
    }

    @Override
    public CandidateEvaluation evaluate(ModelSpec spec, PlacementOptions options) {
        Resources res = spec.resources();
        TrafficProfile traffic = spec.traffic();
        List<String> reasons = new ArrayList<>();
        LambdaLimits.nameProblem(spec.name()).ifPresent(reasons::add);
        List<String> notes = new ArrayList<>();
        Map<String, String> settings = new LinkedHashMap<>();

        if (res.memoryMb() > LambdaLimits.MAX_MEMORY_MB) {
            reasons.add("memory " + Fmt.num(res.memoryMb()) + " MB is over Lambda's "
                    + Fmt.num(LambdaLimits.MAX_MEMORY_MB) + " MB maximum");
        }
        if (res.maxInferenceTime().compareTo(LambdaLimits.MAX_TIMEOUT) > 0) {
            reasons.add("maximum inference time " + Fmt.duration(res.maxInferenceTime()) + " is over Lambda's "
                    + Fmt.num(LambdaLimits.MAX_TIMEOUT.toSeconds()) + " s (15 min) timeout");
        }
        if (res.ephemeralStorageMb() > LambdaLimits.MAX_EPHEMERAL_STORAGE_MB) {
            reasons.add("ephemeral storage " + Fmt.num(res.ephemeralStorageMb()) + " MB is over Lambda's "
                    + Fmt.num(LambdaLimits.MAX_EPHEMERAL_STORAGE_MB) + " MB /tmp maximum");
        }
        if (traffic.payloadBytes() > LambdaLimits.MAX_SYNC_RAW_PAYLOAD_BYTES) {
            reasons.add("payload " + Fmt.bytes(traffic.payloadBytes()) + " is over the "
                    + Fmt.bytes(LambdaLimits.MAX_SYNC_RAW_PAYLOAD_BYTES) + " body mldeploy can send to Lambda (its "
                    + Fmt.limit(LambdaLimits.MAX_SYNC_PAYLOAD_BYTES) + " synchronous request limit holds the body "
                    + "base64-encoded in a JSON envelope)");
        }
        SageMakerOnly.reasons(spec, "Lambda", reasons);
        if (!LambdaLimits.supportsPython(spec.pythonVersion())) {
            reasons.add("Python " + spec.pythonVersion() + " has no Lambda runtime; Lambda runs python3."
                    + LambdaLimits.MIN_PYTHON_MINOR + " to python3." + LambdaLimits.MAX_PYTHON_MINOR);
        }
        LambdaPackageCheck.check(spec, sizer.packageBytes(spec), options.dependencies(), packaging, reasons, notes,
                settings);

        int memoryMb = Math.max(LambdaLimits.MIN_MEMORY_MB, res.memoryMb());
        int ephemeralMb = Math.max(LambdaLimits.MIN_EPHEMERAL_STORAGE_MB, res.ephemeralStorageMb());
        long timeoutSeconds = Math.max(1, ceilSeconds(res.maxInferenceTime()));
        settings.put(CandidateEvaluation.MEMORY_MB, Integer.toString(memoryMb));
        settings.put(CandidateEvaluation.EPHEMERAL_STORAGE_MB, Integer.toString(ephemeralMb));
        settings.put(CandidateEvaluation.TIMEOUT_SECONDS, Long.toString(timeoutSeconds));
        settings.put(CandidateEvaluation.ARCHITECTURE, res.architecture().awsName());
        settings.put(CandidateEvaluation.RUNTIME, LambdaLimits.runtime(spec.pythonVersion()));
        settings.put(CandidateEvaluation.PACKAGING, packaging.variant);
        if (options.provisionedConcurrency() > 0) {
            settings.put(CandidateEvaluation.PROVISIONED_CONCURRENCY,
                    Integer.toString(options.provisionedConcurrency()));
        }

        Load load = Load.of(traffic);
        long concurrency = load.concurrency();
        if (concurrency > LambdaLimits.DEFAULT_CONCURRENCY_QUOTA) {
            notes.add(load.describe() + " x " + Fmt.duration(traffic.averageInferenceTime()) + " needs " + Fmt.num(concurrency)
                    + " concurrent executions, over the default regional quota of "
                    + Fmt.num(LambdaLimits.DEFAULT_CONCURRENCY_QUOTA) + "; ask AWS to raise it");
        }
        if (ColdStart.matters(spec) && options.provisionedConcurrency() == 0) {
            notes.add(ColdStart.note(spec, "Lambda", "keep copies warm with provisioned concurrency "
                    + "(PlacementOptions.provisionedConcurrency, --provisioned-concurrency), or use SageMaker "
                    + "real-time, which stays loaded"));
        }

        CostModel.Estimate estimate = CostModel.lambda(new CostModel.LambdaInput(traffic.requestsPerMonth(),
                traffic.averageInferenceTime(), memoryMb, ephemeralMb, res.architecture(), options.freeTier(),
                options.provisionedConcurrency(), options.provisionedHoursPerMonth()));
        notes.addAll(estimate.notes());
        return new CandidateEvaluation(target(), variant(), reasons.isEmpty(), reasons, estimate.cost(), notes,
                settings);
    }

    /** Concurrent requests: ceil(requests/s x average seconds), at least 1, the rate from {@link Load}. */
    static long peakConcurrency(TrafficProfile traffic) {
        return Load.of(traffic).concurrency();
    }

    private static long ceilSeconds(Duration d) {
        return d.getNano() == 0 ? d.getSeconds() : d.getSeconds() + 1;
    }

    @Override
    public String toString() {
        return name();
    }
}
