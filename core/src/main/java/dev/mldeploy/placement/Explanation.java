package dev.mldeploy.placement;

import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.CostItem;
import dev.mldeploy.PlacementDecision;

import dev.mldeploy.ModelSpec;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes a {@link PlacementDecision}'s explanation: the choice and its cost, every other candidate with why not or
 * how much more, the features that decided by themselves, notes (cold starts), and, when nothing fits, every
 * reason and what would fit. Stateless; thread-safe.
 */
final class Explanation {
    private Explanation() {
    }

    static String of(ModelSpec spec, CandidateEvaluation chosen, List<CandidateEvaluation> all) {
        StringBuilder sb = new StringBuilder();
        List<String> sageMakerOnly = SageMakerOnly.features(spec);
        if (chosen != null) {
            sb.append("chose ").append(chosen.name()).append(" for '").append(spec.name()).append("' at ")
                    .append(Fmt.usd(chosen.cost().totalUsd())).append(" a month");
            if (all.stream().filter(CandidateEvaluation::feasible).count() > 1) {
                sb.append(", the cheapest target that fits");
            } else {
                sb.append(", the only target that fits");
            }
            if (!chosen.settings().isEmpty()) {
                sb.append(" (").append(settings(chosen.settings())).append(')');
            }
        } else {
            sb.append("no target can hold '").append(spec.name()).append("'; every reason:");
        }
        if (!sageMakerOnly.isEmpty()) {
            boolean one = sageMakerOnly.size() == 1;
            sb.append("\n").append(String.join(", ", sageMakerOnly))
                    .append(one ? " decides by itself" : " decide by themselves")
                    .append(": only SageMaker real-time has ").append(one ? "it" : "them")
                    .append(", so Lambda and SageMaker serverless are out whatever they cost");
        }
        for (CandidateEvaluation c : all) {
            sb.append("\n  ").append(c.name()).append(": ");
            if (c.feasible()) {
                BigDecimal total = c.cost().totalUsd();
                sb.append(c == chosen ? "chosen, " : "fits, ").append(Fmt.usd(total)).append(" a month");
                if (chosen != null && c != chosen) {
                    BigDecimal more = total.subtract(chosen.cost().totalUsd());
                    if (more.signum() == 0) {
                        sb.append(", the same as ").append(chosen.name()).append(", which comes first");
                    } else {
                        sb.append(", ").append(Fmt.usd(more)).append(" more than ").append(chosen.name());
                    }
                }
                for (CostItem item : c.cost().items()) {
                    sb.append("\n      ").append(Fmt.usd(item.usd())).append("  ").append(item.name());
                }
            } else {
                sb.append("does not fit");
                for (String r : c.reasons()) {
                    sb.append("\n    - ").append(r);
                }
            }
        }
        if (chosen != null) {
            for (String n : chosen.notes()) {
                sb.append("\nnote: ").append(n);
            }
        } else {
            sb.append("\n").append(whatWouldFit(spec));
        }
        return sb.toString();
    }

    private static String settings(Map<String, String> settings) {
        return settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** Names what would hold a model nothing here can: asynchronous inference, or batch transform beyond it. */
    static String whatWouldFit(ModelSpec spec) {
        String asyncLimits = "up to " + Fmt.duration(SageMakerLimits.Async.MAX_PROCESSING_TIME) + " per request, "
                + "payloads up to " + Fmt.size(SageMakerLimits.Async.MAX_PAYLOAD_BYTES) + " through S3";
        boolean beyondRealTime = spec.resources().maxInferenceTime()
                .compareTo(SageMakerLimits.RealTime.MAX_INVOCATION_TIME) > 0
                || spec.traffic().payloadBytes() > SageMakerLimits.RealTime.MAX_PAYLOAD_BYTES;
        boolean beyondAsync = spec.resources().maxInferenceTime()
                .compareTo(SageMakerLimits.Async.MAX_PROCESSING_TIME) > 0
                || spec.traffic().payloadBytes() > SageMakerLimits.Async.MAX_PAYLOAD_BYTES;
        String notYet = " (mldeploy does not deploy there yet)";
        if (beyondAsync) {
            return "what would fit: SageMaker batch transform, which has no per-request time limit; asynchronous "
                    + "inference stops at " + asyncLimits + notYet;
        }
        if (beyondRealTime) {
            return "what would fit: SageMaker asynchronous inference (" + asyncLimits + ", scales to zero), or "
                    + "SageMaker batch transform beyond that" + notYet;
        }
        return "what would fit: change what the reasons above name; for longer requests or larger payloads, "
                + "SageMaker asynchronous inference (" + asyncLimits + "), or SageMaker batch transform beyond that"
                + notYet;
    }
}
