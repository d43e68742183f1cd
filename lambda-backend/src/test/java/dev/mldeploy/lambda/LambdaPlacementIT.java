package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.Architecture;
import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/**
 * A deploy through placement ({@code auto}) against the emulator: the function Lambda holds has the settings the
 * chosen candidate decided, read back with GetFunctionConfiguration; a name Lambda cannot take creates nothing.
 */
@ExtendWith(AwsEndpointExtension.class)
class LambdaPlacementIT {
    @TempDir
    Path dir;
    LambdaFixtures fx;

    @BeforeEach
    void setUp(AwsEndpoint aws) {
        aws.assumeSupports("lambda");
        fx = new LambdaFixtures(aws);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private ModelDeployer auto() {
        return ModelDeployer.builder().provider(fx.target().createRole(true).build())
                .defaultTarget(ModelDeployer.AUTO).discoverProviders(false).environment(fx.aws.environment())
                .build();
    }

    @Test
    void deployAuto_createsTheFunctionWithTheChosenCandidatesSettings() {
        // 64 MB is under Lambda's floor and 2.5 s is not whole seconds: placement's choice is 128 MB and 3 s
        ModelSpec spec = ModelSpec.builder("placed").source(LambdaFixtures.echoModel(dir, "placed")).memoryMb(64)
                .maxInferenceTime(Duration.ofMillis(2500)).ephemeralStorageMb(1024)
                .architecture(Architecture.ARM64).traffic(t -> t.averageInferenceTime(Duration.ofMillis(100)))
                .build();
        try (ModelDeployer d = auto()) {
            DeployResult r = d.deploy(spec, DeployOptions.builder().timeout(Duration.ofMinutes(2)).build());
            CandidateEvaluation chosen = r.placementDecision().orElseThrow().chosen().orElseThrow();
            assertEquals("lambda:zip", chosen.name());
            assertEquals("lambda", r.deployment().target());

            GetFunctionConfigurationResponse c = fx.lambda.getFunctionConfiguration(b -> b.functionName("placed"));
            assertEquals(Integer.valueOf(chosen.settings().get(CandidateEvaluation.MEMORY_MB)), c.memorySize());
            assertEquals(128, c.memorySize());
            assertEquals(3, c.timeout());
            assertEquals(Integer.valueOf(chosen.settings().get(CandidateEvaluation.TIMEOUT_SECONDS)), c.timeout());
            assertEquals(1024, c.ephemeralStorage().size());
            assertEquals(List.of("arm64"), c.architecturesAsStrings());
            assertEquals(chosen.settings().get(CandidateEvaluation.RUNTIME), c.runtimeAsString());
            assertTrue(d.undeploy("placed"));
        }
        assertThrows(ResourceNotFoundException.class,
                () -> fx.lambda.getFunctionConfiguration(b -> b.functionName("placed")));
    }

    @Test
    void deployToLambda_withANameOverItsLimit_isRefusedBeforeAnyCall_andCreatesNothing() {
        String name = "n".repeat(49);
        ModelSpec spec = ModelSpec.builder(name).source(LambdaFixtures.echoModel(dir, "long")).build();
        try (ModelDeployer d = ModelDeployer.builder().provider(fx.target().createRole(true).build())
                .defaultTarget("lambda").discoverProviders(false).environment(fx.aws.environment()).build()) {
            dev.mldeploy.PlacementException e = assertThrows(dev.mldeploy.PlacementException.class,
                    () -> d.deploy(spec, DeployOptions.builder().timeout(Duration.ofMinutes(1)).build()));
            assertTrue(e.getMessage().contains("is 49 characters, over the 48 Lambda allows"), e.getMessage());
        }
        assertEquals(List.of(), fx.lambda.listFunctions().functions());
        assertTrue(fx.roles().stream().noneMatch(r -> r.startsWith("mldeploy-lambda-")), fx.roles().toString());
    }

    @Test
    void deployDirectly_withANameOverItsLimit_isAnInvalidSpec_andCreatesNothing() {
        String name = "m".repeat(49);
        ModelSpec spec = ModelSpec.builder(name).source(LambdaFixtures.echoModel(dir, "direct")).build();
        try (var t = dev.mldeploy.lambda.internal.LambdaDeploymentTarget.create(fx.target().createRole(true).build().settings(),
                new dev.mldeploy.spi.TargetContext(fx.aws.environment()))) {
            InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> t.deploy(spec,
                    dev.mldeploy.spi.DeployContext.of(name, "lambda", ev -> { }, Duration.ofMinutes(1))));
            assertTrue(e.getMessage().startsWith("the lambda target cannot deploy model"), e.getMessage());
        }
        assertEquals(List.of(), fx.lambda.listFunctions().functions());
    }
}
