package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mldeploy.ModelDeployer;
import dev.mldeploy.kit.TargetContractKit;
import dev.mldeploy.spi.AdapterFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The target contract on the local target running the model through the Lambda handler
 * ({@code MLDEPLOY_LOCAL_CONTRACT=lambda}: {@code mldeploy_lambda.py serve}).
 */
class LocalLambdaContractIT extends TargetContractKit {
    @TempDir
    Path home;

    @BeforeAll
    static void lambdaAdapterHasServeMode() {
        String lambda = new String(AdapterFiles.file("mldeploy_lambda.py"), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(lambda.contains("add_parser(\"serve\""),
                "mldeploy_lambda.py has no serve mode yet (the Lambda backend's adapter adds it)");
    }

    @Override
    protected ModelDeployer newDeployer() {
        return ModelDeployer.builder().environment(Map.of(LocalTarget.ENV_HOME, home.toString(),
                LocalTarget.ENV_CONTRACT, "lambda")).build();
    }

    @Override
    protected String targetName() {
        return LocalTarget.NAME;
    }

    @Override
    protected void assertNothingLeft() {
        LocalTestSupport.assertNoProcessUnder(home);
    }

    @Test
    void deploy_runsTheLambdaHandlerScript() {
        String name = newName("lambda");
        deploy(spec(name).build());

        assertEquals("lambda", deployer.describe(name).attributes().get("contract"));
        assertEquals("lambda", deployer.describe(name).variant());
    }
}
