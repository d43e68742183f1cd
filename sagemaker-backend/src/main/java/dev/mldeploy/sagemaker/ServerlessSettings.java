package dev.mldeploy.sagemaker;

import dev.mldeploy.InvalidConfigurationException;

/**
 * Serverless inference: SageMaker provisions memory per request and bills per GB-second. No GPU, no VPC, one
 * variant, no data capture, payloads up to 4 MB. Immutable and thread-safe.
 *
 * @param memoryMb       memory, 1024 to 6144 MB in 1024 MB steps
 * @param maxConcurrency concurrent invocations, 1 to 200
 */
public record ServerlessSettings(int memoryMb, int maxConcurrency) {
    public static final int MIN_MEMORY_MB = 1024;
    public static final int MAX_MEMORY_MB = 6144;
    public static final int MAX_CONCURRENCY = 200;
    public static final int DEFAULT_MAX_CONCURRENCY = 5;

    public ServerlessSettings {
        if (memoryMb < MIN_MEMORY_MB || memoryMb > MAX_MEMORY_MB || memoryMb % 1024 != 0) {
            throw new InvalidConfigurationException("serverless memory " + memoryMb + " MB is invalid; use one of "
                    + "1024, 2048, 3072, 4096, 5120 or 6144 MB");
        }
        if (maxConcurrency < 1 || maxConcurrency > MAX_CONCURRENCY) {
            throw new InvalidConfigurationException("serverless max concurrency " + maxConcurrency
                    + " is invalid; use 1 to " + MAX_CONCURRENCY);
        }
    }

    /** {@code memoryMb} of memory, at most {@value #DEFAULT_MAX_CONCURRENCY} concurrent invocations. */
    public static ServerlessSettings of(int memoryMb) {
        return new ServerlessSettings(memoryMb, DEFAULT_MAX_CONCURRENCY);
    }
}
