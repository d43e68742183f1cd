package dev.mldeploy.sagemaker;

import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.FaultInjector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;

/**
 * For the integration tests: a configured target on the emulator (with a fault injector on its clients), and
 * plain clients that list what exists, to prove what a deploy left behind. Close it after each test.
 */
final class MotoResources implements AutoCloseable {
    static final String ROLE = "arn:aws:iam::123456789012:role/mldeploy-it";
    static final String BUCKET = "mldeploy-it";

    final AwsEndpoint aws;
    final FaultInjector faults = new FaultInjector();
    final SageMakerClient sageMaker;
    final S3Client s3;
    final ApplicationAutoScalingClient autoScaling;

    MotoResources(AwsEndpoint aws) {
        this.aws = aws;
        this.sageMaker = SageMakerClient.builder().endpointOverride(aws.endpoint()).region(aws.awsRegion())
                .credentialsProvider(aws.credentialsProvider()).build();
        this.s3 = S3Client.builder().endpointOverride(aws.endpoint()).region(aws.awsRegion())
                .credentialsProvider(aws.credentialsProvider()).forcePathStyle(true).build();
        this.autoScaling = ApplicationAutoScalingClient.builder().endpointOverride(aws.endpoint())
                .region(aws.awsRegion()).credentialsProvider(aws.credentialsProvider()).build();
    }

    /** A target on the emulator whose clients it builds itself, with the fault injector added. */
    SageMakerTarget.Builder target() {
        return SageMakerTarget.builder().endpointOverride(aws.endpoint()).region(aws.region())
                .credentialsProvider(aws.credentialsProvider())
                .clientOverride(o -> o.addExecutionInterceptor(faults))
                .roleArn(ROLE).bucket(BUCKET).createBucket(true)
                .image("123456789012.dkr.ecr.us-east-1.amazonaws.com/mldeploy-serve:it")
                .instanceType("ml.m5.large").pollInterval(Duration.ofMillis(50));
    }

    /** Writes a model (inference.py and a weights file) into {@code dir}. */
    static Path model(Path dir, String weights) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("inference.py"), """
                import json, os


                def model_fn(model_dir):
                    with open(os.path.join(model_dir, "weights.txt")) as f:
                        return f.read()


                def predict_fn(data, model):
                    return {"weights": model, "input": data}
                """);
        Files.writeString(dir.resolve("weights.txt"), weights);
        return dir;
    }

    List<String> endpoints() {
        return sageMaker.listEndpoints(r -> r.maxResults(100)).endpoints().stream().map(e -> e.endpointName())
                .sorted().toList();
    }

    List<String> endpointConfigs() {
        return sageMaker.listEndpointConfigs(r -> r.maxResults(100)).endpointConfigs().stream()
                .map(c -> c.endpointConfigName()).sorted().toList();
    }

    List<String> models() {
        return sageMaker.listModels(r -> r.maxResults(100)).models().stream().map(m -> m.modelName()).sorted()
                .toList();
    }

    List<String> scalableTargets() {
        return autoScaling.describeScalableTargets(r -> r.serviceNamespace(ServiceNamespace.SAGEMAKER))
                .scalableTargets().stream().map(t -> t.resourceId()).sorted().toList();
    }

    List<String> scalingPolicies() {
        return autoScaling.describeScalingPolicies(r -> r.serviceNamespace(ServiceNamespace.SAGEMAKER))
                .scalingPolicies().stream().map(p -> p.resourceId() + ":" + p.policyName()).sorted().toList();
    }

    boolean bucketExists() {
        return s3.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(BUCKET));
    }

    List<String> artifacts() {
        if (!bucketExists()) {
            return List.of();
        }
        return s3.listObjectsV2Paginator(r -> r.bucket(BUCKET)).contents().stream().map(S3Object::key).sorted()
                .toList();
    }

    /** Incomplete multipart uploads in the bucket, as {@code key} each. */
    List<String> multipartUploads() {
        if (!bucketExists()) {
            return List.of();
        }
        return s3.listMultipartUploads(r -> r.bucket(BUCKET)).uploads().stream().map(u -> u.key()).sorted()
                .toList();
    }

    /** Everything a deploy can leave behind, by kind; all empty means nothing is left. */
    java.util.Map<String, List<String>> everything() {
        java.util.Map<String, List<String>> all = new java.util.TreeMap<>();
        all.put("artifacts", artifacts());
        all.put("multipartUploads", multipartUploads());
        all.put("models", models());
        all.put("endpointConfigs", endpointConfigs());
        all.put("endpoints", endpoints());
        all.put("scalableTargets", scalableTargets());
        return all;
    }

    static final java.util.Map<String, List<String>> NOTHING = java.util.Map.of("artifacts", List.of(),
            "multipartUploads", List.of(), "models", List.of(), "endpointConfigs", List.of(), "endpoints", List.of(),
            "scalableTargets", List.of());

    @Override
    public void close() {
        sageMaker.close();
        s3.close();
        autoScaling.close();
    }
}
