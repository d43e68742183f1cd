package dev.mldeploy.lambda.internal;

import dev.mldeploy.Architecture;
import dev.mldeploy.CandidateEvaluation;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What placement chose for a Lambda function ({@link dev.mldeploy.placement.LambdaProfile}'s settings), read from the
 * candidate of a deploy: memory, timeout, ephemeral storage, architecture, runtime, packaging and provisioned
 * concurrency. Empty for a deploy that did not go through placement or whose candidate is another target's; a value
 * placement wrote in another form is treated as not chosen, as SageMaker's plan does. Immutable.
 */
final class PlacedSettings {
    static final PlacedSettings NONE = new PlacedSettings(Map.of(), null);

    private final Map<String, String> settings;
    private final String candidate;

    private PlacedSettings(Map<String, String> settings, String candidate) {
        this.settings = settings;
        this.candidate = candidate;
    }

    static PlacedSettings of(Optional<CandidateEvaluation> candidate) {
        return candidate.filter(c -> LambdaSettings.NAME.equals(c.target()))
                .map(c -> new PlacedSettings(c.settings(), c.name())).orElse(NONE);
    }

    /** The candidate's name ({@code lambda:zip}), or empty. */
    Optional<String> candidate() {
        return Optional.ofNullable(candidate);
    }

    OptionalInt memoryMb() {
        return intSetting(CandidateEvaluation.MEMORY_MB);
    }

    OptionalInt ephemeralStorageMb() {
        return intSetting(CandidateEvaluation.EPHEMERAL_STORAGE_MB);
    }

    Optional<Duration> timeout() {
        OptionalInt s = intSetting(CandidateEvaluation.TIMEOUT_SECONDS);
        return s.isPresent() ? Optional.of(Duration.ofSeconds(s.getAsInt())) : Optional.empty();
    }

    Optional<Architecture> architecture() {
        String v = settings.get(CandidateEvaluation.ARCHITECTURE);
        for (Architecture a : Architecture.values()) {
            if (a.awsName().equals(v)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    Optional<String> runtime() {
        return Optional.ofNullable(settings.get(CandidateEvaluation.RUNTIME));
    }

    /** Whether placement chose a container image ({@code lambda:image}). */
    boolean image() {
        return "image".equals(settings.get(CandidateEvaluation.PACKAGING));
    }

    OptionalInt provisionedConcurrency() {
        return intSetting(CandidateEvaluation.PROVISIONED_CONCURRENCY);
    }

    private OptionalInt intSetting(String key) {
        String v = settings.get(key);
        if (v == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
