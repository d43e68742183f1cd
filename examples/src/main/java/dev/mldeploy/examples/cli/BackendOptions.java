package dev.mldeploy.examples.cli;

import dev.mldeploy.aws.AwsEnvironment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The backend options of {@code deploy}, mapped onto the environment keys the ServiceLoader-found providers read
 * (the CLI knows no backend class). Each option wins over the same key in the process environment.
 */
final class BackendOptions {
    // every AWS backend
    @Option(names = "--role-arn", paramLabel = "ARN", description = "[sagemaker, lambda] Execution role "
            + "(MLDEPLOY_ROLE_ARN).")
    String roleArn;
    @Option(names = "--bucket", paramLabel = "BUCKET", description = "[sagemaker, lambda] S3 bucket for artifacts "
            + "(MLDEPLOY_BUCKET).")
    String bucket;
    @Option(names = "--create-bucket", description = "[sagemaker, lambda] Create the bucket if it is missing "
            + "(MLDEPLOY_CREATE_BUCKET).")
    boolean createBucket;

    // sagemaker
    @Option(names = "--image", paramLabel = "URI|build", description = "[sagemaker] Your own container image "
            + "URI, or build: mldeploy builds the serving image without Docker, pushes it to ECR and runs it by "
            + "digest (MLDEPLOY_IMAGE); without it the model runs on AWS's prebuilt framework image (--framework).")
    String image;
    @Option(names = "--framework", paramLabel = "sklearn|pytorch|xgboost", description = "[sagemaker] AWS's prebuilt "
            + "serving image to run on when no --image is given; default sklearn for CPU models, pytorch for GPU "
            + "(MLDEPLOY_SAGEMAKER_FRAMEWORK).")
    String framework;
    @Option(names = "--framework-version", paramLabel = "VERSION", description = "[sagemaker] The prebuilt image's "
            + "framework version, e.g. 1.2-1 or 2.6; default the newest mldeploy knows "
            + "(MLDEPLOY_SAGEMAKER_FRAMEWORK_VERSION).")
    String frameworkVersion;
    @Option(names = "--instance-type", paramLabel = "TYPE", description = "[sagemaker] Instance type, e.g. "
            + "ml.m5.large (MLDEPLOY_SAGEMAKER_INSTANCE_TYPE).")
    String instanceType;
    @Option(names = "--instance-count", paramLabel = "N", description = "[sagemaker] Instance count "
            + "(MLDEPLOY_SAGEMAKER_INSTANCE_COUNT).")
    Integer instanceCount;
    @Option(names = "--serverless-memory-mb", paramLabel = "MB", description = "[sagemaker] Serverless inference "
            + "with this much memory (MLDEPLOY_SAGEMAKER_SERVERLESS_MEMORY_MB).")
    Integer serverlessMemoryMb;

    @Option(names = "--create-role", description = "[sagemaker, lambda] Create the execution role with only what the "
            + "deployment needs (Lambda: basic execution; SageMaker: its artifacts, log group and image), removed on "
            + "undeploy (MLDEPLOY_LAMBDA_CREATE_ROLE, MLDEPLOY_SAGEMAKER_CREATE_ROLE).")
    boolean createRole;

    // lambda
    @Option(names = "--provisioned-concurrency", paramLabel = "N", description = "[lambda] Provisioned concurrency "
            + "on the alias (MLDEPLOY_LAMBDA_PROVISIONED_CONCURRENCY).")
    Integer provisionedConcurrency;
    @Option(names = "--runtime", paramLabel = "RUNTIME", description = "[lambda] Python runtime, default python3.12 "
            + "(MLDEPLOY_LAMBDA_RUNTIME).")
    String runtime;

    // local
    @Option(names = "--contract", paramLabel = "sagemaker|lambda", description = "[local] Serve the model through "
            + "the SageMaker serving adapter (default) or the Lambda handler (MLDEPLOY_LOCAL_CONTRACT).")
    String contract;
    @Option(names = "--interpreter", paramLabel = "PATH", description = "[local] The Python executable that runs "
            + "the model, e.g. /usr/bin/python3 (MLDEPLOY_PYTHON; --python is the model's Python version).")
    String interpreter;
    @Option(names = "--interpreter-packages", description = "[local] Run the model with the Python interpreter's own "
            + "packages instead of a virtual environment built from its requirements.txt "
            + "(MLDEPLOY_LOCAL_INTERPRETER_PACKAGES).")
    boolean interpreterPackages;
    @Option(names = "--workers", paramLabel = "N", description = "[local] Worker processes of the SageMaker-contract "
            + "server, default the CPUs this process may use (MLDEPLOY_LOCAL_WORKERS).")
    Integer workers;

    /** The targets each backend option is for; a target mldeploy does not know (a third party's) gets them all. */
    private static final Map<String, Set<String>> USED_BY = Map.ofEntries(
            Map.entry("--role-arn", Set.of("sagemaker", "lambda")),
            Map.entry("--bucket", Set.of("sagemaker", "lambda")),
            Map.entry("--create-bucket", Set.of("sagemaker", "lambda")),
            Map.entry("--image", Set.of("sagemaker")),
            Map.entry("--framework", Set.of("sagemaker")),
            Map.entry("--framework-version", Set.of("sagemaker")),
            Map.entry("--instance-type", Set.of("sagemaker")),
            Map.entry("--instance-count", Set.of("sagemaker")),
            Map.entry("--serverless-memory-mb", Set.of("sagemaker")),
            Map.entry("--create-role", Set.of("sagemaker", "lambda")),
            Map.entry("--provisioned-concurrency", Set.of("lambda")),
            Map.entry("--runtime", Set.of("lambda")),
            Map.entry("--contract", Set.of("local")),
            Map.entry("--interpreter", Set.of("local")),
            Map.entry("--interpreter-packages", Set.of("local")),
            Map.entry("--workers", Set.of("local")));
    private static final Set<String> KNOWN_TARGETS = Set.of("sagemaker", "lambda", "local");

    /** The options given, in declaration order. */
    List<String> given() {
        Map<String, Boolean> set = new LinkedHashMap<>();
        set.put("--role-arn", roleArn != null);
        set.put("--bucket", bucket != null);
        set.put("--create-bucket", createBucket);
        set.put("--image", image != null);
        set.put("--framework", framework != null);
        set.put("--framework-version", frameworkVersion != null);
        set.put("--instance-type", instanceType != null);
        set.put("--instance-count", instanceCount != null);
        set.put("--serverless-memory-mb", serverlessMemoryMb != null);
        set.put("--create-role", createRole);
        set.put("--provisioned-concurrency", provisionedConcurrency != null);
        set.put("--runtime", runtime != null);
        set.put("--contract", contract != null);
        set.put("--interpreter", interpreter != null);
        set.put("--interpreter-packages", interpreterPackages);
        set.put("--workers", workers != null);
        return set.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
    }

    /**
     * Refuses options {@code target} does not use (a silently ignored {@code --instance-type} on Lambda would deploy
     * something other than what was asked). {@code how} says how the target was chosen, for the message.
     *
     * @throws IllegalArgumentException naming every such option and the targets it is for
     */
    void checkUsedBy(String target, String how) {
        if (!KNOWN_TARGETS.contains(target)) {
            return;
        }
        List<String> unused = given().stream().filter(o -> !USED_BY.get(o).contains(target)).toList();
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", unused.stream().map(o -> o + " ("
                    + String.join(", ", new java.util.TreeSet<>(USED_BY.get(o))) + " only)").toList())
                    + (unused.size() == 1 ? " does" : " do") + " nothing on " + how + "; remove "
                    + (unused.size() == 1 ? "it" : "them") + " or deploy to a target that uses "
                    + (unused.size() == 1 ? "it" : "them"));
        }
    }

    /** The environment keys these options set; a usage error message when they contradict each other. */
    Map<String, String> environment() {
        if (roleArn != null && createRole) {
            throw new IllegalArgumentException("give --role-arn or --create-role, not both");
        }
        if (image != null && (framework != null || frameworkVersion != null)) {
            throw new IllegalArgumentException("give --image (your own container) or --framework / "
                    + "--framework-version (AWS's prebuilt one), not both");
        }
        if (contract != null && !contract.equals("sagemaker") && !contract.equals("lambda")) {
            throw new IllegalArgumentException("--contract must be sagemaker or lambda, was '" + contract + "'");
        }
        positive("--instance-count", instanceCount);
        positive("--workers", workers);
        positive("--serverless-memory-mb", serverlessMemoryMb);
        if (provisionedConcurrency != null && provisionedConcurrency < 0) {
            throw new IllegalArgumentException("--provisioned-concurrency must be at least 0, was "
                    + provisionedConcurrency);
        }
        Map<String, String> env = new LinkedHashMap<>();
        put(env, AwsEnvironment.ROLE_ARN, roleArn);
        put(env, AwsEnvironment.BUCKET, bucket);
        if (createBucket) {
            env.put(AwsEnvironment.CREATE_BUCKET, "true");
        }
        put(env, "MLDEPLOY_IMAGE", image);
        put(env, "MLDEPLOY_SAGEMAKER_FRAMEWORK", framework);
        put(env, "MLDEPLOY_SAGEMAKER_FRAMEWORK_VERSION", frameworkVersion);
        put(env, "MLDEPLOY_SAGEMAKER_INSTANCE_TYPE", instanceType);
        put(env, "MLDEPLOY_SAGEMAKER_INSTANCE_COUNT", instanceCount);
        put(env, "MLDEPLOY_SAGEMAKER_SERVERLESS_MEMORY_MB", serverlessMemoryMb);
        if (createRole) {
            env.put("MLDEPLOY_LAMBDA_CREATE_ROLE", "true");
            env.put("MLDEPLOY_SAGEMAKER_CREATE_ROLE", "true");
        }
        put(env, "MLDEPLOY_LAMBDA_PROVISIONED_CONCURRENCY", provisionedConcurrency);
        put(env, "MLDEPLOY_LAMBDA_RUNTIME", runtime);
        put(env, "MLDEPLOY_LOCAL_CONTRACT", contract);
        if (interpreter != null && interpreter.isBlank()) {
            throw new IllegalArgumentException("--interpreter is blank; name a Python executable such as "
                    + "/usr/bin/python3");
        }
        put(env, "MLDEPLOY_PYTHON", interpreter);
        if (interpreterPackages) {
            env.put("MLDEPLOY_LOCAL_INTERPRETER_PACKAGES", "true");
        }
        put(env, "MLDEPLOY_LOCAL_WORKERS", workers);
        return env;
    }

    private static void positive(String option, Integer value) {
        if (value != null && value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, was " + value);
        }
    }

    private static void put(Map<String, String> env, String key, Object value) {
        if (value != null) {
            env.put(key, value.toString());
        }
    }
}
