package dev.mldeploy.examples;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.sagemaker.SageMakerTarget;
import dev.mldeploy.sagemaker.SageMakerTargetProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * Deploys the sample sentiment model to an Amazon SageMaker real-time endpoint, sends it one request, and removes
 * everything again (unless {@code --keep}).
 *
 * <p>Configuration comes from the environment: {@code MLDEPLOY_ROLE_ARN} (the execution role),
 * {@code MLDEPLOY_BUCKET} (created if missing), {@code MLDEPLOY_IMAGE} (the serving image built from the
 * Dockerfile that {@code mldeploy package --target sagemaker} writes), the AWS region and credentials, and
 * {@code AWS_ENDPOINT_URL} to run it against a local emulator (moto), where any image name will do.
 *
 * <pre>
 * java -cp examples/target/mldeploy-cli.jar dev.mldeploy.examples.SageMakerExample [MODEL_DIR] [--keep]
 * </pre>
 */
public final class SageMakerExample {
    private SageMakerExample() {
    }

    public static void main(String[] args) {
        boolean keep = Arrays.asList(args).contains("--keep");
        Path model = Path.of(Arrays.stream(args).filter(a -> !a.startsWith("--")).findFirst()
                .orElse("examples/models/sentiment"));
        boolean emulator = System.getenv("AWS_ENDPOINT_URL") != null;

        SageMakerTarget sagemaker = SageMakerTarget.builder()
                .roleArn(env("MLDEPLOY_ROLE_ARN", emulator ? "arn:aws:iam::123456789012:role/mldeploy-example" : null))
                .bucket(env("MLDEPLOY_BUCKET", emulator ? "mldeploy-example-models" : null))
                .createBucket(true)
                .image(env("MLDEPLOY_IMAGE", emulator ? "123456789012.dkr.ecr.us-east-1.amazonaws.com/mldeploy:1" : null))
                .instanceType("ml.t2.medium")
                .pollInterval(emulator ? Duration.ofSeconds(1) : Duration.ofSeconds(15))
                .build();

        try (ModelDeployer deployer = ModelDeployer.builder().provider(SageMakerTargetProvider.of(sagemaker))
                .defaultTarget("sagemaker").build()) {
            ModelSpec spec = ModelSpec.builder("sentiment-example").source(model).build();
            DeployResult result = deployer.deploy(spec, DeployOptions.of(o -> o
                    .timeout(Duration.ofMinutes(30))
                    .progressListener(e -> System.out.printf("[%4ds] %-8s %-10s %s%n", e.elapsed().toSeconds(),
                            e.phase(), e.status(), e.message()))));
            System.out.println(result.message());
            System.out.println("endpoint: " + result.deployment().endpoint());

            try (InferenceClient client = deployer.client(spec.name())) {
                InferenceResponse response = client.invoke(InferenceRequest.json("{\"text\": \"what a lovely day\"}"));
                System.out.println("answer from variant " + response.variant().orElse("?") + " in "
                        + response.latency().toMillis() + " ms: " + response.bodyAsString());
            }
            if (!keep) {
                deployer.undeploy(spec.name());
                System.out.println("undeployed " + spec.name() + " (endpoint, config, model and artifacts)");
            }
        }
    }

    private static String env(String key, String emulatorDefault) {
        String v = System.getenv(key);
        if (v != null && !v.isBlank()) {
            return v;
        }
        if (emulatorDefault == null) {
            System.err.println("set " + key + " (see the README's SageMaker section)");
            System.exit(2);
        }
        return emulatorDefault;
    }
}
