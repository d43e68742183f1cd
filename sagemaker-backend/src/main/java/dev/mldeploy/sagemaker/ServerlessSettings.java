package dev.mldeploy.sagemaker;

import dev.mldeploy.sagemaker.internal.SageMakerSettings;

/**
 * Serverless inference: SageMaker provisions memory per request and bills per GB-second. No GPU, no VPC, one
 * variant, no data capture, payloads up to 4 MB. Immutable and thread-safe.
 *
 * @param memoryMb       memory, 1024 to 6144 MB in 1024 MB steps
 * @param maxConcurrency concurrent invocations, 1 to 200
 */
public record ServerlessSettings(int memoryMb, int maxConcurrency) {
    public static final int MIN_MEMORY_MB = SageMakerSettings.Serverless.MIN_MEMORY_MB;
    public static final int MAX_MEMORY_MB = SageMakerSettings.Serverless.MAX_MEMORY_MB;
    public static final int MAX_CONCURRENCY = SageMakerSettings.Serverless.MAX_CONCURRENCY;
    public static final int DEFAULT_MAX_CONCURRENCY = SageMakerSettings.Serverless.DEFAULT_MAX_CONCURRENCY;

    /** Throws {@link dev.mldeploy.InvalidConfigurationException} saying which value to change. */
    public ServerlessSettings {
        new SageMakerSettings.Serverless(memoryMb, maxConcurrency); // the checks live with the internals' copy
    }

    /** {@code memoryMb} of memory, at most {@value #DEFAULT_MAX_CONCURRENCY} concurrent invocations. */
    public static ServerlessSettings of(int memoryMb) {
        return new ServerlessSettings(memoryMb, DEFAULT_MAX_CONCURRENCY);
    }
}
