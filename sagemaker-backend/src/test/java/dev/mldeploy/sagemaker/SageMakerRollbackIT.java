package dev.mldeploy.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployResult;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.NoPreviousVersionException;
import dev.mldeploy.RollbackResult;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One generation kept for rollback, against moto. moto does not serve UpdateEndpoint: {@link UpdateEndpointEmulation}
 * plays it with calls moto serves, so what is proven here is what mldeploy keeps, deletes and tags around updates.
 */
@ExtendWith(AwsEndpointExtension.class)
class SageMakerRollbackIT {
    @TempDir
    Path tmp;
    private MotoResources moto;
    private ModelDeployer deployer;

    @BeforeEach
    void setUp(AwsEndpoint aws) {
        aws.assumeSupports("sagemaker");
        moto = new MotoResources(aws);
        deployer = ModelDeployer.builder().discoverProviders(false).defaultTarget("sagemaker").environment(Map.of())
                .provider(SageMakerTargetProvider.of(moto.target().sageMakerClient(UpdateEndpointEmulation.wrap(moto.sageMaker)).build()))
                .build();
    }

    @AfterEach
    void tearDown() {
        deployer.close();
        moto.close();
    }

    private DeployResult deploy(Path dir, String weights) throws Exception {
        Files.writeString(dir.resolve("weights.txt"), weights);
        return deployer.deploy(ModelSpec.builder("gen").source(dir).build());
    }

    private String config() {
        return moto.sageMaker.describeEndpoint(b -> b.endpointName("gen")).endpointConfigName();
    }

    @Test
    void redeploy_keepsOnePreviousGeneration_rollbackReturnsToIt_andUndeployRemovesBoth() throws Exception {
        Path dir = MotoResources.model(tmp.resolve("m"), "v1");
        deploy(dir, "v1");
        String first = config();
        NoPreviousVersionException none = assertThrows(NoPreviousVersionException.class,
                () -> deployer.rollback("gen"));
        assertTrue(none.getMessage().contains("no earlier endpoint config kept"), none.getMessage());

        DeployResult v2 = deploy(dir, "v2");
        String second = config();
        assertEquals(DeployResult.Change.UPDATED, v2.change());
        assertEquals(List.of(first, second).stream().sorted().toList(), moto.endpointConfigs(),
                "the previous config is kept after an update");
        assertEquals(List.of(first, second).stream().sorted().toList(), moto.models());

        deploy(dir, "v3");
        String third = config();
        assertEquals(List.of(second, third).stream().sorted().toList(), moto.endpointConfigs(),
                "generations before the previous one are deleted");
        assertEquals(List.of(second, third).stream().sorted().toList(), moto.models());
        assertEquals(3, moto.artifacts().size(), moto.artifacts().toString());

        RollbackResult back = deployer.rollback("gen");
        assertEquals(third, back.fromVersion());
        assertEquals(second, back.toVersion());
        assertEquals(second, config(), "DescribeEndpoint shows the previous config");
        assertEquals(v2.deployment().specHash(), deployer.describe("gen").specHash());
        assertEquals(List.of(second, third).stream().sorted().toList(), moto.endpointConfigs(),
                "the config rolled back from stays, for a second rollback");
        assertEquals(DeployResult.Change.UNCHANGED, deploy(dir, "v2").change(),
                "after the rollback the endpoint runs v2's spec");

        assertTrue(deployer.undeploy("gen"));
        assertEquals(MotoResources.NOTHING, moto.everything());
    }
}
