package dev.mldeploy.placement;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AWS Lambda's limits, one table, every figure once (from {@code aws-facts.md}, "AWS Lambda limits"). Sizes are
 * binary: 1 MB = 1,048,576 bytes, 1 GB = 1,024 MB (see {@link Units}). Constants only; thread-safe.
 */
public final class LambdaLimits {
    /** Lambda's characters for a function name (which is the model's name). */
    public static final Pattern NAME_PATTERN = Pattern.compile("^[a-zA-Z0-9_-]+$");
    /**
     * Longest model name: IAM role names are at most 64 characters, and the role mldeploy creates is
     * {@code mldeploy-lambda-<name>} (function names may have 64).
     */
    public static final int MAX_NAME_LENGTH = 64 - "mldeploy-lambda-".length();

    /**
     * Why Lambda cannot take a deployment named {@code name}, or empty when it can: the reason a placement profile
     * gives and the message the lambda target refuses the name with.
     */
    public static java.util.Optional<String> nameProblem(String name) {
        if (name.length() > MAX_NAME_LENGTH) {
            return java.util.Optional.of("name '" + name + "' is " + name.length() + " characters, over the "
                    + MAX_NAME_LENGTH + " Lambda allows (the IAM role mldeploy-lambda-<name> is at most 64); use a "
                    + "shorter model name");
        }
        if (!NAME_PATTERN.matcher(name).matches()) {
            return java.util.Optional.of("name '" + name + "' breaks Lambda's function naming rule (letters, digits, "
                    + "hyphens and underscores: " + NAME_PATTERN.pattern() + "); rename the model");
        }
        return java.util.Optional.empty();
    }

    /** Smallest memory a function can have; a spec asking for less gets this much. */
    public static final int MIN_MEMORY_MB = 128;
    /** Largest memory a function can have (1 MB steps). */
    public static final int MAX_MEMORY_MB = 10_240;
    /** Longest one invocation may run. */
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(900);
    /** The ephemeral storage ({@code /tmp}) every function gets, free; a spec asking for less gets this much. */
    public static final int MIN_EPHEMERAL_STORAGE_MB = 512;
    /** Largest ephemeral storage ({@code /tmp}). */
    public static final int MAX_EPHEMERAL_STORAGE_MB = 10_240;
    /** Largest synchronous invoke request, and response, payload as Lambda counts it: 6 MB. */
    public static final long MAX_SYNC_PAYLOAD_BYTES = 6 * Units.MB;
    /**
     * Room in the 6 MB payload kept for the JSON envelope mldeploy wraps a body in ({@code {"body": ...,
     * "isBase64Encoded": true, "contentType": ..., "accept": ...}}): its keys, content type and accept together.
     */
    public static final int SYNC_ENVELOPE_OVERHEAD_BYTES = 1_024;
    /**
     * Largest raw request or response body mldeploy sends through Lambda synchronously: 4,717,824 bytes (4.5 MB).
     * The largest {@code n} whose base64 form ({@code 4 x ceil(n / 3)} characters) plus
     * {@link #SYNC_ENVELOPE_OVERHEAD_BYTES} fits in {@link #MAX_SYNC_PAYLOAD_BYTES}. {@code plan} reports it and
     * {@code invoke} enforces it, so they agree.
     */
    public static final long MAX_SYNC_RAW_PAYLOAD_BYTES = (MAX_SYNC_PAYLOAD_BYTES - SYNC_ENVELOPE_OVERHEAD_BYTES)
            / 4 * 3;
    /**
     * Largest .zip uploaded directly with the function (zipped). Not a placement reason: a larger zip is uploaded
     * through S3, a deploy detail; placement only notes it.
     */
    public static final long MAX_ZIP_DIRECT_UPLOAD_BYTES = 50 * Units.MB;
    /** Largest unzipped .zip package, layers included. */
    public static final long MAX_ZIP_UNZIPPED_BYTES = 250 * Units.MB;
    /** Largest container image, uncompressed. */
    public static final long MAX_IMAGE_BYTES = 10 * Units.GB;
    /** Lambda has no GPU. */
    public static final boolean GPU = false;
    /** Oldest Python runtime: python3.10. */
    public static final int MIN_PYTHON_MINOR = 10;
    /** Newest Python runtime: python3.14. */
    public static final int MAX_PYTHON_MINOR = 14;
    /** A function serves one variant: no A/B production variants. */
    public static final int MAX_VARIANTS = 1;
    /** Lambda has no request/response data capture. */
    public static final boolean DATA_CAPTURE = false;
    /** Concurrent executions a region allows by default (a quota that can be raised, so a note, not a reason). */
    public static final int DEFAULT_CONCURRENCY_QUOTA = 1_000;

    private static final Pattern PYTHON = Pattern.compile("^3\\.(\\d{1,2})$");

    private LambdaLimits() {
    }

    /** Whether Lambda has a runtime for Python {@code version} ({@code 3.N}). */
    public static boolean supportsPython(String version) {
        Matcher m = PYTHON.matcher(version);
        if (!m.matches()) {
            return false;
        }
        int minor = Integer.parseInt(m.group(1));
        return minor >= MIN_PYTHON_MINOR && minor <= MAX_PYTHON_MINOR;
    }

    /** The runtime name for Python {@code version}: {@code python3.12}. */
    public static String runtime(String version) {
        return "python" + version;
    }
}
