package dev.mldeploy.placement;

import dev.mldeploy.ModelSpec;
import java.time.Duration;

/**
 * When cold starts matter: sparse traffic (fewer requests a month than one every 5 minutes on average, that is
 * under 8,760 in a 730-hour month) meeting a tight latency need (a maximum inference time of at most 1 s).
 * With traffic that sparse most requests find no warm copy of the model, and loading it (Python start-up,
 * {@code model_fn}) can take longer than the request itself. Stateless; thread-safe.
 */
final class ColdStart {
    /** Requests a month below which traffic counts as sparse: one per 5 minutes over 730 hours. */
    static final long SPARSE_REQUESTS_PER_MONTH = (long) PriceTables.HOURS_PER_MONTH * 60 / 5;
    /** A maximum inference time at or below this is a tight latency need. */
    static final Duration TIGHT_LATENCY = Duration.ofSeconds(1);

    private ColdStart() {
    }

    static boolean matters(ModelSpec spec) {
        return spec.traffic().requestsPerMonth() < SPARSE_REQUESTS_PER_MONTH
                && spec.resources().maxInferenceTime().compareTo(TIGHT_LATENCY) <= 0;
    }

    /** The note for a target that starts copies on demand ({@code where}: "Lambda", "SageMaker serverless"). */
    static String note(ModelSpec spec, String where, String remedy) {
        return "cold starts apply: " + Fmt.num(spec.traffic().requestsPerMonth()) + " requests a month is fewer "
                + "than one per 5 minutes (" + Fmt.num(SPARSE_REQUESTS_PER_MONTH) + "), so most requests may wait "
                + "for " + where + " to start Python and load the model, against a maximum inference time of "
                + Fmt.duration(spec.resources().maxInferenceTime()) + "; " + remedy;
    }
}
