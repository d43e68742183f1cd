package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mldeploy.bundle.AdapterFiles;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The compatibility kit on the local target running the model through the Lambda handler
 * ({@code MLDEPLOY_LOCAL_CONTRACT=lambda}: {@code mldeploy_lambda.py serve}).
 */
class LocalLambdaContractIT extends LocalTargetContractIT {
    @BeforeAll
    static void lambdaAdapterHasServeMode() {
        String lambda = new String(AdapterFiles.file("mldeploy_lambda.py"), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(lambda.contains("add_parser(\"serve\""),
                "mldeploy_lambda.py has no serve mode yet (the Lambda backend's adapter adds it)");
    }

    @Override
    Map<String, String> environment() {
        return Map.of(LocalTarget.ENV_CONTRACT, "lambda");
    }

    @Test
    void deploy_runsTheLambdaHandlerScript() {
        String name = newName("lambda");
        deploy(spec(name).build());

        assertEquals("lambda", deployer.describe(name).attributes().get("contract"));
        assertEquals("lambda", deployer.describe(name).variant());
    }
}
