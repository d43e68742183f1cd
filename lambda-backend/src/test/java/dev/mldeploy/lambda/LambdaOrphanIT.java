package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.ProgressListener;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.lambda.internal.RoleManager;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Nothing a deploy creates is lost when it is cut off or killed: a network cut at CreateFunction (whose cleanup
 * fails too, or works), and a deploy killed right after it made its role and uploaded its package. Each time
 * {@code undeploy NAME}, with no role or bucket configuration, finds and removes everything, IAM and S3 listings
 * prove nothing is left, and a retry succeeds.
 */
@ExtendWith(AwsEndpointExtension.class)
class LambdaOrphanIT {
    private static final String BUCKET = "mldeploy-orphans";
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

    private static DeployResult deploy(ModelDeployer d, ModelSpec spec) {
        return d.deploy(spec, DeployOptions.builder().timeout(Duration.ofMinutes(2)).build());
    }

    private static SdkClientException networkCut() {
        return SdkClientException.create("Unable to execute HTTP request: Connection reset (injected)");
    }

    /** A model whose zip is over the lowered direct upload limit, so it goes through S3. */
    private Path bigModel(String name) throws Exception {
        Path model = LambdaFixtures.echoModel(dir, name);
        byte[] noise = new byte[64 * 1024];
        new Random(3).nextBytes(noise);
        Files.write(model.resolve("weights.bin"), noise);
        return model;
    }

    private LambdaTarget.Builder viaS3() {
        return fx.target().bucket(BUCKET).createBucket(true).directUploadLimitBytes(32 * 1024);
    }

    @Test
    void deploy_whenCutOffAtCreateFunction_cleansUpItsRoleAndPackage_andSaysSoOnlyThen() throws Exception {
        fx.faults.failNext("CreateFunction", 10, LambdaOrphanIT::networkCut);
        ModelSpec spec = ModelSpec.builder("cut").source(bigModel("cut")).build();
        try (ModelDeployer d = fx.deployer(viaS3().createRole(true).build())) {
            DeploymentFailedException e = assertThrows(DeploymentFailedException.class, () -> deploy(d, spec));
            assertTrue(e.getMessage().contains("Connection reset"), e.getMessage());
            assertTrue(e.getMessage().contains("cleaned up what this deploy created (IAM role mldeploy-lambda-cut, "
                    + "package s3://" + BUCKET + "/mldeploy/lambda/cut/"), e.getMessage());
        }
        assertEquals(List.of(), fx.functions());
        assertEquals(List.of(), fx.roles());
        assertEquals(List.of(), fx.objects(BUCKET));
        fx.faults.clear();
        try (ModelDeployer d = fx.deployer(viaS3().createRole(true).build())) {
            assertEquals(DeployResult.Change.CREATED, deploy(d, spec).change(), "a retry succeeds");
            assertTrue(d.undeploy("cut"));
        }
        assertEquals(List.of(), fx.roles());
        assertEquals(List.of(), fx.objects(BUCKET));
    }

    @Test
    void deploy_whenCutOffAtCreateFunctionAndItsCleanupFailsToo_namesWhatIsLeft_andUndeployByNameRemovesIt()
            throws Exception {
        fx.faults.failNext("CreateFunction", 10, LambdaOrphanIT::networkCut);
        fx.faults.failNext("ListAttachedRolePolicies", 10, LambdaOrphanIT::networkCut);
        fx.faults.failNext("DeleteObject", 10, LambdaOrphanIT::networkCut);
        ModelSpec spec = ModelSpec.builder("cutoff").source(bigModel("cutoff")).build();
        try (ModelDeployer d = fx.deployer(viaS3().createRole(true).build())) {
            DeploymentFailedException e = assertThrows(DeploymentFailedException.class, () -> deploy(d, spec));
            assertFalse(e.getMessage().contains("cleaned up"), e.getMessage());
            assertTrue(e.getMessage().contains("could not remove IAM role mldeploy-lambda-cutoff, package s3://"
                    + BUCKET + "/mldeploy/lambda/cutoff/"), e.getMessage());
            assertTrue(e.getMessage().contains("mldeploy undeploy cutoff"), e.getMessage());
        }
        assertEquals(List.of("mldeploy-lambda-cutoff"), fx.roles(), "left behind, as the message says");
        assertEquals(1, fx.objects(BUCKET).size());

        fx.faults.clear();
        List<String> said = new ArrayList<>();
        // a plain undeploy: no --create-role, no --bucket; the name alone finds the role, the role the bucket
        try (ModelDeployer d = fx.deployer(fx.target().build())) {
            assertTrue(d.undeploy("cutoff", e -> said.add(e.message())), "there was something to remove");
        }
        assertEquals(List.of(), fx.roles());
        assertEquals(List.of(), fx.objects(BUCKET));
        assertEquals(List.of(), fx.functions());
        assertTrue(said.get(said.size() - 1).startsWith("removed IAM role mldeploy-lambda-cutoff, 1 package in s3://"
                + BUCKET + "/mldeploy/lambda/cutoff/"), said.toString());

        try (ModelDeployer d = fx.deployer(viaS3().createRole(true).build())) {
            assertEquals(DeployResult.Change.CREATED, deploy(d, spec).change(), "a retry succeeds");
            assertTrue(d.undeploy("cutoff"));
        }
        assertEquals(List.of(), fx.roles());
    }

    @Test
    void undeploy_afterADeployKilledOnceItMadeItsRoleAndUploadedItsPackage_removesBoth() {
        // what a deploy does before CreateFunction, done the same way, then nothing more (the process died)
        DeployContext ctx = DeployContext.of("killed", "lambda", ProgressListener.none(), Duration.ofMinutes(1));
        new RoleManager(fx.iam, CallBudget.of(ctx)).ensure("killed", Map.of(), BUCKET, ctx);
        fx.s3.createBucket(b -> b.bucket(BUCKET));
        fx.s3.putObject(b -> b.bucket(BUCKET).key("mldeploy/lambda/killed/0123abcd.zip"),
                RequestBody.fromString("zip"));
        assertEquals(List.of("mldeploy-lambda-killed"), fx.roles());

        try (ModelDeployer d = fx.deployer(fx.target().build())) {
            assertTrue(d.undeploy("killed"), "undeploy finds what the killed deploy made");
            assertFalse(d.undeploy("killed"), "and a second finds nothing");
        }
        assertEquals(List.of(), fx.roles());
        assertEquals(List.of(), fx.objects(BUCKET));

        try (ModelDeployer d = fx.deployer(fx.target().createRole(true).build())) {
            assertEquals(DeployResult.Change.CREATED, deploy(d, ModelSpec.builder("killed")
                    .source(LambdaFixtures.echoModel(dir, "killed")).build()).change(), "a retry succeeds");
            assertTrue(d.undeploy("killed"));
        }
        assertEquals(List.of(), fx.roles());
        assertEquals(List.of(), fx.functions());
    }

    @Test
    void deploy_afterAnUpdateKilledWhileHoldingTheLease_refusesUntilItEnds_thenTakesItOver() throws Exception {
        Path model = LambdaFixtures.echoModel(dir, "leased");
        try (ModelDeployer d = fx.deployer(fx.target().createRole(true).build())) {
            deploy(d, ModelSpec.builder("leased").source(model).build());
            // what an update killed right after taking its lease leaves
            String until = java.time.Instant.now().plus(Duration.ofMinutes(4)).toString();
            fx.lambda.createAlias(b -> b.functionName("leased").name("mldeploy-deploying").functionVersion("$LATEST")
                    .description("mldeploy deploy lease dead-beef until " + until));
            Files.writeString(model.resolve("weights.txt"), "v2");
            fx.faults.clear();

            dev.mldeploy.ConflictException e = assertThrows(dev.mldeploy.ConflictException.class,
                    () -> deploy(d, ModelSpec.builder("leased").source(model).build()));
            assertTrue(e.getMessage().contains(until) && e.getMessage().contains("mldeploy-deploying"),
                    e.getMessage());
            assertEquals(0, fx.faults.count("UpdateFunctionCode"), fx.faults.calls().toString());
            assertEquals(0, fx.faults.count("PublishVersion"), fx.faults.calls().toString());

            // once the lease has ended, the next deploy takes it over, deploys, and gives it back
            String ended = java.time.Instant.now().minusSeconds(1).toString();
            fx.lambda.updateAlias(b -> b.functionName("leased").name("mldeploy-deploying")
                    .description("mldeploy deploy lease dead-beef until " + ended));
            assertEquals(DeployResult.Change.UPDATED, deploy(d, ModelSpec.builder("leased").source(model).build())
                    .change());
            assertEquals(List.of("live"), fx.lambda.listAliases(b -> b.functionName("leased")).aliases().stream()
                    .map(a -> a.name()).toList(), "the lease is given back");
            assertTrue(d.undeploy("leased"));
        }
        assertEquals(List.of(), fx.functions());
        assertEquals(List.of(), fx.roles());
    }

    /** Lets CreateFunction reach the endpoint, then loses its answer (every attempt, or only the first). */
    private static software.amazon.awssdk.core.interceptor.ExecutionInterceptor loseCreateFunctionAnswer(
            boolean onlyFirst) {
        java.util.concurrent.atomic.AtomicInteger lost = new java.util.concurrent.atomic.AtomicInteger();
        return new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
            @Override
            public void afterTransmission(software.amazon.awssdk.core.interceptor.Context.AfterTransmission c,
                                          software.amazon.awssdk.core.interceptor.ExecutionAttributes a) {
                if ("CreateFunction".equals(a.getAttribute(
                        software.amazon.awssdk.core.interceptor.SdkExecutionAttribute.OPERATION_NAME))
                        && (!onlyFirst || lost.getAndIncrement() == 0)) {
                    throw SdkClientException.builder().message("Unable to execute HTTP request: Read timed out "
                            + "(answer lost, injected)").cause(new java.net.SocketTimeoutException("Read timed out"))
                            .build();
                }
            }
        };
    }

    @Test
    void deploy_whenEveryCreateFunctionAnswerIsLost_findsTheFunctionItMadeAndRemovesItWithItsRole() {
        try (LambdaFixtures lossy = new LambdaFixtures(fx.aws, loseCreateFunctionAnswer(false))) {
            ModelSpec spec = ModelSpec.builder("lost").source(LambdaFixtures.echoModel(dir, "lost")).build();
            try (ModelDeployer d = fx.deployer(lossy.target().createRole(true).build())) {
                DeploymentFailedException e = assertThrows(DeploymentFailedException.class, () -> deploy(d, spec));
                assertTrue(e.getMessage().contains("cleaned up what this deploy created (function lost, IAM role "
                        + "mldeploy-lambda-lost)"), e.getMessage());
            }
            assertTrue(lossy.faults.attempts("CreateFunction") >= 1);
        }
        assertEquals(List.of(), fx.functions(), "the function the lost answer was about is gone");
        assertEquals(List.of(), fx.roles());
    }

    @Test
    void deploy_whenTheFirstCreateFunctionAnswerIsLost_theSdksRetryFindsItsOwnFunction_andTheDeploySucceeds() {
        try (LambdaFixtures lossy = new LambdaFixtures(fx.aws, loseCreateFunctionAnswer(true))) {
            ModelSpec spec = ModelSpec.builder("lost1").source(LambdaFixtures.echoModel(dir, "lost1")).build();
            try (ModelDeployer d = fx.deployer(lossy.target().createRole(true).build())) {
                assertEquals(DeployResult.Change.CREATED, deploy(d, spec).change());
                assertEquals(2, lossy.faults.attempts("CreateFunction"), "the SDK retried; Lambda answered 409");
                assertTrue(d.undeploy("lost1"));
            }
        }
        assertEquals(List.of(), fx.functions());
        assertEquals(List.of(), fx.roles());
    }
}
