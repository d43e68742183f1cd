package dev.mldeploy.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InferenceClient;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.placement.LambdaLimits;
import dev.mldeploy.placement.PlacementChecker;
import dev.mldeploy.PlacementOptions;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * {@code plan} and {@code invoke} agree on Lambda's payload limit: the body size a deployed function's client
 * enforces is the one placement reports ({@link LambdaLimits#MAX_SYNC_RAW_PAYLOAD_BYTES}, 6 MB less the base64
 * envelope), on a function deployed through the CLI to the emulator.
 */
@ExtendWith(AwsEndpointExtension.class)
class PlanInvokeLimitsIT {
    @TempDir
    Path dir;

    private Path model() throws IOException {
        Path m = Files.createDirectories(dir.resolve("limits"));
        for (String f : List.of("inference.py", "weights.json")) {
            Files.copy(Path.of("models/sentiment").resolve(f), m.resolve(f));
        }
        return m;
    }

    @Test
    void lambda_theBodyLimitPlanReports_isTheOneInvokeEnforces(AwsEndpoint aws) throws IOException {
        aws.assumeSupports("lambda");
        String role;
        try (IamClient iam = IamClient.builder().endpointOverride(aws.endpoint()).region(aws.awsRegion())
                .credentialsProvider(aws.credentialsProvider()).build()) {
            role = iam.createRole(r -> r.roleName("mldeploy-limits").assumeRolePolicyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
                            + "\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}")).role().arn();
        }
        Map<String, String> env = new HashMap<>(aws.environment());
        env.put("MLDEPLOY_HOME", dir.resolve("home").toString());
        Cli cli = new Cli(env);
        Path model = model();
        Cli.Result deployed = cli.run("deploy", "--target", "lambda", "--model", model.toString(), "--role-arn",
                role, "--timeout", "5m");
        assertEquals(0, deployed.status(), deployed::toString);
        try {
            long enforced;
            try (ModelDeployer deployer = ModelDeployer.builder().defaultTarget("lambda").environment(env).build();
                 InferenceClient client = deployer.client("limits")) {
                enforced = client.maxRequestBytes();
            }
            assertEquals(LambdaLimits.MAX_SYNC_RAW_PAYLOAD_BYTES, enforced);

            PlacementChecker checker = PlacementChecker.create();
            ModelSpec atLimit = ModelSpec.builder("limits").source(model)
                    .traffic(t -> t.payloadBytes(enforced)).build();
            CandidateEvaluation fits = checker.decide(atLimit, PlacementOptions.defaults(),
                    p -> p.name().equals("lambda:zip")).candidates().get(0);
            assertTrue(fits.feasible(), fits.reasons()::toString);
            CandidateEvaluation over = checker.decide(atLimit.toBuilder().traffic(t -> t.payloadBytes(enforced + 1))
                    .build(), PlacementOptions.defaults(), p -> p.name().equals("lambda:zip")).candidates().get(0);
            assertFalse(over.feasible());
            assertTrue(over.reasons().get(0).contains("4,717,824 bytes"), over.reasons()::toString);

            Path body = Files.write(dir.resolve("big.bin"), new byte[(int) enforced + 1]);
            Cli.Result refused = cli.run("invoke", "limits", "--target", "lambda", "--file", body.toString(),
                    "--content-type", "application/octet-stream");
            assertEquals(1, refused.status(), refused::toString);
            assertTrue(refused.err().contains("request body is 4717825 bytes, over the 4717824-byte limit"),
                    refused::toString);
        } finally {
            assertEquals(0, cli.run("undeploy", "limits", "--target", "lambda").status());
        }
    }
}
