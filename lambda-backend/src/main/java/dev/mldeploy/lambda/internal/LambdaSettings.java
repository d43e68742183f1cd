package dev.mldeploy.lambda.internal;

import dev.mldeploy.Architecture;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.aws.AwsNames;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Every setting of the {@code lambda} target the internals read, checked once here when the public builder builds,
 * before any AWS call. The components mirror the public {@code LambdaTarget}'s getters, so the internals read the
 * same names the user set. A null component is a setting not given (region, credentials, the three clients,
 * endpoint, role, runtime, architecture, memory, function timeout, ephemeral storage, bucket, image, reserved
 * concurrency, VPC, operation timeout, call timeout, and {@code python}, the interpreter whose pip resolves the
 * dependency layer); the others are never null ({@code pipEnvironment} holds the {@code PIP_*} variables added to
 * that pip's environment; {@code home} is the mldeploy home, whose {@code resolutions} directory caches the layers'
 * resolved dependencies; {@code image} how a container image mldeploy builds is made, {@link ImageSettings#DEFAULT}
 * when not set; {@code monitoring} the caller's CloudWatch and Logs clients, {@link dev.mldeploy.aws.MonitoringClients#NONE}
 * when none). Immutable.
 */
public record LambdaSettings(String region, AwsCredentialsProvider credentialsProvider,
                             LambdaClient lambdaClient, S3Client s3Client,
                             IamClient iamClient, URI endpointOverride, String roleArn,
                             boolean createRole, String runtime, Architecture architecture,
                             Integer memoryMb, Duration functionTimeout, Integer ephemeralStorageMb,
                             Map<String, String> environment, String bucket, boolean createBucket,
                             String imageUri, int provisionedConcurrency, Integer reservedConcurrency,
                             Vpc vpc, Map<String, String> tags, Duration pollInterval,
                             Duration operationTimeout, Duration rolePropagationTimeout,
                             Duration callTimeout, boolean keepPackagesOnUndeploy,
                             long directUploadLimitBytes, String python,
                             Map<String, String> pipEnvironment, java.nio.file.Path home, ImageSettings image,
                             dev.mldeploy.aws.MonitoringClients monitoring) {
    /** The target's name. */
    public static final String NAME = "lambda";
    /** The alias every deployment is invoked through. */
    public static final String ALIAS = "live";
    /** Default bound on a describe or list (their SPI calls take no deadline). */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofMinutes(2);
    /** Added to the function's own timeout to bound an invocation when no call timeout is set. */
    public static final Duration INVOKE_MARGIN = Duration.ofSeconds(30);

    private static final Pattern RUNTIME = Pattern.compile("^python3\\.(\\d{1,2})$");
    private static final Pattern IMAGE_URI = Pattern.compile(
            "^\\d{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/"
                    + "[a-z0-9._/-]+(:[\\w.-]{1,128}|@sha256:[0-9a-f]{64})$");

    /**
     * The function's VPC, as the public configuration's VPC record gave it (already checked there). Immutable.
     *
     * @param subnetIds        subnets
     * @param securityGroupIds security groups
     */
    public record Vpc(List<String> subnetIds, List<String> securityGroupIds) {
        public Vpc {
            subnetIds = List.copyOf(subnetIds);
            securityGroupIds = List.copyOf(securityGroupIds);
        }
    }

    /**
     * Copies the maps and throws {@link InvalidConfigurationException} naming what to change when a value cannot
     * work.
     */
    public LambdaSettings {
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(rolePropagationTimeout, "rolePropagationTimeout");
        Objects.requireNonNull(home, "home");
        environment = Collections.unmodifiableMap(new TreeMap<>(environment));
        tags = Collections.unmodifiableMap(new TreeMap<>(tags));
        pipEnvironment = Collections.unmodifiableMap(new TreeMap<>(pipEnvironment));
        image = image == null ? ImageSettings.DEFAULT : image;
        monitoring = monitoring == null ? dev.mldeploy.aws.MonitoringClients.NONE : monitoring;
        if (imageUri != null && (image.image() != null || image.baseImage() != null)) {
            throw new InvalidConfigurationException("a container image URI (" + imageUri + ") is given, so mldeploy "
                    + "builds nothing: drop the package type and base image (--package, --base-image), or drop "
                    + "imageUri(...) to let mldeploy build the image");
        }
        check(roleArn, createRole, runtime, memoryMb, functionTimeout,
                ephemeralStorageMb, provisionedConcurrency, reservedConcurrency, imageUri,
                directUploadLimitBytes, bucket, environment, tags);
        pipEnvironment.keySet().forEach(k -> {
            if (!k.startsWith("PIP_")) {
                throw new InvalidConfigurationException("pip environment variable '" + k + "' is not one of pip's "
                        + "(PIP_INDEX_URL, PIP_FIND_LINKS, PIP_NO_INDEX, ...); only PIP_* keys are passed to pip");
            }
        });
        if (python != null && python.isBlank()) {
            throw new InvalidConfigurationException("the Python interpreter for resolving dependencies is blank; "
                    + "name one (--python, MLDEPLOY_PYTHON, LambdaTarget.builder().python(...)) or leave it unset "
                    + "for python3");
        }
    }

    private static void check(String roleArn, boolean createRole, String runtime, Integer memoryMb,
                              Duration functionTimeout, Integer ephemeralStorageMb, int provisionedConcurrency,
                              Integer reservedConcurrency, String imageUri, long directUploadLimitBytes, String bucket,
                              Map<String, String> environment, Map<String, String> tags) {
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

    /** Where resolved dependency layers are cached: {@code <home>/resolutions}. */
    public java.nio.file.Path resolutionCache() {
        return home.resolve("resolutions");
    }

    /** Leaves out clients and credentials: they are the caller's, and a credentials provider may print secrets. */
    @Override
    public String toString() {
        return "LambdaSettings{region=" + region + ", endpoint=" + endpointOverride
                + ", roleArn=" + roleArn + ", createRole=" + createRole + ", runtime="
                + runtime + ", bucket=" + bucket + ", imageUri=" + imageUri
                + ", provisionedConcurrency=" + provisionedConcurrency + ", image=" + image + "}";
    }
}
