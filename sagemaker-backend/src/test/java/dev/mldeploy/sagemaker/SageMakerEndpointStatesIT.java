package dev.mldeploy.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.ConflictException;
import dev.mldeploy.DeployResult;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;

/**
 * What real SageMaker does and moto does not, injected into moto's answers ({@link EndpointStates}): an
 * endpoint that stays Creating past the deploy's timeout, and one that another deploy is creating.
 */
@ExtendWith(AwsEndpointExtension.class)
class SageMakerEndpointStatesIT {
    @TempDir
    Path tmp;
    private MotoResources moto;
    private final EndpointStates states = new EndpointStates();
    private ModelDeployer deployer;
    private ModelSpec spec;

    @BeforeEach
    void setUp(AwsEndpoint aws) throws Exception {
        aws.assumeSupports("sagemaker");
        moto = new MotoResources(aws);
        spec = ModelSpec.builder("busy").source(MotoResources.model(tmp.resolve("m"), "v1")).build();
        deployer = ModelDeployer.builder().discoverProviders(false).provider(SageMakerTargetProvider.of(moto.target()
                        .clientOverride(o -> o.addExecutionInterceptor(moto.faults).addExecutionInterceptor(states))
                        .build()))
                .defaultTarget("sagemaker").environment(Map.of()).build();
    }

    @AfterEach
    void tearDown() {
        deployer.close();
        moto.close();
    }

    @Test
    void deploy_whenTheNewEndpointIsStillCreatingAtTheTimeout_leavesItsConfigAndModelAndARetryFinishes() {
        states.force(EndpointStatus.CREATING, null);

        OperationTimeoutException e = assertThrows(OperationTimeoutException.class,
                () -> deployer.deploy(spec, o -> o.timeout(Duration.ofSeconds(6))));

        assertTrue(e.getMessage().contains("left endpoint busy (still being created)"), e.getMessage());
        assertEquals(List.of("busy"), moto.endpoints());
        assertEquals(1, moto.endpointConfigs().size(), "the config the Creating endpoint needs is still there");
        assertEquals(1, moto.models().size(), "the model the Creating endpoint needs is still there");
        assertEquals(0, moto.faults.count("DeleteEndpointConfig") + moto.faults.count("DeleteModel"));

        states.release(); // SageMaker finished creating it
        DeployResult retry = deployer.deploy(spec);

        assertEquals(DeployResult.Change.UNCHANGED, retry.change(), retry.message());
        assertTrue(deployer.undeploy("busy"));
        assertEquals(MotoResources.NOTHING, moto.everything());
    }

    @Test
    void undeploy_afterADeployThatTimedOutWhileCreating_removesEverything() {
        states.force(EndpointStatus.CREATING, null);
        OperationTimeoutException e = assertThrows(OperationTimeoutException.class,
                () -> deployer.deploy(spec, o -> o.timeout(Duration.ofSeconds(6))));
        states.release();
        assertEquals(List.of("busy"), moto.endpoints(), e.getMessage());

        assertTrue(deployer.undeploy("busy"));

        assertEquals(MotoResources.NOTHING, moto.everything());
    }

    @Test
    void deploy_whileAnotherDeployIsCreatingTheEndpoint_failsWithConflictAndChangesNothing() throws Exception {
        deployer.deploy(spec);
        List<String> configs = moto.endpointConfigs();
        states.force(EndpointStatus.CREATING, "busy-0123456789ab"); // another deploy's config
        moto.faults.clear();
        ModelSpec changed = ModelSpec.builder("busy").source(MotoResources.model(tmp.resolve("m2"), "v2")).build();

        ConflictException e = assertThrows(ConflictException.class, () -> deployer.deploy(changed));

        assertTrue(e.getMessage().contains("another deploy of it is running"), e.getMessage());
        assertEquals(List.of(), moto.faults.mutatingCalls());
        assertEquals(configs, moto.endpointConfigs());
        states.release();
        assertTrue(deployer.undeploy("busy"));
        assertEquals(MotoResources.NOTHING, moto.everything());
    }
}
