package dev.mldeploy.lambda.internal;

import dev.mldeploy.Architecture;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.CandidateEvaluation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;

/**
 * What one function runs with, resolved from the target's configuration, placement's choice and the spec, in that
 * order, as SageMaker's deployment plan does: a value the configuration sets wins, placement's candidate
 * ({@link dev.mldeploy.spi.DeployContext#candidate()}) fills what it leaves unset (memory, timeout, ephemeral
 * storage, architecture, runtime, provisioned concurrency when the configuration has none, and the packaging), and
 * the spec's resources fill the rest. The spec's environment and tags win over the configuration's on a clash.
 * Immutable.
 *
 * @param functionName         the function's name (the model's name)
 * @param runtime              {@code python3.N}
 * @param architecture         the CPU architecture
 * @param memoryMb             memory
 * @param timeoutSeconds       the function timeout
 * @param ephemeralStorageMb   /tmp size
 * @param environment          environment variables
 * @param imageUri             the container image, or null for a zip
 * @param provisionedConcurrency provisioned concurrency on the alias, 0 for none
 * @param reservedConcurrency  reserved concurrency, or null for none
 * @param vpc                  VPC settings, or null
 * @param userTags             the spec's and the configuration's tags
 * @param buildImage           whether mldeploy builds and pushes the image ({@link FunctionImagePusher}); its
 *                             {@code imageUri} is null until the push, then the image by digest
 */
public record FunctionSettings(String functionName, String runtime, Architecture architecture, int memoryMb,
                               int timeoutSeconds, int ephemeralStorageMb, Map<String, String> environment,
                               String imageUri, int provisionedConcurrency, Integer reservedConcurrency,
                               LambdaSettings.Vpc vpc, Map<String, String> userTags, boolean buildImage) {
    private static final Pattern RUNTIME = Pattern.compile("^python3\\.(\\d{1,2})$");

    public FunctionSettings {
        Objects.requireNonNull(functionName, "functionName");
        environment = java.util.Collections.unmodifiableMap(new TreeMap<>(environment));
        userTags = java.util.Collections.unmodifiableMap(new TreeMap<>(userTags));
    }

    /** Settings of a zip function or of a given image (nothing built). */
    public FunctionSettings(String functionName, String runtime, Architecture architecture, int memoryMb,
                            int timeoutSeconds, int ephemeralStorageMb, Map<String, String> environment,
                            String imageUri, int provisionedConcurrency, Integer reservedConcurrency,
                            LambdaSettings.Vpc vpc, Map<String, String> userTags) {
        this(functionName, runtime, architecture, memoryMb, timeoutSeconds, ephemeralStorageMb, environment,
                imageUri, provisionedConcurrency, reservedConcurrency, vpc, userTags, false);
    }

    /** These settings with the image mldeploy built and pushed ({@code <repository>@sha256:...}). */
    public FunctionSettings withImageUri(String pushed) {
        return new FunctionSettings(functionName, runtime, architecture, memoryMb, timeoutSeconds,
                ephemeralStorageMb, environment, Objects.requireNonNull(pushed, "pushed"), provisionedConcurrency,
                reservedConcurrency, vpc, userTags, buildImage);
    }

    /** {@link #resolve(ModelSpec, LambdaSettings, Optional)} for a deploy without placement. */
    public static FunctionSettings resolve(ModelSpec spec, LambdaSettings config) {
        return resolve(spec, config, Optional.empty());
    }

    /**
     * Resolves and checks the settings for {@code spec}, taking what {@code candidate} chose where the configuration
     * sets nothing (a candidate of another target is ignored); throws before any AWS call when they cannot work.
     *
     * @throws InvalidSpecException          the spec (or placement's reading of it) breaks a Lambda limit, or
     *                                       placement chose a container image and the target has none to deploy
     * @throws InvalidConfigurationException placement's provisioned concurrency is over the target's reservation
     */
    public static FunctionSettings resolve(ModelSpec spec, LambdaSettings config,
                                           Optional<CandidateEvaluation> candidate) {
        dev.mldeploy.placement.LambdaLimits.nameProblem(spec.name()).ifPresent(problem -> {
            throw new InvalidSpecException("the lambda target cannot deploy model '" + spec.name() + "': " + problem);
        });
        if (spec.resources().gpu()) {
            throw new InvalidSpecException("model '" + spec.name() + "' needs a GPU and Lambda has none; deploy it to "
                    + "SageMaker (--target sagemaker)");
        }
        PlacedSettings placed = PlacedSettings.of(candidate);
        String runtime = Optional.ofNullable(config.runtime()).or(placed::runtime).orElse("python" + spec.pythonVersion());
        var m = RUNTIME.matcher(runtime);
        int minor = m.matches() ? Integer.parseInt(m.group(1)) : -1;
        if (minor < LambdaLimits.MIN_PYTHON_MINOR || minor > LambdaLimits.MAX_PYTHON_MINOR) {
            throw new InvalidSpecException("model '" + spec.name() + "' asks for Python " + spec.pythonVersion()
                    + "; Lambda runs python3." + LambdaLimits.MIN_PYTHON_MINOR + " to python3."
                    + LambdaLimits.MAX_PYTHON_MINOR + " (set the spec's Python version or MLDEPLOY_LAMBDA_RUNTIME)");
        }
        int memory = first(config.memoryMb(), placed.memoryMb()).orElse(spec.resources().memoryMb());
        LambdaLimits.checkMemory(memory, InvalidSpecException::new);
        Duration timeout = Optional.ofNullable(config.functionTimeout()).or(placed::timeout).orElse(spec.resources().maxInferenceTime());
        long seconds = (timeout.toMillis() + 999) / 1000;
        LambdaLimits.checkTimeout(Duration.ofSeconds(seconds), InvalidSpecException::new);
        int ephemeral = first(config.ephemeralStorageMb(), placed.ephemeralStorageMb())
                .orElse(Math.max(LambdaLimits.MIN_EPHEMERAL_MB, spec.resources().ephemeralStorageMb()));
        LambdaLimits.checkEphemeral(ephemeral, InvalidSpecException::new);
        String imageUri = config.imageUri();
        Boolean asked = config.image().image();
        if (imageUri == null && placed.image() && Boolean.FALSE.equals(asked)) {
            // as for a zip over the limit without placement (LambdaPackager): the model does not fit a zip
            throw new InvalidSpecException("placement chose " + placed.candidate().orElse("lambda:image") + " for '"
                    + spec.name() + "' (its package does not fit a .zip) but the lambda target is set to package a "
                    + "zip; let mldeploy build the container image (--package image, "
                    + "LambdaTarget.builder().packageType(PackageType.IMAGE)), give your own "
                    + "(LambdaTarget.builder().imageUri(...)), or deploy to SageMaker (--target sagemaker)");
        }
        boolean build = imageUri == null && (Boolean.TRUE.equals(asked) || asked == null && placed.image());
        if (build) {
            FunctionImagePusher.repository(spec.name()); // ECR's naming rules, before any call
        }
        int provisioned = config.provisionedConcurrency() > 0 ? config.provisionedConcurrency()
                : placed.provisionedConcurrency().orElse(0);
        if (config.reservedConcurrency() != null && provisioned > config.reservedConcurrency()) {
            throw new InvalidConfigurationException("placement priced provisioned concurrency " + provisioned
                    + " for '" + spec.name() + "', over the lambda target's reserved concurrency "
                    + config.reservedConcurrency() + "; raise the reservation or lower "
                    + "--provisioned-concurrency");
        }
        Map<String, String> env = new TreeMap<>(config.environment());
        env.putAll(spec.environment());
        AwsRules.checkEnvironment(env, spec.name(), InvalidSpecException::new);
        Map<String, String> tags = new TreeMap<>(config.tags());
        tags.putAll(spec.tags());
        tags.keySet().forEach(k -> {
            if (k.startsWith("mldeploy:")) {
                throw new InvalidSpecException("tag key '" + k + "' of model '" + spec.name() + "' uses the prefix "
                        + "mldeploy:, which mldeploy keeps for its own tags; rename it");
            }
        });
        AwsRules.checkTags(tags, "model '" + spec.name() + "'", InvalidSpecException::new);
        Architecture architecture = Optional.ofNullable(config.architecture()).or(placed::architecture)
                .orElse(spec.resources().architecture());
        return new FunctionSettings(spec.name(), runtime, architecture, memory, (int) seconds, ephemeral, env,
                imageUri, provisioned,
                config.reservedConcurrency(),
                config.vpc(), tags, build);
    }

    /** {@code a} (the target's setting, null when not given), else {@code b} (placement's). */
    private static OptionalInt first(Integer a, OptionalInt b) {
        return a != null ? OptionalInt.of(a) : b;
    }

    /** Whether the function is a container image (given, or built by mldeploy). */
    public boolean isImage() {
        return imageUri != null || buildImage;
    }

    /** The settings that go into the spec fingerprint (besides what the spec holds). */
    public Map<String, String> fingerprintParts(String roleMode) {
        Map<String, String> parts = new TreeMap<>();
        parts.put("runtime", runtime);
        parts.put("architecture", architecture.awsName());
        parts.put("memoryMb", Integer.toString(memoryMb));
        parts.put("timeoutSeconds", Integer.toString(timeoutSeconds));
        parts.put("ephemeralStorageMb", Integer.toString(ephemeralStorageMb));
        environment.forEach((k, v) -> parts.put("env." + k, v));
        userTags.forEach((k, v) -> parts.put("tag." + k, v));
        parts.put("image", imageUri == null ? "" : imageUri);
        if (buildImage) {
            parts.put("imageBuild", "true"); // only when set, so zips keep their hashes; the digest follows the push
        }
        parts.put("provisioned", Integer.toString(provisionedConcurrency));
        parts.put("reserved", reservedConcurrency == null ? "" : reservedConcurrency.toString());
        parts.put("vpc", vpc == null ? "" : vpc.subnetIds() + "/" + vpc.securityGroupIds());
        parts.put("role", roleMode);
        return parts;
    }

    /**
     * The configuration fields of {@code current} that differ from these settings (names, for messages); empty when
     * UpdateFunctionConfiguration is not needed.
     */
    public List<String> configurationDifferences(FunctionConfiguration current, String roleArn) {
        List<String> diff = new ArrayList<>();
        if (!Objects.equals(roleArn, current.role())) {
            diff.add("role");
        }
        if (!isImage()) {
            if (!Objects.equals(runtime, current.runtimeAsString())) {
                diff.add("runtime");
            }
            if (!Objects.equals(LambdaPackager.HANDLER, current.handler())) {
                diff.add("handler");
            }
        }
        if (!Objects.equals(memoryMb, current.memorySize())) {
            diff.add("memory");
        }
        if (!Objects.equals(timeoutSeconds, current.timeout())) {
            diff.add("timeout");
        }
        Integer currentEphemeral = current.ephemeralStorage() == null ? null : current.ephemeralStorage().size();
        if (currentEphemeral != null && currentEphemeral != ephemeralStorageMb) {
            diff.add("ephemeral storage");
        }
        Map<String, String> currentEnv = current.environment() == null || current.environment().variables() == null
                ? Map.of() : current.environment().variables();
        if (!environment.equals(new TreeMap<>(currentEnv))) {
            diff.add("environment");
        }
        List<String> subnets = current.vpcConfig() == null ? List.of() : current.vpcConfig().subnetIds();
        List<String> groups = current.vpcConfig() == null ? List.of() : current.vpcConfig().securityGroupIds();
        List<String> wantSubnets = vpc == null ? List.of() : vpc.subnetIds();
        List<String> wantGroups = vpc == null ? List.of() : vpc.securityGroupIds();
        if (!new java.util.HashSet<>(subnets).equals(new java.util.HashSet<>(wantSubnets))
                || !new java.util.HashSet<>(groups).equals(new java.util.HashSet<>(wantGroups))) {
            diff.add("vpc");
        }
        return diff;
    }

    /**
     * What differs between these settings and a version Lambda published (names, for messages; "code" first when
     * {@code codeSha256} is given and differs). A field the answer leaves out is not compared.
     */
    public List<String> publishedDifferences(software.amazon.awssdk.services.lambda.model.PublishVersionResponse v,
                                             String roleArn, String codeSha256) {
        FunctionConfiguration published = FunctionConfiguration.builder()
                .role(v.role() != null ? v.role() : roleArn)
                .runtime(v.runtimeAsString() != null ? v.runtimeAsString() : runtime)
                .handler(v.handler() != null ? v.handler() : LambdaPackager.HANDLER)
                .memorySize(v.memorySize() != null ? v.memorySize() : memoryMb)
                .timeout(v.timeout() != null ? v.timeout() : timeoutSeconds)
                .ephemeralStorage(v.ephemeralStorage())
                .environment(v.environment() != null ? v.environment()
                        : software.amazon.awssdk.services.lambda.model.EnvironmentResponse.builder()
                        .variables(environment).build())
                .vpcConfig(v.vpcConfig() != null ? v.vpcConfig() : vpc == null ? null
                        : software.amazon.awssdk.services.lambda.model.VpcConfigResponse.builder()
                        .subnetIds(vpc.subnetIds()).securityGroupIds(vpc.securityGroupIds()).build())
                .build();
        List<String> diff = new ArrayList<>(configurationDifferences(published, roleArn));
        if (codeSha256 != null && v.codeSha256() != null && !codeSha256.equals(v.codeSha256())) {
            diff.add(0, "code");
        }
        return diff;
    }

    /** Whether the function's architecture differs (changed only with its code). */
    public boolean architectureDiffers(FunctionConfiguration current) {
        List<String> archs = current.architecturesAsStrings();
        String now = archs == null || archs.isEmpty() ? Architecture.X86_64.awsName() : archs.get(0);
        return !architecture.awsName().equals(now);
    }
}
