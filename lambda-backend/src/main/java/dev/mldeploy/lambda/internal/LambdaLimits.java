package dev.mldeploy.lambda.internal;

import java.time.Duration;
import java.util.function.Function;

/**
 * AWS Lambda's limits as the backend checks them; the figures come from placement's table
 * ({@link dev.mldeploy.placement.LambdaLimits}), so they live in one place. Stateless.
 */
public final class LambdaLimits {
    /** A zip larger than this (50 MB) cannot be uploaded directly; it goes through S3. */
    public static final long DIRECT_UPLOAD_BYTES = dev.mldeploy.placement.LambdaLimits.MAX_ZIP_DIRECT_UPLOAD_BYTES;
    /** The unzipped package, layers included, must stay under 250 MB. */
    public static final long UNZIPPED_BYTES = dev.mldeploy.placement.LambdaLimits.MAX_ZIP_UNZIPPED_BYTES;
    /** Synchronous invocation payload: 6 MB request and response. */
    public static final long PAYLOAD_BYTES = dev.mldeploy.placement.LambdaLimits.MAX_SYNC_PAYLOAD_BYTES;
    public static final int MIN_MEMORY_MB = dev.mldeploy.placement.LambdaLimits.MIN_MEMORY_MB;
    public static final int MAX_MEMORY_MB = dev.mldeploy.placement.LambdaLimits.MAX_MEMORY_MB;
    public static final int MIN_EPHEMERAL_MB = dev.mldeploy.placement.LambdaLimits.MIN_EPHEMERAL_STORAGE_MB;
    public static final int MAX_EPHEMERAL_MB = dev.mldeploy.placement.LambdaLimits.MAX_EPHEMERAL_STORAGE_MB;
    public static final Duration MAX_TIMEOUT = dev.mldeploy.placement.LambdaLimits.MAX_TIMEOUT;
    public static final int MIN_PYTHON_MINOR = dev.mldeploy.placement.LambdaLimits.MIN_PYTHON_MINOR;
    public static final int MAX_PYTHON_MINOR = dev.mldeploy.placement.LambdaLimits.MAX_PYTHON_MINOR;

    private LambdaLimits() {
    }

    /** Checks a memory size (null = not set). */
    public static <E extends RuntimeException> void checkMemory(Integer mb, Function<String, E> error) {
        if (mb != null && (mb < MIN_MEMORY_MB || mb > MAX_MEMORY_MB)) {
            throw error.apply("Lambda memory must be " + MIN_MEMORY_MB + " to " + MAX_MEMORY_MB + " MB, was " + mb
                    + " (--memory-mb); for more, deploy to SageMaker");
        }
    }

    /** Checks a function timeout (null = not set). */
    public static <E extends RuntimeException> void checkTimeout(Duration timeout, Function<String, E> error) {
        if (timeout != null && (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0)) {
            throw error.apply("Lambda timeout must be 1 to " + MAX_TIMEOUT.toSeconds() + " s, was "
                    + timeout.toMillis() / 1000.0 + " s (--timeout-s); for longer requests use SageMaker "
                    + "asynchronous inference");
        }
    }

    /** Checks an ephemeral storage size (null = not set). */
    public static <E extends RuntimeException> void checkEphemeral(Integer mb, Function<String, E> error) {
        if (mb != null && (mb < MIN_EPHEMERAL_MB || mb > MAX_EPHEMERAL_MB)) {
            throw error.apply("Lambda ephemeral storage must be " + MIN_EPHEMERAL_MB + " to " + MAX_EPHEMERAL_MB
                    + " MB, was " + mb);
        }
    }
}
