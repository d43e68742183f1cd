package dev.mldeploy.lambda.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.aws.AwsNames;
import dev.mldeploy.lambda.LambdaTarget;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks a {@link LambdaTarget}'s values when it is built, before any AWS call. Stateless. */
public final class ConfigChecks {
    private static final Pattern RUNTIME = Pattern.compile("^python3\\.(\\d{1,2})$");
    private static final Pattern IMAGE_URI = Pattern.compile(
            "^\\d{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/"
                    + "[a-z0-9._/-]+(:[\\w.-]{1,128}|@sha256:[0-9a-f]{64})$");

    private ConfigChecks() {
    }

    /**
     * Throws {@link InvalidConfigurationException} naming what to change when a value cannot work.
     */
    public static void check(LambdaTarget t) {
        String roleArn = t.roleArn().orElse(null);
        boolean createRole = t.createRole();
        String runtime = t.runtime().orElse(null);
        Integer memoryMb = t.memoryMb().isPresent() ? t.memoryMb().getAsInt() : null;
        Duration functionTimeout = t.functionTimeout().orElse(null);
        Integer ephemeralStorageMb = t.ephemeralStorageMb().isPresent() ? t.ephemeralStorageMb().getAsInt() : null;
        int provisionedConcurrency = t.provisionedConcurrency();
        Integer reservedConcurrency = t.reservedConcurrency().isPresent() ? t.reservedConcurrency().getAsInt() : null;
        String imageUri = t.imageUri().orElse(null);
        long directUploadLimitBytes = t.directUploadLimitBytes();
        String bucket = t.bucket().orElse(null);
        Map<String, String> environment = t.environment();
        Map<String, String> tags = t.tags();
        if (roleArn != null && !AwsNames.isRoleArn(roleArn)) {
            throw new InvalidConfigurationException("execution role ARN '" + roleArn + "' is malformed; expected "
                    + "arn:aws:iam::<12-digit account>:role/<name> (--role-arn, MLDEPLOY_ROLE_ARN), or let mldeploy "
                    + "create one (--create-role, MLDEPLOY_LAMBDA_CREATE_ROLE=true)");
        }
        if (roleArn != null && createRole) {
            throw new InvalidConfigurationException("give an execution role ARN or ask mldeploy to create a role, "
                    + "not both");
        }
        if (runtime != null) {
            var m = RUNTIME.matcher(runtime);
            int minor = m.matches() ? Integer.parseInt(m.group(1)) : -1;
            if (minor < LambdaLimits.MIN_PYTHON_MINOR || minor > LambdaLimits.MAX_PYTHON_MINOR) {
                throw new InvalidConfigurationException("Lambda runtime '" + runtime + "' is not supported; use "
                        + "python3." + LambdaLimits.MIN_PYTHON_MINOR + " to python3." + LambdaLimits.MAX_PYTHON_MINOR
                        + " (MLDEPLOY_LAMBDA_RUNTIME)");
            }
        }
        LambdaLimits.checkMemory(memoryMb, InvalidConfigurationException::new);
        LambdaLimits.checkTimeout(functionTimeout, InvalidConfigurationException::new);
        LambdaLimits.checkEphemeral(ephemeralStorageMb, InvalidConfigurationException::new);
        if (provisionedConcurrency < 0) {
            throw new InvalidConfigurationException("provisioned concurrency must be 0 (none) or more, was "
                    + provisionedConcurrency);
        }
        if (reservedConcurrency != null && reservedConcurrency < 0) {
            throw new InvalidConfigurationException("reserved concurrency must be 0 or more, was "
                    + reservedConcurrency);
        }
        if (reservedConcurrency != null && provisionedConcurrency > reservedConcurrency) {
            throw new InvalidConfigurationException("provisioned concurrency " + provisionedConcurrency
                    + " is over the reserved concurrency " + reservedConcurrency + "; raise the reservation");
        }
        if (imageUri != null && !IMAGE_URI.matcher(imageUri).matches()) {
            throw new InvalidConfigurationException("container image URI '" + imageUri + "' is not an Amazon ECR "
                    + "image URI (<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> or @sha256:<digest>)");
        }
        if (directUploadLimitBytes < 1) {
            throw new InvalidConfigurationException("the direct upload limit must be positive, was "
                    + directUploadLimitBytes);
        }
        if (bucket != null) {
            AwsRules.checkBucket(bucket, InvalidConfigurationException::new);
        }
        environment.keySet().forEach(k -> {
            if (k.startsWith("AWS_") || k.startsWith("MLDEPLOY_")) {
                throw new InvalidConfigurationException("environment variable '" + k + "' uses a reserved prefix "
                        + "(AWS_, MLDEPLOY_)");
            }
        });
        AwsRules.checkEnvironment(environment, "the lambda target", InvalidConfigurationException::new);
        tags.keySet().forEach(k -> {
            if (k.startsWith("mldeploy:")) {
                throw new InvalidConfigurationException("tag key '" + k + "' uses a reserved prefix (aws:, mldeploy:)");
            }
        });
        AwsRules.checkTags(tags, "the lambda target's resources", InvalidConfigurationException::new);
    }

}
