package dev.mldeploy;

/**
 * One figure {@link ModelDeployer#metrics} reports per variant (SageMaker) or version/alias (Lambda), summed or
 * computed over the whole window. A target reports those it has: SageMaker has no function errors, throttles or
 * concurrency; Lambda has no 4xx/5xx split or overhead latency.
 */
public enum Metric {
    /** Requests served ({@code AWS/SageMaker Invocations}, {@code AWS/Lambda Invocations}; Sum). */
    INVOCATIONS("invocations", "count"),
    /** Requests the endpoint answered with a 4xx ({@code Invocation4XXErrors}; Sum). */
    ERRORS_4XX("errors4xx", "count"),
    /** Requests the endpoint answered with a 5xx ({@code Invocation5XXErrors}; Sum). */
    ERRORS_5XX("errors5xx", "count"),
    /** Invocations that ended in a function error ({@code AWS/Lambda Errors}; Sum). */
    FUNCTION_ERRORS("functionErrors", "count"),
    /** Invocations refused for lack of concurrency ({@code AWS/Lambda Throttles}; Sum). */
    THROTTLES("throttles", "count"),
    /** The most invocations running at once ({@code AWS/Lambda ConcurrentExecutions}; Maximum). */
    CONCURRENCY("concurrency", "count"),
    /** Median latency of the model ({@code ModelLatency}, {@code Duration}; p50), in milliseconds. */
    LATENCY_P50("latencyP50Ms", "ms"),
    /** 90th percentile latency of the model, in milliseconds. */
    LATENCY_P90("latencyP90Ms", "ms"),
    /** 99th percentile latency of the model, in milliseconds. */
    LATENCY_P99("latencyP99Ms", "ms"),
    /** Median time SageMaker adds around the model ({@code OverheadLatency}; p50), in milliseconds. */
    OVERHEAD_P50("overheadP50Ms", "ms"),
    /** 90th percentile of SageMaker's overhead, in milliseconds. */
    OVERHEAD_P90("overheadP90Ms", "ms"),
    /** 99th percentile of SageMaker's overhead, in milliseconds. */
    OVERHEAD_P99("overheadP99Ms", "ms");

    private final String key;
    private final String unit;

    Metric(String key, String unit) {
        this.key = key;
        this.unit = unit;
    }

    /** The name in JSON output ({@code latencyP99Ms}). */
    public String key() {
        return key;
    }

    /** {@code count} or {@code ms}. */
    public String unit() {
        return unit;
    }
}
