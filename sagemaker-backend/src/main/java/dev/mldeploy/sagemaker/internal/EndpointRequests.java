package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.sagemaker.model.CaptureMode;
import software.amazon.awssdk.services.sagemaker.model.CaptureOption;
import software.amazon.awssdk.services.sagemaker.model.ContainerDefinition;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointConfigRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateModelRequest;
import software.amazon.awssdk.services.sagemaker.model.DataCaptureConfig;
import software.amazon.awssdk.services.sagemaker.model.ModelCompressionType;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariant;
import software.amazon.awssdk.services.sagemaker.model.S3ModelDataType;
import software.amazon.awssdk.services.sagemaker.model.Tag;
import software.amazon.awssdk.services.sagemaker.model.VpcConfig;

/** Builds SageMaker requests from a {@link DeploymentPlan}. Pure. Not API. */
public final class EndpointRequests {
    private EndpointRequests() {
    }

    public static CreateModelRequest createModel(String modelName, ModelSpec spec, DeploymentPlan plan,
                                                 ArtifactStore.Artifact artifact, List<Tag> tags) {
        ContainerDefinition.Builder container = ContainerDefinition.builder().image(plan.image())
                .environment(environment(spec, plan));
        if (artifact.uncompressed()) {
            container.modelDataSource(s -> s.s3DataSource(d -> d.s3Uri(artifact.s3Uri())
                    .s3DataType(S3ModelDataType.S3_PREFIX).compressionType(ModelCompressionType.NONE)));
        } else {
            container.modelDataUrl(artifact.s3Uri());
        }
        CreateModelRequest.Builder b = CreateModelRequest.builder().modelName(modelName)
                .executionRoleArn(plan.roleArn()).primaryContainer(container.build()).tags(tags);
        if (plan.vpc() != null) {
            b.vpcConfig(VpcConfig.builder().subnets(plan.vpc().subnetIds())
                    .securityGroupIds(plan.vpc().securityGroupIds()).build());
        }
        return b.build();
    }

    /**
     * The container's environment: the spec's, plus on a prebuilt framework image the two keys that make its
     * inference toolkit load {@code code/inference.py} (a spec cannot set {@code SAGEMAKER_} keys itself).
     */
    static Map<String, String> environment(ModelSpec spec, DeploymentPlan plan) {
        if (plan.prebuilt() == null) {
            return spec.environment();
        }
        Map<String, String> env = new TreeMap<>(spec.environment());
        env.putAll(PrebuiltImage.ENVIRONMENT);
        return env;
    }

    public static CreateEndpointConfigRequest createEndpointConfig(String configName, String modelName,
                                                                   DeploymentPlan plan, List<Tag> tags) {
        List<ProductionVariant> variants = new ArrayList<>();
        for (SageMakerSettings.Variant v : plan.variants()) {
            ProductionVariant.Builder pv = ProductionVariant.builder().variantName(v.name()).modelName(modelName)
                    .initialVariantWeight((float) v.weight());
            if (plan.isServerless()) {
                pv.serverlessConfig(s -> s.memorySizeInMB(plan.serverless().memoryMb())
                        .maxConcurrency(plan.serverless().maxConcurrency()));
            } else {
                pv.instanceType(v.instanceType()).initialInstanceCount(v.instanceCount());
            }
            variants.add(pv.build());
        }
        CreateEndpointConfigRequest.Builder b = CreateEndpointConfigRequest.builder().endpointConfigName(configName)
                .productionVariants(variants).tags(tags);
        if (plan.kmsKeyId() != null) {
            b.kmsKeyId(plan.kmsKeyId());
        }
        if (plan.dataCapture() != null) {
            DataCaptureConfig.Builder dc = DataCaptureConfig.builder().enableCapture(true)
                    .destinationS3Uri(plan.dataCapture().destinationS3Uri())
                    .initialSamplingPercentage(plan.dataCapture().samplingPercentage())
                    .captureOptions(CaptureOption.builder().captureMode(CaptureMode.INPUT).build(),
                            CaptureOption.builder().captureMode(CaptureMode.OUTPUT).build());
            if (plan.kmsKeyId() != null) {
                dc.kmsKeyId(plan.kmsKeyId());
            }
            b.dataCaptureConfig(dc.build());
        }
        return b.build();
    }

    public static CreateEndpointRequest createEndpoint(String endpointName, String configName, List<Tag> tags) {
        return CreateEndpointRequest.builder().endpointName(endpointName).endpointConfigName(configName).tags(tags)
                .build();
    }
}
