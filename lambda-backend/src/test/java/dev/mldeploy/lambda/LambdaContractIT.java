package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.kit.KitModels;
import dev.mldeploy.kit.TargetContractKit;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.lambda.model.ServiceException;

/**
 * The compatibility kit against the lambda target on the emulator (creating its role). moto does not run the
 * handler, so each answer is queued as the handler's envelope; a model error is the handler's error body with the
 * {@code X-Amz-Function-Error} header Lambda adds (marked by an interceptor, since moto never sets it), and a failed
 * deploy is a CreateAlias the fault injector refuses. The injector also records the calls that prove an unchanged
 * redeploy mutates nothing.
 */
class LambdaContractIT extends TargetContractKit {
    @RegisterExtension
    static final AwsEndpointExtension AWS = new AwsEndpointExtension();

    private final LambdaInvokeIT.FunctionErrorMarker marker = new LambdaInvokeIT.FunctionErrorMarker();
    private LambdaFixtures fx;

    @Override
    protected void openTarget() {
        AWS.endpoint().assumeSupports("lambda");
        fx = new LambdaFixtures(AWS.endpoint(), marker);
    }

    @Override
    protected void closeTarget() {
        if (fx != null) {
            fx.close();
        }
    }

    @Override
    protected ModelDeployer newDeployer() {
        return ModelDeployer.builder().provider(LambdaTargetProvider.of(fx.target().createRole(true).build())).defaultTarget("lambda")
                .discoverProviders(false).environment(AWS.endpoint().environment()).build();
    }

    @Override
    protected String targetName() {
        return "lambda";
    }

    @Override
    protected Optional<String> cannotServe(Capability capability) {
        if (capability == Capability.LOAD_FAILURE_AT_DEPLOY) {
            return Optional.of("Lambda runs model_fn at the first invoke's init, not while deploying, and moto "
                    + "never runs the handler");
        }
        return Optional.empty();
    }

    @Override
    protected void expectAnswer(String deploymentName, String body) {
        AWS.endpoint().queueLambdaResults(List.of(LambdaFixtures.envelope(body)));
    }

    @Override
    protected void expectModelError(String deploymentName, String errorType, String message) {
        AWS.endpoint().queueLambdaResults(List.of(KitModels.adapterError(errorType, message)));
        marker.functionError = "Handled";
    }

    /** CreateAlias refused after the function, its role and version exist: the deploy must remove them. */
    @Override
    protected ModelSpec failingDeploy(String name) {
        fx.faults.failNext("CreateAlias", 1, () -> ServiceException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ServiceException").errorMessage("injected")
                        .build()).build());
        return spec(name).build();
    }

    @Override
    protected Object mutationWitness(String name) {
        return fx.faults.mutatingCalls();
    }

    /** moto's functions are Active at once: only a deadline already spent can run out. */
    @Override
    protected Duration tinyTimeout() {
        return Duration.ofMillis(1);
    }

    @Override
    protected void assertNothingLeft() {
        assertEquals(List.of(), fx.functions(), "no function is left");
        assertEquals(List.of(), fx.roles().stream().filter(n -> n.startsWith("mldeploy-lambda-")).toList(),
                "no role mldeploy made is left");
    }
}
