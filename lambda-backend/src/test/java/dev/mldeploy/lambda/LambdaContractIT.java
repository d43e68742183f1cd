package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mldeploy.ModelDeployer;
import dev.mldeploy.kit.TargetContractKit;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * The compatibility kit against the lambda target on the emulator, configured the way the CLI configures it: the
 * ServiceLoader-found provider reading {@code AWS_ENDPOINT_URL} and {@code MLDEPLOY_LAMBDA_CREATE_ROLE} from the
 * environment. moto does not run the handler, so each expected answer is queued as the handler's envelope.
 */
class LambdaContractIT extends TargetContractKit {
    @RegisterExtension
    static final AwsEndpointExtension AWS = new AwsEndpointExtension();

    @Override
    protected ModelDeployer newDeployer() {
        AWS.endpoint().assumeSupports("lambda");
        Map<String, String> env = new HashMap<>(AWS.endpoint().environment());
        env.put("MLDEPLOY_LAMBDA_CREATE_ROLE", "true");
        return ModelDeployer.builder().defaultTarget("lambda").environment(env).build();
    }

    @Override
    protected String targetName() {
        return "lambda";
    }

    @Override
    protected void expectAnswer(String deploymentName, String body) {
        AWS.endpoint().queueLambdaResults(List.of(LambdaFixtures.envelope(body)));
    }

    @Override
    protected void afterUndeploy() {
        try (LambdaClient lambda = LambdaClient.builder().endpointOverride(AWS.endpoint().endpoint())
                .region(AWS.endpoint().awsRegion()).credentialsProvider(AWS.endpoint().credentialsProvider()).build();
             IamClient iam = IamClient.builder().endpointOverride(AWS.endpoint().endpoint())
                     .region(AWS.endpoint().awsRegion()).credentialsProvider(AWS.endpoint().credentialsProvider())
                     .build()) {
            assertEquals(List.of(), lambda.listFunctions().functions(), "no function is left");
            assertEquals(List.of(), iam.listRoles().roles().stream().map(r -> r.roleName())
                    .filter(n -> n.startsWith("mldeploy-lambda-")).toList(), "no role mldeploy made is left");
        }
    }
}
