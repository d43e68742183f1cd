package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.aws.AwsNames;
import dev.mldeploy.sagemaker.AutoscalingSettings;
import dev.mldeploy.sagemaker.DataCaptureSettings;
import dev.mldeploy.sagemaker.ServerlessSettings;
import dev.mldeploy.sagemaker.VariantSettings;
import dev.mldeploy.sagemaker.VpcSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;

/**
 * Every setting of the {@code sagemaker} target the internals read, checked alone and together once, here, when
 * the public target's builder makes it: before anything is called. Empty optionals are settings not
 * given; so are a null {@code framework} and {@code frameworkVersion} (the prebuilt image's). Not API.
 */
public record SageMakerSettings(Optional<String> region, Optional<AwsCredentialsProvider> credentialsProvider,
        Optional<SageMakerClient> sageMakerClient, Optional<SageMakerRuntimeClient> runtimeClient,
        Optional<S3Client> s3Client, Optional<ApplicationAutoScalingClient> autoScalingClient,
        Optional<URI> endpointOverride, Optional<Consumer<ClientOverrideConfiguration.Builder>> clientOverride,
        Optional<String> roleArn, Optional<String> bucket, String prefix, boolean createBucket,
        Optional<String> image, Optional<String> instanceType, int instanceCount,
        Optional<ServerlessSettings> serverless, List<VariantSettings> variants,
        Optional<DataCaptureSettings> dataCapture, Optional<String> kmsKeyId, Optional<VpcSettings> vpc,
        Map<String, String> tags, Duration pollInterval, Optional<Duration> timeout, Optional<Duration> callTimeout,
        Optional<AutoscalingSettings> autoscaling, boolean keepArtifactsOnUndeploy, boolean uncompressedArtifacts,
        int compressionLevel, String framework, String frameworkVersion) {
    /** The target's name. */
    public static final String NAME = "sagemaker";
    public static final String DEFAULT_INSTANCE_TYPE = "ml.m5.large";
    static final String ROLE_ARN_FORM = AwsNames.ROLE_ARN_FORM;
    /** Characters safe in S3 keys and in SageMaker tag values (the prefix goes into mldeploy's artifacts tag). */
    private static final Pattern PREFIX = Pattern.compile("^[a-zA-Z0-9_.=+@/-]*$");

    /** Throws {@link InvalidConfigurationException} naming the first problem and how to fix it. */
    public SageMakerSettings {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(pollInterval, "pollInterval");
        variants = List.copyOf(variants);
        tags = Collections.unmodifiableMap(new TreeMap<>(tags));
        roleArn.ifPresent(SageMakerSettings::checkRoleArn);
        bucket.ifPresent(SageMakerSettings::checkBucket);
        if (prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("//")
                || prefix.length() > Limits.MAX_ARTIFACT_PREFIX || !PREFIX.matcher(prefix).matches()) {
            throw new InvalidConfigurationException("artifact prefix '" + prefix + "' is invalid; use at most "
                    + Limits.MAX_ARTIFACT_PREFIX + " letters, digits and / . _ - = + @ without a leading, trailing "
                    + "or doubled slash");
        }
        image.ifPresent(i -> {
            if (i.isBlank() || i.chars().anyMatch(Character::isWhitespace)) {
                throw new InvalidConfigurationException("container image '" + i + "' is invalid; give an image URI "
                        + "such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/mldeploy-serve:latest");
            }
        });
        instanceType.ifPresent(it -> {
            if (!it.startsWith("ml.")) {
                throw new InvalidConfigurationException("instance type '" + it + "' is invalid; SageMaker instance "
                        + "types start with 'ml.' (for example ml.m5.large)");
            }
        });
        if (instanceCount < 0) {
            throw new InvalidConfigurationException("instance count " + instanceCount + " is invalid; give at "
                    + "least 1");
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new InvalidConfigurationException("poll interval must be positive, was " + pollInterval);
        }
        timeout.ifPresent(d -> {
            if (d.isNegative() || d.isZero()) {
                throw new InvalidConfigurationException("timeout must be positive, was " + d);
            }
        });
        callTimeout.ifPresent(d -> {
            if (d.isNegative() || d.isZero()) {
                throw new InvalidConfigurationException("call timeout must be positive, was " + d);
            }
        });
        if (compressionLevel < 0 || compressionLevel > 9) {
            throw new InvalidConfigurationException("compression level " + compressionLevel
                    + " is invalid; use 0 (store) to 9 (smallest)");
        }
        Set<String> names = new HashSet<>();
        for (VariantSettings v : variants) {
            if (!names.add(v.name())) {
                throw new InvalidConfigurationException("variant name '" + v.name() + "' is given twice; give each "
                        + "production variant its own name");
            }
        }
        if (variants.size() > 10) {
            throw new InvalidConfigurationException(variants.size() + " production variants given; SageMaker "
                    + "allows at most 10 per endpoint");
        }
        tags.forEach((k, v) -> TagRules.checkUserTag(k, v, "the sagemaker target"));
        if (tags.size() + Naming.MLDEPLOY_TAGS > TagRules.MAX_TAGS) {
            throw new InvalidConfigurationException(tags.size() + " tags given to the sagemaker target; with "
                    + "mldeploy's " + Naming.MLDEPLOY_TAGS + " that is over SageMaker's " + TagRules.MAX_TAGS
                    + " per resource: give at most " + (TagRules.MAX_TAGS - Naming.MLDEPLOY_TAGS));
        }
        if (kmsKeyId.isPresent()) {
            instanceType.ifPresent(SageMakerSettings::checkKmsInstanceType);
            variants.forEach(v -> checkKmsInstanceType(v.instanceType()));
        }
        if (autoscaling.isPresent() && instanceCount > 0
                && (instanceCount < autoscaling.get().minInstances()
                || instanceCount > autoscaling.get().maxInstances())) {
            throw new InvalidConfigurationException("instance count " + instanceCount + " is outside the "
                    + "autoscaling range " + autoscaling.get().minInstances() + ".."
                    + autoscaling.get().maxInstances() + "; make them agree");
        }
        checkFramework(image.isPresent(), framework, frameworkVersion);
        if (serverless.isPresent()) {
            checkServerless(instanceType, instanceCount, variants, dataCapture, vpc, autoscaling,
                    uncompressedArtifacts);
        }
    }

    private static void checkServerless(Optional<String> instanceType, int instanceCount,
            List<VariantSettings> variants, Optional<DataCaptureSettings> dataCapture, Optional<VpcSettings> vpc,
            Optional<AutoscalingSettings> autoscaling, boolean uncompressedArtifacts) {
        String why = null;
        if (instanceType.isPresent() || instanceCount > 0) {
            why = "an instance type or count (serverless endpoints have no instances)";
        } else if (!variants.isEmpty()) {
            why = "production variants (serverless endpoints serve one variant)";
        } else if (dataCapture.isPresent()) {
            why = "data capture (not supported on serverless endpoints)";
        } else if (vpc.isPresent()) {
            why = "a VPC config (not supported on serverless endpoints)";
        } else if (autoscaling.isPresent()) {
            why = "instance autoscaling (serverless endpoints scale by max concurrency)";
        } else if (uncompressedArtifacts) {
            why = "uncompressed artifacts (SageMaker refuses ModelDataSource on serverless endpoints; "
                    + "drop uncompressedArtifacts to ship model.tar.gz)";
        }
        if (why != null) {
            throw new InvalidConfigurationException("serverless mode cannot be combined with " + why
                    + "; drop one of them");
        }
    }

    /**
     * The prebuilt framework image ({@code framework}, {@code frameworkVersion}: null when not given) is for
     * deploys without an image of their own; a version given without a framework is checked when the deploy
     * knows its default framework.
     */
    private static void checkFramework(boolean image, String framework, String frameworkVersion) {
        if (image && (framework != null || frameworkVersion != null)) {
            throw new InvalidConfigurationException("a container image and a prebuilt framework ("
                    + (framework != null ? "framework " + framework : "framework version " + frameworkVersion)
                    + ") are both given; give --image for your own container or --framework / --framework-version "
                    + "for AWS's prebuilt one, not both");
        }
        if (framework != null) {
            FrameworkImages.standard().check(framework, Optional.ofNullable(frameworkVersion));
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

    /** Names no client, credentials or override (they may print secrets). */
    @Override
    public String toString() {
        return "{region=" + region.orElse(null) + ", endpointOverride=" + endpointOverride.orElse(null)
                + ", roleArn=" + roleArn.orElse(null) + ", bucket=" + bucket.orElse(null) + ", prefix=" + prefix
                + ", image=" + image.orElse(null) + ", framework=" + framework + ", frameworkVersion="
                + frameworkVersion + ", instanceType=" + instanceType.orElse(null)
                + ", instanceCount=" + instanceCount + ", serverless=" + serverless.orElse(null) + ", variants="
                + variants + ", autoscaling=" + autoscaling.orElse(null) + ", timeout=" + timeout.orElse(null)
                + ", callTimeout=" + callTimeout.orElse(null) + "}";
    }
}
