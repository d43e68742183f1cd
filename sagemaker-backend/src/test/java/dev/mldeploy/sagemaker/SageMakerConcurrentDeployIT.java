package dev.mldeploy.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.ConflictException;
import dev.mldeploy.DeployResult;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointRequest;
import software.amazon.awssdk.services.sagemaker.model.DeleteEndpointRequest;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;

/**
 * Two deploys of one name with different specs at the same moment: exactly one succeeds, the other fails with
 * a {@link ConflictException} and leaves nothing of its own. moto silently overwrites an existing endpoint, so
 * {@link AwsCreateRule} restores what real SageMaker answers ("Cannot create already existing endpoint"), and
 * a barrier holds both deploys at CreateEndpoint so that both have seen no endpoint.
 */
@ExtendWith(AwsEndpointExtension.class)
class SageMakerConcurrentDeployIT {
    @TempDir
    Path tmp;
    private MotoResources moto;
    private ModelDeployer deployer;
    private final AwsCreateRule rule = new AwsCreateRule();

    /** Real SageMaker's refusal of a second CreateEndpoint for a name; holds the first two CreateEndpoints together. */
    static final class AwsCreateRule implements ExecutionInterceptor {
        private final Set<String> endpoints = ConcurrentHashMap.newKeySet();
        private final CyclicBarrier bothAtCreate = new CyclicBarrier(2);
        private volatile boolean holding = true;

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            SdkRequest r = context.request();
            if (r instanceof CreateEndpointRequest c) {
                if (holding) {
                    try {
                        bothAtCreate.await(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException("the second deploy never reached CreateEndpoint", e);
                    }
                    holding = false;
                }
                if (!endpoints.add(c.endpointName())) {
                    String m = "Cannot create already existing endpoint \"arn:aws:sagemaker:us-east-1:123456789012:"
                            + "endpoint/" + c.endpointName() + "\".";
                    throw SageMakerException.builder().statusCode(400).message(m).awsErrorDetails(AwsErrorDetails
                            .builder().errorCode("ValidationException").errorMessage(m).build()).build();
                }
            } else if (r instanceof DeleteEndpointRequest d) {
                endpoints.remove(d.endpointName());
            }
        }
    }

    @BeforeEach
    void setUp(AwsEndpoint aws) {
        aws.assumeSupports("sagemaker");
        moto = new MotoResources(aws);
        deployer = ModelDeployer.builder().discoverProviders(false).provider(SageMakerTargetProvider.of(moto.target()
                        .clientOverride(o -> o.addExecutionInterceptor(moto.faults).addExecutionInterceptor(rule))
                        .build()))
                .defaultTarget("sagemaker").environment(Map.of()).build();
    }

    @AfterEach
    void tearDown() {
        deployer.close();
        moto.close();
    }

    @Test
    void deploy_twoDifferentSpecsOfOneNameAtOnce_oneSucceedsAndTheOtherFailsWithConflictLeavingNothing()
            throws Exception {
        ModelSpec v1 = ModelSpec.builder("race").source(MotoResources.model(tmp.resolve("v1"), "v1")).build();
        ModelSpec v2 = ModelSpec.builder("race").source(MotoResources.model(tmp.resolve("v2"), "v2")).build();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<DeployResult>> runs = new ArrayList<>();
        try {
            runs.add(pool.submit(() -> deployer.deploy(v1)));
            runs.add(pool.submit(() -> deployer.deploy(v2)));
            List<DeployResult> won = new ArrayList<>();
            List<Throwable> lost = new ArrayList<>();
            for (Future<DeployResult> f : runs) {
                try {
                    won.add(f.get(120, TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    lost.add(e.getCause());
                }
            }

            assertEquals(1, won.size(), "exactly one deploy reports success: " + won + " / " + lost);
            assertEquals(1, lost.size());
            ConflictException conflict = assertInstanceOf(ConflictException.class, lost.get(0));
            assertTrue(conflict.getMessage().contains("another deploy"), conflict.getMessage());
            String winnerConfig = won.get(0).deployment().attributes().get("endpointConfig");
            assertEquals(List.of(winnerConfig), moto.endpointConfigs(), "the loser's config was removed");
            assertEquals(List.of(winnerConfig), moto.models(), "the loser's model was removed");
            assertEquals(1, moto.artifacts().size(), "the loser's artifact was removed: " + moto.artifacts());
        } finally {
            pool.shutdownNow();
        }
        assertTrue(deployer.undeploy("race"));
        assertEquals(MotoResources.NOTHING, moto.everything());
    }
}
