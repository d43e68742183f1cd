package dev.mldeploy.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.kit.KitModels;
import dev.mldeploy.kit.TargetContractKit;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointRequest;
import software.amazon.awssdk.services.sagemaker.model.DeleteEndpointRequest;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException;

/**
 * The compatibility kit against the sagemaker target on the emulator. moto does not run the container, so each
 * answer is queued; what AWS would answer but moto cannot (a ModelError, a failed CreateEndpoint) is thrown by the
 * fault injector on the target's clients, which also records the calls that prove an unchanged redeploy mutates
 * nothing. moto silently overwrites an existing endpoint, so {@link DuplicateEndpointRule} restores real SageMaker's
 * refusal for the concurrent deploys.
 */
class SageMakerContractIT extends TargetContractKit {
    @RegisterExtension
    static final AwsEndpointExtension AWS = new AwsEndpointExtension();

    private MotoResources moto;
    private final DuplicateEndpointRule duplicates = new DuplicateEndpointRule();

    /** Real SageMaker refuses a CreateEndpoint for a name that exists; moto silently overwrites it. */
    static final class DuplicateEndpointRule implements ExecutionInterceptor {
        private final Set<String> endpoints = ConcurrentHashMap.newKeySet();

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if (context.request() instanceof CreateEndpointRequest c && !endpoints.add(c.endpointName())) {
                String m = "Cannot create already existing endpoint \"arn:aws:sagemaker:us-east-1:123456789012:"
                        + "endpoint/" + c.endpointName() + "\".";
                throw SageMakerException.builder().statusCode(400).message(m).awsErrorDetails(AwsErrorDetails
                        .builder().errorCode("ValidationException").errorMessage(m).build()).build();
            }
            if (context.request() instanceof DeleteEndpointRequest d) {
                endpoints.remove(d.endpointName());
            }
        }
    }

    @Override
    protected void openTarget() {
        AWS.endpoint().assumeSupports("sagemaker");
        moto = new MotoResources(AWS.endpoint());
    }

    @Override
    protected void closeTarget() {
        if (moto != null) {
            moto.close();
        }
    }

    @Override
    protected ModelDeployer newDeployer() {
        return ModelDeployer.builder().discoverProviders(false).provider(SageMakerTargetProvider.of(moto.target()
                        .clientOverride(o -> o.addExecutionInterceptor(moto.faults).addExecutionInterceptor(duplicates))
                        .build()))
                .defaultTarget("sagemaker").environment(Map.of()).build();
    }

    @Override
    protected String targetName() {
        return "sagemaker";
    }

    @Override
    protected Optional<String> cannotServe(Capability capability) {
        return switch (capability) {
            case UPDATE_IN_PLACE -> Optional.of("moto does not implement UpdateEndpoint (HTTP 500); the update path "
                    + "is covered by EndpointDeployerTest with mocked clients");
            case LOAD_FAILURE_AT_DEPLOY -> Optional.of("moto marks an endpoint InService without running the "
                    + "container, so model_fn never runs; a Failed endpoint is covered by SageMakerEndpointStatesIT");
            default -> Optional.empty();
        };
    }

    @Override
    protected void expectAnswer(String deploymentName, String body) {
        AWS.endpoint().queueSageMakerResults(List.of(Map.of("Body", body, "ContentType", "application/json",
                "InvokedProductionVariant", "AllTraffic")));
    }

    /** What SageMaker answers when the container's model raises: ModelError (424) with the adapter's body. */
    @Override
    protected void expectModelError(String deploymentName, String errorType, String message) {
        String body = KitModels.adapterError(errorType, message);
        moto.faults.failNext("InvokeEndpoint", 1, () -> (RuntimeException) ModelErrorException.builder()
                .statusCode(424).originalStatusCode(500).originalMessage(body)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ModelError")
                        .errorMessage("Received server error (500) from primary").build()).build());
    }

    /** CreateEndpoint refused after the model and its config exist: the deploy must remove both. */
    @Override
    protected ModelSpec failingDeploy(String name) {
        moto.faults.failNext("CreateEndpoint", 1, () -> SageMakerException.builder().statusCode(400)
                .message("injected").awsErrorDetails(AwsErrorDetails.builder().errorCode("ValidationException")
                        .errorMessage("Cannot create endpoint: injected failure").build()).build());
        return spec(name).build();
    }

    @Override
    protected Object mutationWitness(String name) {
        return moto.faults.mutatingCalls();
    }

    /** moto's endpoints are InService at once: only a deadline already spent can run out. */
    @Override
    protected Duration tinyTimeout() {
        return Duration.ofMillis(1);
    }

    @Override
    protected void assertNothingLeft() {
        assertEquals(List.of(), moto.endpoints());
        assertEquals(List.of(), moto.endpointConfigs());
        assertEquals(List.of(), moto.models());
        assertEquals(List.of(), moto.artifacts());
    }
}
