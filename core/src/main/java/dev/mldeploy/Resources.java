package dev.mldeploy;

import java.time.Duration;
import java.util.Objects;

/**
 * What one copy of the model needs: memory, ephemeral storage, the longest time one request may take,
 * whether it needs a GPU, and the CPU architecture.
 *
 * @param memoryMb           memory for the model process, in MB (at least 1)
 * @param ephemeralStorageMb scratch disk, in MB (at least 1)
 * @param maxInferenceTime   the longest one request may take (positive, at most {@link #MAX_INFERENCE_TIME_LIMIT})
 * @param gpu                whether the model needs a GPU
 * @param architecture       the CPU architecture
 */
public record Resources(int memoryMb, int ephemeralStorageMb, Duration maxInferenceTime, boolean gpu,
                        Architecture architecture) {

    public static final int DEFAULT_MEMORY_MB = 1024;
    public static final int DEFAULT_EPHEMERAL_STORAGE_MB = 512;
    public static final Duration DEFAULT_MAX_INFERENCE_TIME = Duration.ofSeconds(10);
    /**
     * 24 h: longer than any AWS inference service takes one request (SageMaker asynchronous inference: 1 h), and
     * small enough that millisecond arithmetic on it never overflows.
     */
    public static final Duration MAX_INFERENCE_TIME_LIMIT = Duration.ofHours(24);

    public Resources {
        Objects.requireNonNull(maxInferenceTime, "maxInferenceTime");
        Objects.requireNonNull(architecture, "architecture");
        if (memoryMb < 1) {
            throw new InvalidSpecException("memoryMb must be at least 1, was " + memoryMb);
        }
        if (ephemeralStorageMb < 1) {
            throw new InvalidSpecException("ephemeralStorageMb must be at least 1, was " + ephemeralStorageMb);
        }
        if (maxInferenceTime.isNegative() || maxInferenceTime.isZero()) {
            throw new InvalidSpecException("maxInferenceTime must be positive, was " + maxInferenceTime);
        }
        if (maxInferenceTime.compareTo(MAX_INFERENCE_TIME_LIMIT) > 0) {
            throw new InvalidSpecException("maxInferenceTime must be at most " + MAX_INFERENCE_TIME_LIMIT.toHours()
                    + " h, was " + maxInferenceTime);
        }
    }

    /** 1024 MB memory, 512 MB ephemeral storage, 10 s per request, no GPU, x86_64. */
    public static Resources defaults() {
        return new Resources(DEFAULT_MEMORY_MB, DEFAULT_EPHEMERAL_STORAGE_MB, DEFAULT_MAX_INFERENCE_TIME, false,
                Architecture.X86_64);
    }

    public Resources withMemoryMb(int value) {
        return new Resources(value, ephemeralStorageMb, maxInferenceTime, gpu, architecture);
    }

    public Resources withEphemeralStorageMb(int value) {
        return new Resources(memoryMb, value, maxInferenceTime, gpu, architecture);
    }

    public Resources withMaxInferenceTime(Duration value) {
        return new Resources(memoryMb, ephemeralStorageMb, value, gpu, architecture);
    }

    public Resources withGpu(boolean value) {
        return new Resources(memoryMb, ephemeralStorageMb, maxInferenceTime, value, architecture);
    }

    public Resources withArchitecture(Architecture value) {
        return new Resources(memoryMb, ephemeralStorageMb, maxInferenceTime, gpu, value);
    }
}
