package dev.mldeploy.examples;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.lambda.LambdaTarget;
import dev.mldeploy.lambda.LambdaTargetProvider;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Deploys a model directory to AWS Lambda, invokes it once, and (with {@code --undeploy}) removes it again.
 *
 * <pre>
 * AWS_REGION=us-east-1 java -cp examples/target/mldeploy-cli.jar dev.mldeploy.examples.LambdaExample \
 *     examples/models/sentiment '{"text": "what a lovely day"}' [--undeploy]
 * </pre>
 *
 * The execution role is {@code MLDEPLOY_ROLE_ARN} when set; otherwise mldeploy creates one (trusted by Lambda, with
 * only the basic execution policy) and removes it on undeploy. {@code AWS_ENDPOINT_URL} points it at an emulator.
 */
public final class LambdaExample {
    private LambdaExample() {
    }

    public static void main(String[] args) {
        Path model = Path.of(args.length > 0 ? args[0] : "examples/models/sentiment");
        String request = args.length > 1 ? args[1] : "{\"text\": \"what a lovely day\"}";
        boolean undeploy = args.length > 2 && args[2].equals("--undeploy");

        LambdaTarget.Builder lambda = LambdaTarget.builder();
        String role = System.getenv("MLDEPLOY_ROLE_ARN");
        if (role != null && !role.isBlank()) {
            lambda.roleArn(role);
        } else {
            lambda.createRole(true);
        }

        try (ModelDeployer deployer = ModelDeployer.builder().provider(LambdaTargetProvider.of(lambda.build()))
                .defaultTarget("lambda").build()) {
            ModelSpec spec = ModelSpec.fromDirectory(model);
            DeployResult result = deployer.deploy(spec, DeployOptions.builder().timeout(Duration.ofMinutes(10))
                    .progressListener(System.out::println).build());
            System.out.println(result.change() + ": " + result.message());

            try (InferenceClient client = deployer.client(spec.name())) {
                InferenceResponse response = client.invoke(dev.mldeploy.InferenceRequest.json(request));
                System.out.println(response.contentType() + " " + response.bodyAsString() + " ("
                        + response.latency().toMillis() + " ms, version " + response.variant().orElse("?") + ")");
            }
            if (undeploy) {
                System.out.println("undeployed: " + deployer.undeploy(spec.name()));
            }
        }
    }
}
