package dev.mldeploy.lambda.internal;

import dev.mldeploy.aws.AwsEnvironment;
import dev.mldeploy.aws.AwsNames;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What AWS refuses in the values a Lambda deploy sends, checked before any call so that bad input fails with a
 * message saying what to change (and nothing is created): environment variables (Lambda's
 * {@code EnvironmentVariableName} pattern, its reserved names, 4 KB in all), here; tags and S3 bucket names by the
 * rules every AWS target shares ({@link AwsNames}). Hand-written: the SDK validates none of this client-side.
 * Stateless.
 */
public final class AwsRules {
    /** Tags on one Lambda function or IAM role. */
    public static final int MAX_TAGS = AwsNames.MAX_TAGS;
    /** Every environment variable's name and value together, in bytes (Lambda quotas). */
    public static final int MAX_ENVIRONMENT_BYTES = 4 * 1024;
    /** Lambda's EnvironmentVariableName: a letter, then at least one letter, digit or underscore. */
    private static final Pattern ENV_NAME = Pattern.compile("[a-zA-Z]([a-zA-Z0-9_])+");
    /** Set by the Lambda runtime; Lambda refuses a function that sets them (Lambda guide, defined runtime variables). */
    public static final Set<String> RESERVED_ENV = Set.of("_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION",
            "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
            "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR");

    private AwsRules() {
    }

    /**
     * Checks the tags one resource would get ({@code resource}: "function x", "IAM role y").
     *
     * @param error builds the exception to throw from its message
     */
    public static <E extends RuntimeException> void checkTags(Map<String, String> tags, String resource,
                                                              Function<String, E> error) {
        AwsNames.checkTags(tags, resource, error);
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
        AwsNames.bucketProblem(bucket).ifPresent(why -> {
            throw error.apply("S3 bucket name '" + printable(bucket) + "' is invalid: " + why + "; fix --bucket / "
                    + AwsEnvironment.BUCKET);
        });
    }

    private static String printable(String s) {
        return AwsNames.printable(s);
    }
}
