package dev.mldeploy.lambda.internal;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What AWS refuses in the values a Lambda deploy sends, checked before any call so that bad input fails with a
 * message saying what to change (and nothing is created): tags (Lambda's and IAM's rules: the stricter, IAM's,
 * character set; keys 1–128, values at most 256, no {@code aws:} prefix, at most {@value #MAX_TAGS} per resource
 * after merging), environment variables (Lambda's {@code EnvironmentVariableName} pattern, its reserved names, 4 KB
 * in all) and S3 bucket names (S3's naming rules). Hand-written: the SDK validates none of this client-side.
 * Stateless.
 */
public final class AwsRules {
    /** Tags on one Lambda function or IAM role. */
    public static final int MAX_TAGS = 50;
    public static final int MAX_TAG_KEY = 128;
    public static final int MAX_TAG_VALUE = 256;
    /** Every environment variable's name and value together, in bytes (Lambda quotas). */
    public static final int MAX_ENVIRONMENT_BYTES = 4 * 1024;
    /** IAM's tag key pattern (Lambda's allowed characters are the same). */
    private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
    private static final Pattern TAG_VALUE = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    /** Lambda's EnvironmentVariableName: a letter, then at least one letter, digit or underscore. */
    private static final Pattern ENV_NAME = Pattern.compile("[a-zA-Z]([a-zA-Z0-9_])+");
    /** Set by the Lambda runtime; Lambda refuses a function that sets them (Lambda guide, defined runtime variables). */
    public static final Set<String> RESERVED_ENV = Set.of("_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION",
            "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
            "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private AwsRules() {
    }

    /**
     * Checks the tags one resource would get ({@code resource}: "function x", "IAM role y").
     *
     * @param error builds the exception to throw from its message
     */
    public static <E extends RuntimeException> void checkTags(Map<String, String> tags, String resource,
                                                              Function<String, E> error) {
        if (tags.size() > MAX_TAGS) {
            throw error.apply(resource + " would get " + tags.size() + " tags (the spec's, the target's and "
                    + "mldeploy's own), over AWS's " + MAX_TAGS + " per resource; remove " + (tags.size() - MAX_TAGS)
                    + " of the spec's or the target's tags");
        }
        tags.forEach((k, v) -> {
            if (k.isEmpty() || k.length() > MAX_TAG_KEY || !TAG_KEY.matcher(k).matches()) {
                throw error.apply("tag key '" + printable(k) + "' on " + resource + " is not accepted by AWS: 1 to "
                        + MAX_TAG_KEY + " letters, digits, spaces and _ . : / = + - @");
            }
            if (k.toLowerCase(Locale.ROOT).startsWith("aws:")) {
                throw error.apply("tag key '" + k + "' on " + resource + " uses the prefix aws:, reserved by AWS");
            }
            if (v.length() > MAX_TAG_VALUE || !TAG_VALUE.matcher(v).matches()) {
                throw error.apply("the value of tag '" + k + "' on " + resource + " is not accepted by AWS: at most "
                        + MAX_TAG_VALUE + " letters, digits, spaces and _ . : / = + - @ (was " + v.length()
                        + " characters: '" + printable(abbreviate(v)) + "')");
            }
        });
    }

    /** Checks a function's environment: names, reserved names, total size. */
    public static <E extends RuntimeException> void checkEnvironment(Map<String, String> env, String function,
                                                                     Function<String, E> error) {
        int bytes = 0;
        for (Map.Entry<String, String> e : env.entrySet()) {
            String k = e.getKey();
            if (!ENV_NAME.matcher(k).matches()) {
                throw error.apply("environment variable name '" + printable(k) + "' of function " + function
                        + " is not accepted by Lambda: a letter, then at least one more letter, digit or underscore "
                        + "(" + ENV_NAME.pattern() + ")");
            }
            if (RESERVED_ENV.contains(k)) {
                throw error.apply("environment variable " + k + " of function " + function + " is reserved: the "
                        + "Lambda runtime sets it and Lambda refuses a function that does; rename it");
            }
            bytes += k.getBytes(StandardCharsets.UTF_8).length + e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes > MAX_ENVIRONMENT_BYTES) {
            throw error.apply("the environment of function " + function + " is " + bytes + " bytes (names and "
                    + "values), over Lambda's " + MAX_ENVIRONMENT_BYTES + "; keep large values in the model directory");
        }
    }

    /** Checks an S3 bucket name by S3's general purpose bucket naming rules. */
    public static <E extends RuntimeException> void checkBucket(String bucket, Function<String, E> error) {
        String why = bucketProblem(bucket);
        if (why != null) {
            throw error.apply("S3 bucket name '" + printable(bucket) + "' is invalid: " + why + " (S3 bucket naming "
                    + "rules: 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter "
                    + "or digit); fix --bucket / MLDEPLOY_BUCKET");
        }
    }

    static String bucketProblem(String b) {
        if (b.length() < 3 || b.length() > 63) {
            return b.length() + " characters";
        }
        if (!BUCKET.matcher(b).matches()) {
            return "only lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit";
        }
        if (b.contains("..")) {
            return "two adjacent dots";
        }
        if (b.contains(".-") || b.contains("-.")) {
            return "a dot next to a hyphen";
        }
        if (IPV4.matcher(b).matches()) {
            return "formatted as an IP address";
        }
        for (String prefix : new String[] {"xn--", "sthree-", "amzn-s3-demo-"}) {
            if (b.startsWith(prefix)) {
                return "the prefix " + prefix + " is reserved";
            }
        }
        for (String suffix : new String[] {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"}) {
            if (b.endsWith(suffix)) {
                return "the suffix " + suffix + " is reserved";
            }
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    /** Control characters shown escaped, so a message stays one line. */
    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }
}
