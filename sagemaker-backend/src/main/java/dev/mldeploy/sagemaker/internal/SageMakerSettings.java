package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.aws.AwsNames;
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
 * the public target's builder makes it: before anything is called. A null component is a setting not given
 * (region, credentials, the four clients, endpoint and client override, role, bucket, image, instance type,
 * serverless, data capture, KMS key, VPC, timeout, call timeout, autoscaling); the others are never null. The
 * nested values are the internals' own copies of the public settings records, so nothing here reads the public
 * package. A null {@code framework} and {@code frameworkVersion} (the prebuilt image's) are not given either; a null
 * {@code imageBuild} is {@link ImageBuild#NONE}, a null {@code monitoring} (the caller's CloudWatch and Logs clients)
 * {@link dev.mldeploy.aws.MonitoringClients#NONE}.
 * Not API.
 */
public record SageMakerSettings(String region, AwsCredentialsProvider credentialsProvider,
        SageMakerClient sageMakerClient, SageMakerRuntimeClient runtimeClient,
        S3Client s3Client, ApplicationAutoScalingClient autoScalingClient,
        URI endpointOverride, Consumer<ClientOverrideConfiguration.Builder> clientOverride,
        String roleArn, String bucket, String prefix, boolean createBucket,
        String image, String instanceType, int instanceCount,
        Serverless serverless, List<Variant> variants,
        DataCapture dataCapture, String kmsKeyId, Vpc vpc,
        Map<String, String> tags, Duration pollInterval, Duration timeout, Duration callTimeout,
        Autoscaling autoscaling, boolean keepArtifactsOnUndeploy, boolean uncompressedArtifacts,
        int compressionLevel, String framework, String frameworkVersion, ImageBuild imageBuild,
        dev.mldeploy.aws.MonitoringClients monitoring) {
    /** The target's name. */
    public static final String NAME = "sagemaker";
    public static final String DEFAULT_INSTANCE_TYPE = "ml.m5.large";
    static final String ROLE_ARN_FORM = AwsNames.ROLE_ARN_FORM;
    /** Characters safe in S3 keys and in SageMaker tag values (the prefix goes into mldeploy's artifacts tag). */
    private static final Pattern PREFIX = Pattern.compile("^[a-zA-Z0-9_.=+@/-]*$");

    /**
     * Serverless inference (the internals' copy of the public {@code ServerlessSettings}, checked the same way).
     *
     * @param memoryMb       memory, 1024 to 6144 MB in 1024 MB steps
     * @param maxConcurrency concurrent invocations, 1 to 200
     */
    public record Serverless(int memoryMb, int maxConcurrency) {
        public static final int MIN_MEMORY_MB = 1024;
        public static final int MAX_MEMORY_MB = 6144;
        public static final int MAX_CONCURRENCY = 200;
        public static final int DEFAULT_MAX_CONCURRENCY = 5;

        public Serverless {
            if (memoryMb < MIN_MEMORY_MB || memoryMb > MAX_MEMORY_MB || memoryMb % 1024 != 0) {
                throw new InvalidConfigurationException("serverless memory " + memoryMb + " MB is invalid; use one "
                        + "of 1024, 2048, 3072, 4096, 5120 or 6144 MB");
            }
            if (maxConcurrency < 1 || maxConcurrency > MAX_CONCURRENCY) {
                throw new InvalidConfigurationException("serverless max concurrency " + maxConcurrency
                        + " is invalid; use 1 to " + MAX_CONCURRENCY);
            }
        }
    }

    /**
     * One production variant (the internals' copy of the public {@code VariantSettings}, checked the same way).
     *
     * @param name          the variant's name (letters, digits and hyphens, at most 63 characters)
     * @param weight        its share of traffic relative to the other variants' weights (positive)
     * @param instanceType  its instance type, or null to use the target's
     * @param instanceCount its instance count (at least 1), or 0 to use the target's
     */
    public record Variant(String name, double weight, String instanceType, int instanceCount) {
        private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$");

        public Variant {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new InvalidConfigurationException("variant name '" + name + "' is invalid; use 1 to 63 "
                        + "letters, digits and hyphens, starting and ending with a letter or digit");
            }
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new InvalidConfigurationException("variant '" + name + "' has weight " + weight
                        + "; give a positive weight (traffic is split by the ratio of the weights)");
            }
            if (instanceType != null && !instanceType.startsWith("ml.")) {
                throw new InvalidConfigurationException("variant '" + name + "' has instance type '"
                        + instanceType + "'; SageMaker instance types start with 'ml.' (for example ml.m5.large)");
            }
            if (instanceCount < 0) {
                throw new InvalidConfigurationException("variant '" + name + "' has instance count "
                        + instanceCount + "; give at least 1 (or 0 to use the target's)");
            }
        }
    }

    /**
     * Data capture to S3 (the internals' copy of the public {@code DataCaptureSettings}, checked the same way).
     *
     * @param destinationS3Uri   where captures go ({@code s3://bucket/prefix})
     * @param samplingPercentage the percentage of requests captured, 1 to 100
     */
    public record DataCapture(String destinationS3Uri, int samplingPercentage) {
        public DataCapture {
            Objects.requireNonNull(destinationS3Uri, "destinationS3Uri");
            if (!destinationS3Uri.startsWith("s3://") || destinationS3Uri.length() <= "s3://".length()) {
                throw new InvalidConfigurationException("data capture destination '" + destinationS3Uri
                        + "' is not an S3 URI; give s3://bucket/prefix");
            }
            if (samplingPercentage < 1 || samplingPercentage > 100) {
                throw new InvalidConfigurationException("data capture sampling " + samplingPercentage
                        + "% is invalid; use 1 to 100");
            }
        }
    }

    /**
     * The model's VPC (the internals' copy of the public {@code VpcSettings}, checked the same way).
     *
     * @param subnetIds        the subnets (1 to 16)
     * @param securityGroupIds the security groups (1 to 5)
     */
    public record Vpc(List<String> subnetIds, List<String> securityGroupIds) {
        public Vpc {
            subnetIds = List.copyOf(Objects.requireNonNull(subnetIds, "subnetIds"));
            securityGroupIds = List.copyOf(Objects.requireNonNull(securityGroupIds, "securityGroupIds"));
            if (subnetIds.isEmpty() || subnetIds.size() > 16) {
                throw new InvalidConfigurationException("VPC config has " + subnetIds.size()
                        + " subnets; give 1 to 16 subnet ids");
            }
            if (securityGroupIds.isEmpty() || securityGroupIds.size() > 5) {
                throw new InvalidConfigurationException("VPC config has " + securityGroupIds.size()
                        + " security groups; give 1 to 5 security group ids");
            }
        }
    }

    /**
     * Instance autoscaling (the internals' copy of the public {@code AutoscalingSettings}, checked the same way).
     *
     * @param minInstances                 fewest instances per variant (at least 1)
     * @param maxInstances                 most instances per variant (at least {@code minInstances})
     * @param targetInvocationsPerInstance invocations per instance per minute the policy keeps the variant at
     */
    public record Autoscaling(int minInstances, int maxInstances, double targetInvocationsPerInstance) {
        public Autoscaling {
            if (minInstances < 1) {
                throw new InvalidConfigurationException("autoscaling min instances " + minInstances
                        + " is invalid; a real-time variant needs at least 1");
            }
            if (maxInstances < minInstances) {
                throw new InvalidConfigurationException("autoscaling max instances " + maxInstances
                        + " is below min instances " + minInstances + "; give max >= min");
            }
            if (!(targetInvocationsPerInstance > 0) || Double.isInfinite(targetInvocationsPerInstance)) {
                throw new InvalidConfigurationException("autoscaling target " + targetInvocationsPerInstance
                        + " invocations per instance is invalid; give a positive number (per minute)");
            }
        }
    }

    /** Throws {@link InvalidConfigurationException} naming the first problem and how to fix it. */
    public SageMakerSettings {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(pollInterval, "pollInterval");
        variants = List.copyOf(variants);
        tags = Collections.unmodifiableMap(new TreeMap<>(tags));
        imageBuild = imageBuild == null ? ImageBuild.NONE : imageBuild;
        monitoring = monitoring == null ? dev.mldeploy.aws.MonitoringClients.NONE : monitoring;
        if (roleArn != null) {
            checkRoleArn(roleArn);
        }
        if (bucket != null) {
            checkBucket(bucket);
        }
        if (prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("//")
                || prefix.length() > Limits.MAX_ARTIFACT_PREFIX || !PREFIX.matcher(prefix).matches()) {
            throw new InvalidConfigurationException("artifact prefix '" + prefix + "' is invalid; use at most "
                    + Limits.MAX_ARTIFACT_PREFIX + " letters, digits and / . _ - = + @ without a leading, trailing "
                    + "or doubled slash");
        }
        if (image != null && (image.isBlank() || image.chars().anyMatch(Character::isWhitespace))) {
            throw new InvalidConfigurationException("container image '" + image + "' is invalid; give an image URI "
                    + "such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/mldeploy-serve:latest");
        }
        if (instanceType != null && !instanceType.startsWith("ml.")) {
            throw new InvalidConfigurationException("instance type '" + instanceType + "' is invalid; SageMaker "
                    + "instance types start with 'ml.' (for example ml.m5.large)");
        }
        if (instanceCount < 0) {
            throw new InvalidConfigurationException("instance count " + instanceCount + " is invalid; give at "
                    + "least 1");
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new InvalidConfigurationException("poll interval must be positive, was " + pollInterval);
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new InvalidConfigurationException("timeout must be positive, was " + timeout);
        }
        if (callTimeout != null && (callTimeout.isNegative() || callTimeout.isZero())) {
            throw new InvalidConfigurationException("call timeout must be positive, was " + callTimeout);
        }
        if (compressionLevel < 0 || compressionLevel > 9) {
            throw new InvalidConfigurationException("compression level " + compressionLevel
                    + " is invalid; use 0 (store) to 9 (smallest)");
        }
        Set<String> names = new HashSet<>();
        for (Variant v : variants) {
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
        if (kmsKeyId != null) {
            if (instanceType != null) {
                checkKmsInstanceType(instanceType);
            }
            variants.forEach(v -> checkKmsInstanceType(v.instanceType()));
        }
        if (autoscaling != null && instanceCount > 0
                && (instanceCount < autoscaling.minInstances()
                || instanceCount > autoscaling.maxInstances())) {
            throw new InvalidConfigurationException("instance count " + instanceCount + " is outside the "
                    + "autoscaling range " + autoscaling.minInstances() + ".."
                    + autoscaling.maxInstances() + "; make them agree");
        }
        checkFramework(image != null, framework, frameworkVersion);
        if ("build".equals(image)) {
            throw new InvalidConfigurationException("container image 'build' is not an image URI; to let mldeploy "
                    + "build the serving image, use SageMakerTarget.builder().buildImage(true) (the CLI's --image "
                    + "build does)");
        }
        if (!imageBuild.build() && imageBuild.baseImage() != null) {
            throw new InvalidConfigurationException("a base image (" + imageBuild.baseImage() + ") is only used "
                    + "when mldeploy builds the serving image; add --image build (SageMakerTarget.builder()"
                    + ".buildImage(true)) or drop --base-image");
        }
        if (imageBuild.build() && (image != null || framework != null
                || frameworkVersion != null)) {
            throw new InvalidConfigurationException("the serving image is to be built by mldeploy (--image build), "
                    + "so " + (image != null ? "an image URI (" + image + ")" : "a prebuilt framework")
                    + " cannot be given as well; drop one");
        }
        if (serverless != null) {
            checkServerless(instanceType, instanceCount, variants, dataCapture, vpc, autoscaling,
                    uncompressedArtifacts);
        }
    }

    private static void checkServerless(String instanceType, int instanceCount,
            List<Variant> variants, DataCapture dataCapture, Vpc vpc,
            Autoscaling autoscaling, boolean uncompressedArtifacts) {
        String why = null;
        if (instanceType != null || instanceCount > 0) {
            why = "an instance type or count (serverless endpoints have no instances)";
        } else if (!variants.isEmpty()) {
            why = "production variants (serverless endpoints serve one variant)";
        } else if (dataCapture != null) {
            why = "data capture (not supported on serverless endpoints)";
        } else if (vpc != null) {
            why = "a VPC config (not supported on serverless endpoints)";
        } else if (autoscaling != null) {
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

    /** These settings with the execution role {@code arn} (the one mldeploy created, or a placeholder). */
    public SageMakerSettings withRoleArn(String arn) {
        return new SageMakerSettings(region, credentialsProvider, sageMakerClient, runtimeClient, s3Client,
                autoScalingClient, endpointOverride, clientOverride, arn, bucket, prefix, createBucket, image,
                instanceType, instanceCount, serverless, variants, dataCapture, kmsKeyId, vpc, tags, pollInterval,
                timeout, callTimeout, autoscaling, keepArtifactsOnUndeploy, uncompressedArtifacts, compressionLevel,
                framework, frameworkVersion, imageBuild, monitoring);
    }

    /** Names no client, credentials or override (they may print secrets). */
    @Override
    public String toString() {
        return "{region=" + region + ", endpointOverride=" + endpointOverride
                + ", roleArn=" + roleArn + ", bucket=" + bucket + ", prefix=" + prefix
                + ", image=" + image + ", framework=" + framework + ", frameworkVersion=" + frameworkVersion
                + ", instanceType=" + instanceType
                + ", instanceCount=" + instanceCount + ", serverless=" + serverless + ", variants="
                + variants + ", autoscaling=" + autoscaling + ", timeout=" + timeout
                + ", callTimeout=" + callTimeout + ", imageBuild=" + imageBuild + "}";
    }
}
