package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.aws.AwsEnvironment;
import dev.mldeploy.sagemaker.SageMakerTarget;
import dev.mldeploy.sagemaker.ServerlessSettings;
import dev.mldeploy.spi.TargetContext;

/**
 * Configures a {@link SageMakerTarget} from environment keys (the CLI maps its flags to them): {@code MLDEPLOY_ROLE_ARN},
 * {@code MLDEPLOY_BUCKET}, {@code MLDEPLOY_CREATE_BUCKET}, {@code MLDEPLOY_IMAGE},
 * {@code MLDEPLOY_SAGEMAKER_INSTANCE_TYPE}, {@code MLDEPLOY_SAGEMAKER_INSTANCE_COUNT},
 * {@code MLDEPLOY_SAGEMAKER_SERVERLESS_MEMORY_MB}, {@code MLDEPLOY_CALL_TIMEOUT}, {@code MLDEPLOY_TIMEOUT},
 * {@code AWS_ENDPOINT_URL},
 * {@code AWS_REGION}. Not API.
 */
public final class EnvironmentConfig {
    public static final String ROLE_ARN = AwsEnvironment.ROLE_ARN;
    public static final String BUCKET = AwsEnvironment.BUCKET;
    public static final String CREATE_BUCKET = AwsEnvironment.CREATE_BUCKET;
    public static final String IMAGE = "MLDEPLOY_IMAGE";
    public static final String INSTANCE_TYPE = "MLDEPLOY_SAGEMAKER_INSTANCE_TYPE";
    public static final String INSTANCE_COUNT = "MLDEPLOY_SAGEMAKER_INSTANCE_COUNT";
    public static final String SERVERLESS_MEMORY_MB = "MLDEPLOY_SAGEMAKER_SERVERLESS_MEMORY_MB";
    public static final String ENDPOINT_URL = AwsEnvironment.ENDPOINT_URL;
    /** The longest one describe, list or invoke call may take: {@code 10s}, {@code 500ms}, {@code 2m} or ISO-8601. */
    public static final String CALL_TIMEOUT = TargetContext.CALL_TIMEOUT;
    /**
     * The longest a deploy or undeploy may take, calls and waits included, when shorter than the caller's (the
     * SPI gives undeploy no timeout of the caller's): same forms as {@link #CALL_TIMEOUT}.
     */
    public static final String TIMEOUT = TargetContext.TIMEOUT;

    private EnvironmentConfig() {
    }

    /** A target configured from {@code context}'s environment. */
    public static SageMakerTarget fromEnvironment(TargetContext context) {
        SageMakerTarget.Builder b = SageMakerTarget.builder();
        AwsEnvironment.region(context).ifPresent(b::region);
        AwsEnvironment.endpoint(context).ifPresent(b::endpointOverride);
        context.env(ROLE_ARN).ifPresent(b::roleArn);
        context.env(BUCKET).ifPresent(b::bucket);
        if (context.env(CREATE_BUCKET).isPresent()) {
            b.createBucket(AwsEnvironment.flag(context, CREATE_BUCKET));
        }
        context.env(IMAGE).ifPresent(b::image);
        context.env(INSTANCE_TYPE).ifPresent(b::instanceType);
        AwsEnvironment.integer(context, INSTANCE_COUNT).ifPresent(b::instanceCount);
        AwsEnvironment.integer(context, SERVERLESS_MEMORY_MB).ifPresent(v -> b.serverless(ServerlessSettings.of(v)));
        context.duration(CALL_TIMEOUT).ifPresent(b::callTimeout);
        context.duration(TIMEOUT).ifPresent(b::timeout);
        return b.build();
    }
}
