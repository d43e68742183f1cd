package dev.mldeploy.placement;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Amazon SageMaker inference limits, one table per way of running (from {@code aws-facts.md}, "Amazon SageMaker
 * inference limits"); every figure once. Sizes are binary: 1 MB = 1,048,576 bytes (see {@link Units}).
 * Constants only; thread-safe.
 */
public final class SageMakerLimits {

    /** SageMaker's rule for model, endpoint-config and endpoint names (63 characters in all). */
    public static final Pattern NAME_PATTERN = Pattern.compile("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$");
    /**
     * Longest model name: 63, less the 13 characters ({@code -<12 hex>}) mldeploy appends to name a model and an
     * endpoint config after the spec's fingerprint.
     */
    public static final int MAX_NAME_LENGTH = 63 - 13;

    private SageMakerLimits() {
    }

    /**
     * Why SageMaker cannot take a deployment named {@code name}, or empty when it can: the reason a placement profile
     * gives and the message the sagemaker target refuses the name with.
     */
    public static Optional<String> nameProblem(String name) {
        if (name.length() > MAX_NAME_LENGTH) {
            return Optional.of("name '" + name + "' is " + name.length() + " characters, over the "
                    + MAX_NAME_LENGTH + " SageMaker allows (its names are at most 63 and mldeploy appends a "
                    + "13-character version suffix); use a shorter model name");
        }
        if (!NAME_PATTERN.matcher(name).matches()) {
            return Optional.of("name '" + name + "' breaks SageMaker's naming rule (letters, digits and hyphens, "
                    + "starting and ending with a letter or digit: " + NAME_PATTERN.pattern() + "); rename the model");
        }
        return Optional.empty();
    }

    /** Real-time endpoints on instances ({@code sagemaker:realtime}). */
    public static final class RealTime {
        /** The container must answer one invocation within 60 s. */
        public static final Duration MAX_INVOCATION_TIME = Duration.ofSeconds(60);
        /** Largest request body: 6 MB. */
        public static final long MAX_PAYLOAD_BYTES = 6 * Units.MB;
        /** GPU instance types exist (see {@link PriceTables#SAGEMAKER_INSTANCES}). */
        public static final boolean GPU = true;
        /** Production variants with a traffic split (A/B testing). */
        public static final boolean VARIANTS = true;
        /** Request/response data capture. */
        public static final boolean DATA_CAPTURE = true;

        private RealTime() {
        }
    }

    /** Serverless endpoints ({@code sagemaker:serverless}). */
    public static final class Serverless {
        /** Smallest memory; a spec asking for less gets this much. */
        public static final int MIN_MEMORY_MB = 1_024;
        /** Largest memory. */
        public static final int MAX_MEMORY_MB = 6_144;
        /** Memory comes in 1 GB steps: a spec's memory is rounded up to the next step. */
        public static final int MEMORY_STEP_MB = 1_024;
        /** Smallest max-concurrency setting. */
        public static final int MIN_CONCURRENCY = 1;
        /** Largest max-concurrency setting of one endpoint. */
        public static final int MAX_CONCURRENCY = 200;
        /** Largest request body: 4 MB. */
        public static final long MAX_PAYLOAD_BYTES = 4 * Units.MB;
        /** Longest one invocation may take. */
        public static final Duration MAX_INVOCATION_TIME = Duration.ofSeconds(60);
        /** No GPU. */
        public static final boolean GPU = false;
        /** One variant only. */
        public static final int MAX_VARIANTS = 1;
        /** No data capture. */
        public static final boolean DATA_CAPTURE = false;

        private Serverless() {
        }

        /**
         * The memory setting for a model that needs {@code specMemoryMb}: rounded up to the next 1 GB step,
         * at least {@link #MIN_MEMORY_MB}. May exceed {@link #MAX_MEMORY_MB} (the caller reports that).
         */
        public static int memoryFor(int specMemoryMb) {
            int steps = (specMemoryMb + MEMORY_STEP_MB - 1) / MEMORY_STEP_MB;
            return Math.max(MIN_MEMORY_MB, steps * MEMORY_STEP_MB);
        }
    }

    /**
     * Asynchronous inference: not a target mldeploy deploys, named when nothing else fits a long request or a
     * large payload.
     */
    public static final class Async {
        /** Longest processing time of one request. */
        public static final Duration MAX_PROCESSING_TIME = Duration.ofHours(1);
        /** Largest payload (through S3): 1 GB. */
        public static final long MAX_PAYLOAD_BYTES = Units.GB;

        private Async() {
        }
    }
}
