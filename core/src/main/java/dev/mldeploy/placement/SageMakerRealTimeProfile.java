package dev.mldeploy.placement;

import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.CostEstimate;
import dev.mldeploy.PlacementOptions;

import dev.mldeploy.Architecture;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.Resources;
import dev.mldeploy.TrafficProfile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SageMaker real-time endpoints ({@code sagemaker:realtime}), checked against {@link SageMakerLimits.RealTime} and
 * priced by instance-hour from {@link PriceTables#SAGEMAKER_INSTANCES}.
 *
 * <p>Instance type: the one in {@link PlacementOptions#instanceType()} when given (an unknown name is a reason that
 * lists the known ones), otherwise the cheapest type in the price table whose memory holds the spec's memory and
 * which has a GPU when the spec needs one. Instance count: {@link PlacementOptions#instanceCount()} when given,
 * otherwise {@code ceil(requests/s x average inference seconds / vCPUs)} (one request per vCPU at a time), where the
 * rate is the busier of the peak and the month's average ({@link Load}), at least 1 and at least one per A/B
 * variant; a count beyond what SageMaker can configure (a 32-bit integer) is a reason. Settings: {@code instanceType}, {@code instanceCount},
 * {@code variants} (when over 1). Immutable; thread-safe.
 */
public final class SageMakerRealTimeProfile implements PlacementProfile {

    private SageMakerRealTimeProfile() {
    }

    public static SageMakerRealTimeProfile create() {
        return new SageMakerRealTimeProfile();
    }

    @Override
    public String target() {
        return "sagemaker";
    }

    @Override
    public String variant() {
        return "realtime";
    }

    @Override
    public int order() {
        return 30;
    }

    @Override
    public CandidateEvaluation evaluate(ModelSpec spec, PlacementOptions options) {
        Resources res = spec.resources();
        TrafficProfile traffic = spec.traffic();
        int variants = spec.features().variants();
        List<String> reasons = new ArrayList<>();
        SageMakerLimits.nameProblem(spec.name()).ifPresent(reasons::add);
        List<String> notes = new ArrayList<>();
        Map<String, String> settings = new LinkedHashMap<>();

        if (res.maxInferenceTime().compareTo(SageMakerLimits.RealTime.MAX_INVOCATION_TIME) > 0) {
            reasons.add("maximum inference time " + Fmt.duration(res.maxInferenceTime()) + " is over SageMaker "
                    + "real-time's " + Fmt.num(SageMakerLimits.RealTime.MAX_INVOCATION_TIME.toSeconds())
                    + " s per request");
        }
        if (traffic.payloadBytes() > SageMakerLimits.RealTime.MAX_PAYLOAD_BYTES) {
            reasons.add("payload " + Fmt.bytes(traffic.payloadBytes()) + " is over SageMaker real-time's "
                    + Fmt.limit(SageMakerLimits.RealTime.MAX_PAYLOAD_BYTES) + " request limit");
        }

        Optional<PriceTables.InstanceType> type = chooseType(res, options, reasons);
        CostEstimate cost = CostEstimate.of();
        if (type.isPresent()) {
            PriceTables.InstanceType t = type.get();
            int count;
            if (options.instanceCount() > 0) {
                count = options.instanceCount();
                if (count < variants) {
                    reasons.add(variants + " A/B variants need at least " + variants + " instances (one each); "
                            + "the instance count is " + count);
                }
                long needed = sizedCount(traffic, t);
                if (needed > count) {
                    notes.add("the traffic needs " + Fmt.num(needed) + " instances (" + sizing(traffic, t)
                            + "); " + count + " were asked for, so requests will queue at the peak");
                }
            } else {
                long sized = sizedCount(traffic, t);
                if (sized > Integer.MAX_VALUE) {
                    reasons.add("the traffic needs " + Fmt.num(sized) + " " + t.name() + " instances ("
                            + sizing(traffic, t) + "), more than an endpoint can be configured with");
                }
                count = (int) Math.min(Integer.MAX_VALUE, Math.max(variants, sized));
                notes.add("instance count " + count + ": " + sizing(traffic, t) + " = " + Fmt.num(sized)
                        + (variants > 1 ? ", at least one per variant (" + variants + ")" : "")
                        + ", at least 1");
            }
            settings.put(CandidateEvaluation.INSTANCE_TYPE, t.name());
            settings.put(CandidateEvaluation.INSTANCE_COUNT, Integer.toString(count));
            cost = CostModel.sageMakerRealTime(t, count);
        }
        if (variants > 1) {
            settings.put(CandidateEvaluation.VARIANTS, Integer.toString(variants));
        }
        if (res.architecture() == Architecture.ARM64) {
            notes.add("the instance types in the price table are x86_64; the spec asks for arm64, so native "
                    + "dependencies must also build for x86_64");
        }
        return new CandidateEvaluation(target(), variant(), reasons.isEmpty(), reasons, cost, notes, settings);
    }

    private static Optional<PriceTables.InstanceType> chooseType(Resources res, PlacementOptions options,
                                                                 List<String> reasons) {
        if (options.instanceType().isPresent()) {
            String name = options.instanceType().get();
            Optional<PriceTables.InstanceType> t = PriceTables.sageMakerInstance(name);
            if (t.isEmpty()) {
                reasons.add("instance type '" + name + "' is not in mldeploy's price table; known types: "
                        + PriceTables.sageMakerInstanceNames());
                return t;
            }
            if (res.memoryMb() > t.get().memoryMb()) {
                reasons.add("memory " + Fmt.num(res.memoryMb()) + " MB is over " + name + "'s "
                        + Fmt.num(t.get().memoryMb()) + " MB");
            }
            if (res.gpu() && !t.get().hasGpu()) {
                reasons.add("needs a GPU; " + name + " has none (GPU types: " + gpuTypes() + ")");
            }
            return t;
        }
        Optional<PriceTables.InstanceType> t = PriceTables.SAGEMAKER_INSTANCES.stream()
                .filter(i -> i.memoryMb() >= res.memoryMb() && (!res.gpu() || i.hasGpu()))
                .findFirst();
        if (t.isEmpty()) {
            PriceTables.InstanceType largest = PriceTables.SAGEMAKER_INSTANCES.stream()
                    .filter(i -> !res.gpu() || i.hasGpu())
                    .max(java.util.Comparator.comparingLong(PriceTables.InstanceType::memoryMb)).orElseThrow();
            reasons.add("memory " + Fmt.num(res.memoryMb()) + " MB is over every " + (res.gpu() ? "GPU " : "")
                    + "instance type in the price table; the largest is " + largest.name() + " with "
                    + Fmt.num(largest.memoryMb()) + " MB");
        }
        return t;
    }

    /** ceil(requests/s x average seconds / vCPUs), at least 1, the rate from {@link Load}. */
    static long sizedCount(TrafficProfile traffic, PriceTables.InstanceType type) {
        return Load.of(traffic).units(type.vcpus());
    }

    private static String sizing(TrafficProfile traffic, PriceTables.InstanceType type) {
        return "ceil(" + Load.of(traffic).describe() + " x " + Fmt.duration(traffic.averageInferenceTime()) + " / "
                + type.vcpus() + " vCPUs)";
    }

    private static String gpuTypes() {
        return String.join(", ", PriceTables.SAGEMAKER_INSTANCES.stream().filter(PriceTables.InstanceType::hasGpu)
                .map(PriceTables.InstanceType::name).toList());
    }

    @Override
    public String toString() {
        return name();
    }
}
