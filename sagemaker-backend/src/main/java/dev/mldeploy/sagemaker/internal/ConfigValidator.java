package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.sagemaker.SageMakerTarget;
import dev.mldeploy.sagemaker.VariantSettings;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a {@link SageMakerTarget}'s settings, alone and together, before anything is called. Not API. */
public final class ConfigValidator {
    /** {@code arn:<partition>:iam::<12 digits>:role/<optional path/>name}. */
    static final Pattern ROLE_ARN = Pattern.compile(
            "^arn:aws(-[a-z]+)*:iam::\\d{12}:role/([\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}$");
    static final String ROLE_ARN_FORM = "arn:aws:iam::<12-digit account id>:role/<optional path/><role name>, "
            + "for example arn:aws:iam::123456789012:role/SageMakerExecutionRole";
    private static final Pattern BUCKET = Pattern.compile("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$");
    private static final Pattern PREFIX = Pattern.compile("^[a-zA-Z0-9!_.*'()/-]*$");
    private static final Pattern TAG_KEY = Pattern.compile("^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]{1,128}$");

    private ConfigValidator() {
    }

    /** Throws {@link InvalidConfigurationException} naming the first problem and how to fix it. */
    public static void validate(SageMakerTarget t) {
        t.roleArn().ifPresent(ConfigValidator::checkRoleArn);
        t.bucket().ifPresent(b -> {
            if (!BUCKET.matcher(b).matches()) {
                throw new InvalidConfigurationException("bucket name '" + b + "' is invalid; S3 bucket names are 3 "
                        + "to 63 lower-case letters, digits, dots and hyphens");
            }
        });
        if (t.prefix().startsWith("/") || t.prefix().endsWith("/") || !PREFIX.matcher(t.prefix()).matches()) {
            throw new InvalidConfigurationException("artifact prefix '" + t.prefix() + "' is invalid; use letters, "
                    + "digits and / . _ - without a leading or trailing slash");
        }
        t.image().ifPresent(i -> {
            if (i.isBlank() || i.chars().anyMatch(Character::isWhitespace)) {
                throw new InvalidConfigurationException("container image '" + i + "' is invalid; give an image URI "
                        + "such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/mldeploy-serve:latest");
            }
        });
        t.instanceType().ifPresent(it -> {
            if (!it.startsWith("ml.")) {
                throw new InvalidConfigurationException("instance type '" + it + "' is invalid; SageMaker instance "
                        + "types start with 'ml.' (for example ml.m5.large)");
            }
        });
        if (t.instanceCount() < 0) {
            throw new InvalidConfigurationException("instance count " + t.instanceCount() + " is invalid; give at "
                    + "least 1");
        }
        if (t.pollInterval().isNegative() || t.pollInterval().isZero()) {
            throw new InvalidConfigurationException("poll interval must be positive, was " + t.pollInterval());
        }
        t.timeout().ifPresent(d -> {
            if (d.isNegative() || d.isZero()) {
                throw new InvalidConfigurationException("timeout must be positive, was " + d);
            }
        });
        if (t.compressionLevel() < 0 || t.compressionLevel() > 9) {
            throw new InvalidConfigurationException("compression level " + t.compressionLevel()
                    + " is invalid; use 0 (store) to 9 (smallest)");
        }
        Set<String> names = new HashSet<>();
        for (VariantSettings v : t.variants()) {
            if (!names.add(v.name())) {
                throw new InvalidConfigurationException("variant name '" + v.name() + "' is given twice; give each "
                        + "production variant its own name");
            }
        }
        if (t.variants().size() > 10) {
            throw new InvalidConfigurationException(t.variants().size() + " production variants given; SageMaker "
                    + "allows at most 10 per endpoint");
        }
        t.tags().keySet().forEach(k -> {
            if (!TAG_KEY.matcher(k).matches() || k.startsWith("aws:") || k.startsWith("mldeploy:")) {
                throw new InvalidConfigurationException("tag key '" + k + "' is invalid; use 1 to 128 characters "
                        + "without the reserved prefixes aws: and mldeploy:");
            }
        });
        if (t.autoscaling().isPresent() && t.instanceCount() > 0
                && (t.instanceCount() < t.autoscaling().get().minInstances()
                || t.instanceCount() > t.autoscaling().get().maxInstances())) {
            throw new InvalidConfigurationException("instance count " + t.instanceCount() + " is outside the "
                    + "autoscaling range " + t.autoscaling().get().minInstances() + ".."
                    + t.autoscaling().get().maxInstances() + "; make them agree");
        }
        if (t.serverless().isPresent()) {
            checkServerless(t);
        }
    }

    private static void checkServerless(SageMakerTarget t) {
        String why = null;
        if (t.instanceType().isPresent() || t.instanceCount() > 0) {
            why = "an instance type or count (serverless endpoints have no instances)";
        } else if (!t.variants().isEmpty()) {
            why = "production variants (serverless endpoints serve one variant)";
        } else if (t.dataCapture().isPresent()) {
            why = "data capture (not supported on serverless endpoints)";
        } else if (t.vpc().isPresent()) {
            why = "a VPC config (not supported on serverless endpoints)";
        } else if (t.autoscaling().isPresent()) {
            why = "instance autoscaling (serverless endpoints scale by max concurrency)";
        }
        if (why != null) {
            throw new InvalidConfigurationException("serverless mode cannot be combined with " + why
                    + "; drop one of them");
        }
    }

    /** Throws unless {@code arn} has the form of an IAM role ARN. */
    public static void checkRoleArn(String arn) {
        if (!ROLE_ARN.matcher(arn).matches()) {
            throw new InvalidConfigurationException("execution role ARN '" + arn + "' is malformed; expected "
                    + ROLE_ARN_FORM + " (--role-arn, MLDEPLOY_ROLE_ARN)");
        }
    }
}
