package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.aws.AwsNames;
import dev.mldeploy.sagemaker.SageMakerTarget;
import dev.mldeploy.sagemaker.VariantSettings;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a {@link SageMakerTarget}'s settings, alone and together, before anything is called. Not API. */
public final class ConfigValidator {
    static final String ROLE_ARN_FORM = AwsNames.ROLE_ARN_FORM;
    /** Characters safe in S3 keys and in SageMaker tag values (the prefix goes into mldeploy's artifacts tag). */
    private static final Pattern PREFIX = Pattern.compile("^[a-zA-Z0-9_.=+@/-]*$");

    private ConfigValidator() {
    }

    /** Throws {@link InvalidConfigurationException} naming the first problem and how to fix it. */
    public static void validate(SageMakerTarget t) {
        t.roleArn().ifPresent(ConfigValidator::checkRoleArn);
        t.bucket().ifPresent(ConfigValidator::checkBucket);
        if (t.prefix().startsWith("/") || t.prefix().endsWith("/") || t.prefix().contains("//")
                || t.prefix().length() > Limits.MAX_ARTIFACT_PREFIX || !PREFIX.matcher(t.prefix()).matches()) {
            throw new InvalidConfigurationException("artifact prefix '" + t.prefix() + "' is invalid; use at most "
                    + Limits.MAX_ARTIFACT_PREFIX + " letters, digits and / . _ - = + @ without a leading, trailing "
                    + "or doubled slash");
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
        t.callTimeout().ifPresent(d -> {
            if (d.isNegative() || d.isZero()) {
                throw new InvalidConfigurationException("call timeout must be positive, was " + d);
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
        t.tags().forEach((k, v) -> TagRules.checkUserTag(k, v, "the sagemaker target"));
        if (t.tags().size() + Naming.MLDEPLOY_TAGS > TagRules.MAX_TAGS) {
            throw new InvalidConfigurationException(t.tags().size() + " tags given to the sagemaker target; with "
                    + "mldeploy's " + Naming.MLDEPLOY_TAGS + " that is over SageMaker's " + TagRules.MAX_TAGS
                    + " per resource: give at most " + (TagRules.MAX_TAGS - Naming.MLDEPLOY_TAGS));
        }
        if (t.kmsKeyId().isPresent()) {
            t.instanceType().ifPresent(ConfigValidator::checkKmsInstanceType);
            t.variants().forEach(v -> checkKmsInstanceType(v.instanceType()));
        }
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
        } else if (t.uncompressedArtifacts()) {
            why = "uncompressed artifacts (SageMaker refuses ModelDataSource on serverless endpoints; "
                    + "drop uncompressedArtifacts to ship model.tar.gz)";
        }
        if (why != null) {
            throw new InvalidConfigurationException("serverless mode cannot be combined with " + why
                    + "; drop one of them");
        }
    }

    /** Throws unless {@code bucket} follows S3's bucket naming rules. */
    public static void checkBucket(String bucket) {
        AwsNames.bucketProblem(bucket).ifPresent(why -> {
            throw new InvalidConfigurationException("bucket name '" + bucket + "' is invalid: " + why
                    + " (--bucket, MLDEPLOY_BUCKET)");
        });
    }

    /** Throws when a KMS key is combined with {@code instanceType} that has local instance storage. */
    public static void checkKmsInstanceType(String instanceType) {
        if (Limits.hasInstanceStorage(instanceType)) {
            throw new InvalidConfigurationException("instance type " + instanceType + " has local NVMe instance "
                    + "storage, which SageMaker encrypts itself and for which it refuses a KMS key; drop kmsKeyId or "
                    + "choose an instance type without instance storage (for example ml.m5.large or ml.c5.xlarge)");
        }
    }

    /** Throws unless {@code arn} has the form of an IAM role ARN. */
    public static void checkRoleArn(String arn) {
        if (!AwsNames.isRoleArn(arn)) {
            throw new InvalidConfigurationException("execution role ARN '" + arn + "' is malformed; expected "
                    + ROLE_ARN_FORM + " (--role-arn, MLDEPLOY_ROLE_ARN)");
        }
    }
}
