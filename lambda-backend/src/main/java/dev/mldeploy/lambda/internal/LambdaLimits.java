package dev.mldeploy.lambda.internal;

import java.time.Duration;
import java.util.function.Function;

/** AWS Lambda's limits, in one place (see aws-facts: us-east-1, late 2026). Stateless. */
public final class LambdaLimits {
    /** A zip larger than this (50 MB) cannot be uploaded directly; it goes through S3. */
    public static final long DIRECT_UPLOAD_BYTES = 50L * 1024 * 1024;
    /** The unzipped package, layers included, must stay under 250 MB. */
    public static final long UNZIPPED_BYTES = 250L * 1024 * 1024;
    /** Synchronous invocation payload: 6 MB request and response. */
    public static final long PAYLOAD_BYTES = 6L * 1024 * 1024;
    public static final int MIN_MEMORY_MB = 128;
    public static final int MAX_MEMORY_MB = 10_240;
    public static final int MIN_EPHEMERAL_MB = 512;
    public static final int MAX_EPHEMERAL_MB = 10_240;
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(900);
    public static final int MIN_PYTHON_MINOR = 10;
    public static final int MAX_PYTHON_MINOR = 14;

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
