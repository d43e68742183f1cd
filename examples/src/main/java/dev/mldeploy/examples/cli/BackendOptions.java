package dev.mldeploy.examples.cli;

import java.util.LinkedHashMap;
import java.util.Map;
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
    @Option(names = "--image", paramLabel = "URI", description = "[sagemaker] Container image URI (MLDEPLOY_IMAGE).")
    String image;
    @Option(names = "--instance-type", paramLabel = "TYPE", description = "[sagemaker] Instance type, e.g. "
            + "ml.m5.large (MLDEPLOY_SAGEMAKER_INSTANCE_TYPE).")
    String instanceType;
    @Option(names = "--instance-count", paramLabel = "N", description = "[sagemaker] Instance count "
            + "(MLDEPLOY_SAGEMAKER_INSTANCE_COUNT).")
    Integer instanceCount;
    @Option(names = "--serverless-memory-mb", paramLabel = "MB", description = "[sagemaker] Serverless inference "
            + "with this much memory (MLDEPLOY_SAGEMAKER_SERVERLESS_MEMORY_MB).")
    Integer serverlessMemoryMb;

    // lambda
    @Option(names = "--create-role", description = "[lambda] Create an execution role with only basic execution "
            + "rights (MLDEPLOY_LAMBDA_CREATE_ROLE).")
    boolean createRole;
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

    /** The environment keys these options set; a usage error message when they contradict each other. */
    Map<String, String> environment() {
        if (roleArn != null && createRole) {
            throw new IllegalArgumentException("give --role-arn or --create-role, not both");
        }
        if (contract != null && !contract.equals("sagemaker") && !contract.equals("lambda")) {
            throw new IllegalArgumentException("--contract must be sagemaker or lambda, was '" + contract + "'");
        }
        positive("--instance-count", instanceCount);
        positive("--serverless-memory-mb", serverlessMemoryMb);
        if (provisionedConcurrency != null && provisionedConcurrency < 0) {
            throw new IllegalArgumentException("--provisioned-concurrency must be at least 0, was "
                    + provisionedConcurrency);
        }
        Map<String, String> env = new LinkedHashMap<>();
        put(env, "MLDEPLOY_ROLE_ARN", roleArn);
        put(env, "MLDEPLOY_BUCKET", bucket);
        if (createBucket) {
            env.put("MLDEPLOY_CREATE_BUCKET", "true");
        }
        put(env, "MLDEPLOY_IMAGE", image);
        put(env, "MLDEPLOY_SAGEMAKER_INSTANCE_TYPE", instanceType);
        put(env, "MLDEPLOY_SAGEMAKER_INSTANCE_COUNT", instanceCount);
        put(env, "MLDEPLOY_SAGEMAKER_SERVERLESS_MEMORY_MB", serverlessMemoryMb);
        if (createRole) {
            env.put("MLDEPLOY_LAMBDA_CREATE_ROLE", "true");
        }
        put(env, "MLDEPLOY_LAMBDA_PROVISIONED_CONCURRENCY", provisionedConcurrency);
        put(env, "MLDEPLOY_LAMBDA_RUNTIME", runtime);
        put(env, "MLDEPLOY_LOCAL_CONTRACT", contract);
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
