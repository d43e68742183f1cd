package dev.mldeploy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.spi.Json;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;

/**
 * One ModelSpec deployed to Lambda and to SageMaker (both on the emulator, configured through the environment as the
 * CLI does) and invoked through the same {@link InferenceClient} code: the same request gives the same bytes and
 * content type from either target. moto runs neither the handler nor the container, so the test queues the answer
 * the sample model gives, in each target's own wire format (Lambda: the handler's envelope; SageMaker: the body).
 */
@ExtendWith(AwsEndpointExtension.class)
class SameClientBothTargetsIT {
    /** What the sample model answers to {"text": "what a lovely day"} (checked with python3). */
    private static final String ANSWER = "{\"label\": \"positive\", \"score\": 0.7843}";

    @TempDir
    Path dir;

    /** The client code under test: knows nothing of the target. */
    private static InferenceResponse classify(InferenceClient client, String text) {
        return client.invoke(InferenceRequest.json("{\"text\": " + Json.quote(text) + "}"));
    }

    /** The sample model ({@code examples/models/sentiment}), copied so the test never writes into the source tree. */
    private Path model() throws IOException {
        Path source = Path.of("models/sentiment");
        Path m = dir.resolve("sentiment");
        Files.createDirectories(m);
        for (String f : List.of("inference.py", "weights.json")) {
            Files.copy(source.resolve(f), m.resolve(f));
        }
        return m;
    }

    @Test
    void sameSpec_onLambdaAndSageMaker_answersTheSameThroughTheSameClientCode(AwsEndpoint aws) throws Exception {
        aws.assumeSupports("lambda");
        aws.assumeSupports("sagemaker");
        String role;
        try (IamClient iam = IamClient.builder().endpointOverride(aws.endpoint()).region(aws.awsRegion())
                .credentialsProvider(aws.credentialsProvider()).build()) {
            role = iam.createRole(r -> r.roleName("mldeploy-both").assumeRolePolicyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
                            + "[\"lambda.amazonaws.com\",\"sagemaker.amazonaws.com\"]},\"Action\":\"sts:AssumeRole\"}]}"))
                    .role().arn();
        }
        Map<String, String> env = new HashMap<>(aws.environment());
        env.put("MLDEPLOY_ROLE_ARN", role);
        env.put("MLDEPLOY_BUCKET", "mldeploy-both");
        env.put("MLDEPLOY_CREATE_BUCKET", "true");
        // SageMaker serves a container image (moto does not pull it); Lambda takes the zip mldeploy builds
        env.put("MLDEPLOY_IMAGE", "123456789012.dkr.ecr.us-east-1.amazonaws.com/mldeploy-sentiment:1");
        ModelSpec spec = ModelSpec.builder("sentiment").source(model()).build();

        try (ModelDeployer deployer = ModelDeployer.builder().defaultTarget("auto").environment(env).build()) {
            for (String target : List.of("lambda", "sagemaker")) {
                DeployResult r = deployer.deploy(spec, DeployOptions.builder().target(target)
                        .timeout(Duration.ofMinutes(5)).build());
                assertEquals(target, r.deployment().target());
            }
            // each deployment has its own name on its own target; the same spec name is found per target
            try (ModelDeployer onLambda = ModelDeployer.builder().defaultTarget("lambda").environment(env).build();
                 ModelDeployer onSageMaker = ModelDeployer.builder().defaultTarget("sagemaker").environment(env)
                         .build()) {
                aws.queueLambdaResults(List.of("{\"statusCode\": 200, \"body\": " + Json.quote(ANSWER)
                        + ", \"isBase64Encoded\": false, \"contentType\": \"application/json\"}"));
                aws.queueSageMakerResults(List.of(Map.of("Body", ANSWER, "ContentType", "application/json",
                        "InvokedProductionVariant", "AllTraffic")));
                InferenceResponse fromLambda;
                InferenceResponse fromSageMaker;
                try (InferenceClient c = onLambda.client("sentiment")) {
                    fromLambda = classify(c, "what a lovely day");
                }
                try (InferenceClient c = onSageMaker.client("sentiment")) {
                    fromSageMaker = classify(c, "what a lovely day");
                }
                assertEquals("lambda", fromLambda.target());
                assertEquals("sagemaker", fromSageMaker.target());
                assertEquals(fromSageMaker.bodyAsString(), fromLambda.bodyAsString());
                assertEquals(fromSageMaker.contentType(), fromLambda.contentType());
                assertEquals(Json.parse(ANSWER), Json.parse(fromLambda.bodyAsString()));

                assertTrue(onLambda.undeploy("sentiment"));
                assertTrue(onSageMaker.undeploy("sentiment"));
            }
        }
        try (LambdaClient lambda = LambdaClient.builder().endpointOverride(aws.endpoint()).region(aws.awsRegion())
                .credentialsProvider(aws.credentialsProvider()).build();
             SageMakerClient sm = SageMakerClient.builder().endpointOverride(aws.endpoint()).region(aws.awsRegion())
                     .credentialsProvider(aws.credentialsProvider()).build()) {
            assertEquals(List.of(), lambda.listFunctions().functions());
            assertEquals(List.of(), sm.listEndpoints().endpoints());
        }
    }
}
