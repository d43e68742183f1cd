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

/**
 * SageMaker serverless endpoints ({@code sagemaker:serverless}), checked against {@link SageMakerLimits.Serverless}
 * and priced per GB-second of the memory setting.
 *
 * <p>Settings: {@code memoryMb} (the spec's memory rounded up to the next 1 GB step, at least 1,024) and
 * {@code maxConcurrency} ({@code ceil(requests/s x average inference seconds)}, the rate the busier of the peak and
 * the month's average ({@link Load}), 1 to 200; more is a reason). Immutable;
 * thread-safe.
 */
public final class SageMakerServerlessProfile implements PlacementProfile {

    private SageMakerServerlessProfile() {
    }

    public static SageMakerServerlessProfile create() {
        return new SageMakerServerlessProfile();
    }

    @Override
    public String target() {
        return "sagemaker";
    }

    @Override
    public String variant() {
        return "serverless";
    }

    @Override
    public int order() {
        return 40;
    }

    @Override
    public CandidateEvaluation evaluate(ModelSpec spec, PlacementOptions options) {
        Resources res = spec.resources();
        TrafficProfile traffic = spec.traffic();
        List<String> reasons = new ArrayList<>();
        SageMakerLimits.nameProblem(spec.name()).ifPresent(reasons::add);
        List<String> notes = new ArrayList<>();
        Map<String, String> settings = new LinkedHashMap<>();

        int memoryMb = SageMakerLimits.Serverless.memoryFor(res.memoryMb());
        if (res.memoryMb() > SageMakerLimits.Serverless.MAX_MEMORY_MB) {
            reasons.add("memory " + Fmt.num(res.memoryMb()) + " MB is over SageMaker serverless's "
                    + Fmt.num(SageMakerLimits.Serverless.MAX_MEMORY_MB) + " MB maximum");
        }
        if (res.maxInferenceTime().compareTo(SageMakerLimits.Serverless.MAX_INVOCATION_TIME) > 0) {
            reasons.add("maximum inference time " + Fmt.duration(res.maxInferenceTime()) + " is over SageMaker "
                    + "serverless's " + Fmt.num(SageMakerLimits.Serverless.MAX_INVOCATION_TIME.toSeconds())
                    + " s per request");
        }
        if (traffic.payloadBytes() > SageMakerLimits.Serverless.MAX_PAYLOAD_BYTES) {
            reasons.add("payload " + Fmt.bytes(traffic.payloadBytes()) + " is over SageMaker serverless's "
                    + Fmt.limit(SageMakerLimits.Serverless.MAX_PAYLOAD_BYTES) + " request limit");
        }
        SageMakerOnly.reasons(spec, "SageMaker serverless", reasons);
        Load load = Load.of(traffic);
        long concurrency = load.concurrency();
        if (concurrency > SageMakerLimits.Serverless.MAX_CONCURRENCY) {
            reasons.add(load.describe() + " x "
                    + Fmt.duration(traffic.averageInferenceTime()) + " needs " + Fmt.num(concurrency)
                    + " concurrent requests, over SageMaker serverless's maximum concurrency of "
                    + SageMakerLimits.Serverless.MAX_CONCURRENCY + " per endpoint");
        }
        settings.put(CandidateEvaluation.MEMORY_MB, Integer.toString(memoryMb));
        settings.put(CandidateEvaluation.MAX_CONCURRENCY, Long.toString(Math.max(
                SageMakerLimits.Serverless.MIN_CONCURRENCY,
                Math.min(concurrency, SageMakerLimits.Serverless.MAX_CONCURRENCY))));
        if (memoryMb != res.memoryMb() && res.memoryMb() <= SageMakerLimits.Serverless.MAX_MEMORY_MB) {
            notes.add("memory " + Fmt.num(res.memoryMb()) + " MB rounded up to " + Fmt.num(memoryMb)
                    + " MB (SageMaker serverless memory comes in 1 GB steps from 1,024 MB)");
        }
        if (ColdStart.matters(spec)) {
            notes.add(ColdStart.note(spec, "SageMaker serverless", "use SageMaker real-time, which stays loaded"));
        }
        if (res.architecture() == Architecture.ARM64) {
            notes.add("SageMaker serverless runs x86_64; the spec asks for arm64, so native dependencies must also "
                    + "build for x86_64");
        }
        CostEstimate cost = CostModel.sageMakerServerless(traffic.requestsPerMonth(), traffic.averageInferenceTime(),
                memoryMb);
        return new CandidateEvaluation(target(), variant(), reasons.isEmpty(), reasons, cost, notes, settings);
    }

    @Override
    public String toString() {
        return name();
    }
}
