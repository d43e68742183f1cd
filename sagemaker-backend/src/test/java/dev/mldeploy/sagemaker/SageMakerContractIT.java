package dev.mldeploy.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mldeploy.ModelDeployer;
import dev.mldeploy.kit.TargetContractKit;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The target contract every backend keeps, run against the sagemaker target on the emulator. */
class SageMakerContractIT extends TargetContractKit {
    @RegisterExtension
    static final AwsEndpointExtension AWS = new AwsEndpointExtension();

    private MotoResources moto;

    @BeforeEach
    void needsSageMaker() {
        AWS.endpoint().assumeSupports("sagemaker");
    }

    @Override
    protected ModelDeployer newDeployer() {
        if (moto != null) {
            moto.close();
        }
        moto = new MotoResources(AWS.endpoint());
        return ModelDeployer.builder().discoverProviders(false).provider(moto.target().build())
                .defaultTarget("sagemaker").environment(Map.of()).build();
    }

    @Override
    protected String targetName() {
        return "sagemaker";
    }

    /** moto does not run the container: queue what the model would answer. */
    @Override
    protected void expectAnswer(String deploymentName, String body) {
        AWS.endpoint().queueSageMakerResults(List.of(Map.of("Body", body, "ContentType", "application/json",
                "InvokedProductionVariant", "AllTraffic")));
    }

    @Override
    protected boolean supportsUpdate() {
        return false;
    }

    @Override
    protected String updateUnsupportedReason() {
        return "moto does not implement UpdateEndpoint; the update path is covered by EndpointDeployerTest";
    }

    @Override
    protected Duration deployTimeout() {
        return Duration.ofMinutes(2);
    }

    @Override
    protected void afterUndeploy() {
        try {
            assertEquals(List.of(), moto.endpoints());
            assertEquals(List.of(), moto.endpointConfigs());
            assertEquals(List.of(), moto.models());
            assertEquals(List.of(), moto.artifacts());
        } finally {
            moto.close();
            moto = null;
        }
    }
}
