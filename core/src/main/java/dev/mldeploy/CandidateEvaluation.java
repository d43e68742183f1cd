package dev.mldeploy;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How one way of running the model (a target and a variant of it) fares.
 *
 * @param target   the target's name ({@code lambda}, {@code sagemaker})
 * @param variant  the way it runs there ({@code zip}, {@code image}, {@code realtime}, {@code serverless})
 * @param feasible whether it can hold the model
 * @param reasons  every limit the model breaks, with the numbers; empty when feasible
 * @param cost     the monthly cost estimate (computed even when infeasible, where it means something)
 * @param notes    what else to know (cold starts, sizing), for people
 * @param settings what placement chose on that target (instance type and count, memory), in key order; the keys
 *                 are the constants of this class
 *
 * <p>Immutable; thread-safe.
 */
public record CandidateEvaluation(String target, String variant, boolean feasible, List<String> reasons,
                                  CostEstimate cost, List<String> notes, Map<String, String> settings) {
    /** Setting: memory in MB (Lambda function memory, SageMaker serverless memory). */
    public static final String MEMORY_MB = "memoryMb";
    /** Setting: Lambda ephemeral storage in MB. */
    public static final String EPHEMERAL_STORAGE_MB = "ephemeralStorageMb";
    /** Setting: Lambda timeout in whole seconds. */
    public static final String TIMEOUT_SECONDS = "timeoutSeconds";
    /** Setting: CPU architecture as AWS names it ({@code x86_64}, {@code arm64}). */
    public static final String ARCHITECTURE = "architecture";
    /** Setting: Lambda runtime ({@code python3.12}). */
    public static final String RUNTIME = "runtime";
    /** Setting: Lambda packaging ({@code zip}, {@code image}). */
    public static final String PACKAGING = "packaging";
    /** Setting: the unpacked package size in bytes, when known. */
    public static final String PACKAGE_BYTES = "packageBytes";
    /** Setting: the bytes of the model's Python dependencies counted in {@link #PACKAGE_BYTES}, when known. */
    public static final String DEPENDENCY_BYTES = "dependencyBytes";
    /** Setting: Lambda provisioned concurrency priced (absent for none). */
    public static final String PROVISIONED_CONCURRENCY = "provisionedConcurrency";
    /** Setting: SageMaker real-time instance type ({@code ml.m5.large}). */
    public static final String INSTANCE_TYPE = "instanceType";
    /** Setting: SageMaker real-time instance count (in all, across variants). */
    public static final String INSTANCE_COUNT = "instanceCount";
    /** Setting: SageMaker production variants (absent for 1). */
    public static final String VARIANTS = "variants";
    /** Setting: SageMaker serverless max concurrency. */
    public static final String MAX_CONCURRENCY = "maxConcurrency";

    public CandidateEvaluation {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(variant, "variant");
        reasons = List.copyOf(reasons);
        Objects.requireNonNull(cost, "cost");
        notes = List.copyOf(notes);
        settings = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(settings));
        if (feasible && !reasons.isEmpty()) {
            throw new IllegalArgumentException("a feasible candidate has no reasons against it: " + reasons);
        }
        if (!feasible && reasons.isEmpty()) {
            throw new IllegalArgumentException("an infeasible candidate needs at least one reason");
        }
    }

    /** {@code target:variant}, for example {@code lambda:zip}. */
    public String name() {
        return target + ":" + variant;
    }
}
