package dev.mldeploy.sagemaker;

import dev.mldeploy.aws.AwsEnvironment;
import dev.mldeploy.spi.EnvironmentConfiguredProvider;
import dev.mldeploy.spi.TargetContext;
import dev.mldeploy.spi.TargetProvider;

/**
 * The {@code sagemaker} provider {@link java.util.ServiceLoader} finds: configures a {@link SageMakerTarget} from
 * the environment the deployer passes (the CLI maps its flags to these keys): {@code MLDEPLOY_ROLE_ARN},
 * {@code MLDEPLOY_BUCKET}, {@code MLDEPLOY_CREATE_BUCKET}, {@code MLDEPLOY_IMAGE}, {@code MLDEPLOY_SAGEMAKER_FRAMEWORK},
 * {@code MLDEPLOY_SAGEMAKER_FRAMEWORK_VERSION},
 * {@code MLDEPLOY_SAGEMAKER_INSTANCE_TYPE}, {@code MLDEPLOY_SAGEMAKER_INSTANCE_COUNT},
 * {@code MLDEPLOY_SAGEMAKER_SERVERLESS_MEMORY_MB}, {@code MLDEPLOY_CALL_TIMEOUT}, {@code MLDEPLOY_TIMEOUT},
 * {@code AWS_ENDPOINT_URL}, {@code AWS_REGION}. Thread-safe.
 */
public final class SageMakerTargetProvider extends EnvironmentConfiguredProvider {
    static final String IMAGE = "MLDEPLOY_IMAGE";
    static final String FRAMEWORK = "MLDEPLOY_SAGEMAKER_FRAMEWORK";
    static final String FRAMEWORK_VERSION = "MLDEPLOY_SAGEMAKER_FRAMEWORK_VERSION";
    static final String INSTANCE_TYPE = "MLDEPLOY_SAGEMAKER_INSTANCE_TYPE";
    static final String INSTANCE_COUNT = "MLDEPLOY_SAGEMAKER_INSTANCE_COUNT";
    static final String SERVERLESS_MEMORY_MB = "MLDEPLOY_SAGEMAKER_SERVERLESS_MEMORY_MB";

    /** For {@link java.util.ServiceLoader}. */
    public SageMakerTargetProvider() {
        super(SageMakerTarget.builder().build());
    }

    @Override
    protected TargetProvider fromEnvironment(TargetContext context) {
        return targetFrom(context);
    }

    /** A target configured from {@code context}'s environment. */
    static SageMakerTarget targetFrom(TargetContext context) {
        SageMakerTarget.Builder b = SageMakerTarget.builder();
        AwsEnvironment.region(context).ifPresent(b::region);
        AwsEnvironment.endpoint(context).ifPresent(b::endpointOverride);
        context.env(AwsEnvironment.ROLE_ARN).ifPresent(b::roleArn);
        context.env(AwsEnvironment.BUCKET).ifPresent(b::bucket);
        if (context.env(AwsEnvironment.CREATE_BUCKET).isPresent()) {
            b.createBucket(AwsEnvironment.flag(context, AwsEnvironment.CREATE_BUCKET));
        }
        context.env(IMAGE).ifPresent(b::image);
        context.env(FRAMEWORK).ifPresent(b::framework);
        context.env(FRAMEWORK_VERSION).ifPresent(b::frameworkVersion);
        context.env(INSTANCE_TYPE).ifPresent(b::instanceType);
        AwsEnvironment.integer(context, INSTANCE_COUNT).ifPresent(b::instanceCount);
        AwsEnvironment.integer(context, SERVERLESS_MEMORY_MB).ifPresent(v -> b.serverless(ServerlessSettings.of(v)));
        // The longest one describe, list or invoke call, and the longest deploy or undeploy, may take.
        context.duration(TargetContext.CALL_TIMEOUT).ifPresent(b::callTimeout);
        context.duration(TargetContext.TIMEOUT).ifPresent(b::timeout);
        return b.build();
    }
}
