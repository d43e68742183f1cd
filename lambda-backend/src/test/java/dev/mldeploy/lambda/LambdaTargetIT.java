package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.DeploymentStatus;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.PayloadTooLargeException;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/** The lambda target against the emulator (moto): lifecycle, idempotence, updates, S3 packages, role retry, limits. */
@ExtendWith(AwsEndpointExtension.class)
class LambdaTargetIT {
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

    private DeployResult deploy(ModelDeployer d, ModelSpec spec) {
        return d.deploy(spec, DeployOptions.builder().timeout(Duration.ofMinutes(2)).build());
    }

    @Test
    void lifecycle_createInvokeUndeploy_leavesNothingBehind() {
        ModelSpec spec = ModelSpec.builder("life").source(LambdaFixtures.echoModel(dir, "life")).build();
        try (ModelDeployer d = fx.deployer(fx.target().createRole(true).build())) {
            DeployResult r = deploy(d, spec);
            assertEquals(DeployResult.Change.CREATED, r.change(), r.message());
            Deployment described = d.describe("life");
            assertEquals(DeploymentStatus.IN_SERVICE, described.status(), described.statusReason());
            assertEquals("1", described.attributes().get("version"));
            assertEquals(r.deployment().specHash(), described.specHash());
            assertEquals(List.of("life"), d.list().stream().map(Deployment::name).toList());
            assertEquals("live", fx.lambda.getAlias(b -> b.functionName("life").name("live")).name());
            assertTrue(fx.roles().contains("mldeploy-lambda-life"), fx.roles().toString());

            String answer = "{\"echo\": {\"text\": \"hi\"}, \"version\": \"1\"}";
            fx.aws.queueLambdaResults(List.of(LambdaFixtures.envelope(answer)));
            try (InferenceClient c = d.client("life")) {
                InferenceResponse resp = c.invoke(InferenceRequest.json("{\"text\": \"hi\"}"));
                assertEquals(answer, resp.bodyAsString());
                assertEquals("application/json", resp.contentType());
                assertEquals("lambda", resp.target());
            }

            assertTrue(d.undeploy("life"));
            assertEquals(List.of(), fx.functions());
            assertEquals(List.of(), fx.versions("life"));
            assertThrows(ResourceNotFoundException.class,
                    () -> fx.lambda.getAlias(b -> b.functionName("life").name("live")));
            assertFalse(fx.roles().contains("mldeploy-lambda-life"), fx.roles().toString());
            assertFalse(d.undeploy("life"), "a second undeploy finds nothing");
        }
    }

    @Test
    void redeploy_whenUnchanged_makesNoMutatingCall() {
        ModelSpec spec = ModelSpec.builder("same").source(LambdaFixtures.echoModel(dir, "same")).build();
        try (ModelDeployer d = fx.deployer(fx.target().createRole(true).build())) {
            DeployResult first = deploy(d, spec);
            fx.faults.clear();
            DeployResult second = deploy(d, spec);
            assertEquals(DeployResult.Change.UNCHANGED, second.change(), second.message());
            assertEquals(first.deployment().specHash(), second.deployment().specHash());
            assertEquals(List.of(), fx.faults.mutatingCalls(), "calls: " + fx.faults.calls());
            d.undeploy("same");
        }
    }

    @Test
    void redeploy_whenModelChanged_updatesCodeOnlyAndMovesAlias() throws Exception {
        Path model = LambdaFixtures.echoModel(dir, "chg");
        ModelSpec spec = ModelSpec.builder("chg").source(model).build();
        try (ModelDeployer d = fx.deployer(fx.target().createRole(true).build())) {
            deploy(d, spec);
            String shaBefore = fx.lambda.getFunction(b -> b.functionName("chg")).configuration().codeSha256();
            Files.writeString(model.resolve("weights.txt"), "new weights");
            fx.faults.clear();

            DeployResult r = deploy(d, spec);

            assertEquals(DeployResult.Change.UPDATED, r.change(), r.message());
            assertEquals(1, fx.faults.count("UpdateFunctionCode"), fx.faults.calls().toString());
            assertEquals(0, fx.faults.count("UpdateFunctionConfiguration"), fx.faults.calls().toString());
            assertEquals(0, fx.faults.count("CreateRole"));
            assertNotEquals(shaBefore, fx.lambda.getFunction(b -> b.functionName("chg")).configuration().codeSha256());
            assertEquals("2", fx.lambda.getAlias(b -> b.functionName("chg").name("live")).functionVersion());
            assertEquals(r.deployment().specHash(), d.describe("chg").specHash());
            d.undeploy("chg");
        }
    }

    @Test
    void redeploy_whenEnvironmentChanged_updatesConfigurationOnly() {
        Path model = LambdaFixtures.echoModel(dir, "cfg");
        try (ModelDeployer d = fx.deployer(fx.target().createRole(true).build())) {
            deploy(d, ModelSpec.builder("cfg").source(model).build());
            fx.faults.clear();
            DeployResult r = deploy(d, ModelSpec.builder("cfg").source(model).putEnvironment("ECHO_VERSION", "2")
                    .build());
            assertEquals(DeployResult.Change.UPDATED, r.change());
            assertEquals(0, fx.faults.count("UpdateFunctionCode"), fx.faults.calls().toString());
            assertEquals(1, fx.faults.count("UpdateFunctionConfiguration"), fx.faults.calls().toString());
            assertEquals(Map.of("ECHO_VERSION", "2"), fx.lambda.getFunction(b -> b.functionName("cfg"))
                    .configuration().environment().variables());
            d.undeploy("cfg");
        }
    }

    @Test
    void deploy_whenPackageOverDirectLimit_goesThroughS3_andUndeployDeletesIt() throws Exception {
        Path model = LambdaFixtures.echoModel(dir, "big");
        byte[] noise = new byte[64 * 1024];
        new Random(7).nextBytes(noise); // incompressible: the zip stays over the lowered limit
        Files.write(model.resolve("weights.bin"), noise);
        LambdaTarget target = fx.target().createRole(true).bucket("mldeploy-packages").createBucket(true)
                .directUploadLimitBytes(32 * 1024).build();
        try (ModelDeployer d = fx.deployer(target)) {
            DeployResult r = deploy(d, ModelSpec.builder("big").source(model).build());

            assertEquals(DeployResult.Change.CREATED, r.change());
            assertEquals(1, fx.faults.count("PutObject"));
            List<String> keys = fx.objects("mldeploy-packages");
            assertEquals(1, keys.size(), keys.toString());
            assertTrue(keys.get(0).startsWith("mldeploy/lambda/big/"), keys.toString());
            assertEquals(r.deployment().attributes().get("codeSha256"),
                    fx.lambda.getFunction(b -> b.functionName("big")).configuration().codeSha256());

            assertTrue(d.undeploy("big"));
            assertEquals(List.of(), fx.objects("mldeploy-packages"));
            assertEquals(List.of(), fx.functions());
        }
    }

    @Test
    void deploy_whenPackageOverDirectLimitAndNoBucket_failsBeforeAnyCall() throws Exception {
        Path model = LambdaFixtures.echoModel(dir, "nobucket");
        byte[] noise = new byte[64 * 1024];
        new Random(7).nextBytes(noise);
        Files.write(model.resolve("weights.bin"), noise);
        try (ModelDeployer d = fx.deployer(fx.target().createRole(true).directUploadLimitBytes(32 * 1024).build())) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> deploy(d, ModelSpec.builder("nobucket").source(model).build()));
            assertTrue(e.getMessage().contains("--bucket"), e.getMessage());
            assertEquals(List.of(), fx.faults.mutatingCalls());
            assertEquals(List.of(), fx.functions());
        }
    }

    @Test
    void deploy_whenRoleNotAssumableYet_retriesUntilItIs() {
        String role = fx.existingRole("fresh-role");
        fx.faults.clear();
        fx.faults.failNext("CreateFunction", 2, () -> LambdaFixtures.roleNotAssumable());
        List<String> phases = new java.util.ArrayList<>();
        try (ModelDeployer d = fx.deployer(fx.target().roleArn(role).build())) {
            DeployResult r = d.deploy(ModelSpec.builder("retry").source(LambdaFixtures.echoModel(dir, "retry")).build(),
                    DeployOptions.builder().progressListener(e -> phases.add(e.status())).build());
            assertEquals(DeployResult.Change.CREATED, r.change());
            assertEquals(3, fx.faults.count("CreateFunction"));
            assertTrue(phases.contains("role not assumable yet"), phases.toString());
            d.undeploy("retry");
            assertTrue(fx.roles().contains("fresh-role"), "a role mldeploy did not create is left alone");
        }
    }

    @Test
    void deploy_whenRoleNeverAssumable_failsSayingSo_andLeavesNothing() {
        fx.faults.failNext("CreateFunction", 1000, () -> LambdaFixtures.roleNotAssumable());
        LambdaTarget target = fx.target().createRole(true).rolePropagationTimeout(Duration.ofMillis(300)).build();
        try (ModelDeployer d = fx.deployer(target)) {
            DeploymentFailedException e = assertThrows(DeploymentFailedException.class, () -> deploy(d,
                    ModelSpec.builder("never").source(LambdaFixtures.echoModel(dir, "never")).build()));
            assertTrue(e.getMessage().contains("cannot assume the execution role"), e.getMessage());
            assertTrue(fx.faults.count("CreateFunction") > 1, fx.faults.calls().toString());
            assertEquals(List.of(), fx.functions());
            assertFalse(fx.roles().contains("mldeploy-lambda-never"), "the role this deploy created is removed");
        }
        fx.faults.clear();
        try (ModelDeployer d = fx.deployer(fx.target().createRole(true).build())) {
            assertEquals(DeployResult.Change.CREATED, deploy(d, ModelSpec.builder("never")
                    .source(dir.resolve("never")).build()).change(), "a retry succeeds");
            d.undeploy("never");
        }
    }

    @Test
    void deploy_whenRoleArnMalformed_failsBeforeAnyCall() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> fx.target().roleArn("arn:aws:iam::12345:role/short-account").build());
        assertTrue(e.getMessage().contains("malformed"), e.getMessage());

        Map<String, String> env = new java.util.HashMap<>(fx.aws.environment());
        env.put("MLDEPLOY_ROLE_ARN", "lambda-role");
        try (ModelDeployer d = ModelDeployer.builder().defaultTarget("lambda").environment(env).build()) {
            ModelSpec spec = ModelSpec.builder("badrole").source(LambdaFixtures.echoModel(dir, "badrole")).build();
            assertThrows(InvalidConfigurationException.class, () -> deploy(d, spec));
        }
        assertEquals(List.of(), fx.faults.calls());
        assertEquals(List.of(), fx.functions());
    }

    @Test
    void deploy_whenModelOverUnzippedLimit_refusesBeforeAnyCall() throws Exception {
        Path model = LambdaFixtures.echoModel(dir, "huge");
        try (RandomAccessFile f = new RandomAccessFile(model.resolve("weights.bin").toFile(), "rw")) {
            f.setLength(251L * 1024 * 1024); // sparse: sized without writing 251 MB
        }
        // a zip asked for: without it, placement's lambda:image makes mldeploy build a container image instead
        try (ModelDeployer d = fx.deployer(fx.target().createRole(true).packageType(LambdaTarget.PackageType.ZIP)
                .build())) {
            InvalidSpecException e = assertThrows(InvalidSpecException.class,
                    () -> d.deploy(ModelSpec.builder("huge").source(model).build(),
                            DeployOptions.builder().build()));
            assertTrue(e.getMessage().contains("imageUri") && e.getMessage().contains("SageMaker"), e.getMessage());
        } catch (dev.mldeploy.PlacementException e) {
            // placement (run by the deployer for a named target) may refuse first, equally before any call
            assertTrue(e.getMessage().contains("250") || e.getMessage().toLowerCase().contains("unzipped"),
                    e.getMessage());
        }
        assertEquals(List.of(), fx.faults.calls());
        assertEquals(List.of(), fx.functions());
        assertEquals(List.of(), fx.roles());
    }

    @Test
    void invoke_whenPayloadOverLimit_throwsBeforeSending() {
        try (ModelDeployer d = fx.deployer(fx.target().createRole(true).build())) {
            deploy(d, ModelSpec.builder("payload").source(LambdaFixtures.echoModel(dir, "payload")).build());
            try (InferenceClient c = d.client("payload")) {
                fx.faults.clear();
                byte[] body = new byte[(int) c.maxRequestBytes() + 1];
                PayloadTooLargeException e = assertThrows(PayloadTooLargeException.class,
                        () -> c.invoke(InferenceRequest.of(body, "application/octet-stream")));
                assertEquals(4_717_824L, e.limitBytes());
                assertEquals(0, fx.faults.count("Invoke"));
            }
            d.undeploy("payload");
        }
    }

    @Test
    void deploy_whenFirstDeployFailsMidway_removesFunctionRoleAndUploadedPackage_soARetrySucceeds() throws Exception {
        Path model = LambdaFixtures.echoModel(dir, "midway");
        byte[] noise = new byte[64 * 1024];
        new Random(11).nextBytes(noise);
        Files.write(model.resolve("weights.bin"), noise);
        LambdaTarget target = fx.target().createRole(true).bucket("mldeploy-packages").createBucket(true)
                .directUploadLimitBytes(32 * 1024).build();
        fx.faults.failNext("CreateAlias", 1, () -> software.amazon.awssdk.services.lambda.model.ServiceException
                .builder().statusCode(400).awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails
                        .builder().errorCode("ServiceException").errorMessage("injected").build()).build());
        ModelSpec spec = ModelSpec.builder("midway").source(model).build();
        try (ModelDeployer d = fx.deployer(target)) {
            DeploymentFailedException e = assertThrows(DeploymentFailedException.class, () -> deploy(d, spec));
            assertTrue(e.getMessage().contains("cleaned up what this deploy created (function midway, IAM role "
                    + "mldeploy-lambda-midway, package s3://mldeploy-packages/mldeploy/lambda/midway/"), e.getMessage());
            assertEquals(1, fx.faults.count("CreateFunction"));
            assertEquals(List.of(), fx.functions());
            assertFalse(fx.roles().contains("mldeploy-lambda-midway"), fx.roles().toString());
            assertEquals(List.of(), fx.objects("mldeploy-packages"));

            assertEquals(DeployResult.Change.CREATED, deploy(d, spec).change(), "a retry succeeds");
            assertTrue(d.undeploy("midway"));
            assertEquals(List.of(), fx.functions());
        }
    }

    @Test
    void redeploy_whenCodeUpdateFails_aliasStaysOnLastGoodVersion_andRollbackMovesItBack() throws Exception {
        Path model = LambdaFixtures.echoModel(dir, "roll");
        LambdaTarget target = fx.target().createRole(true).build();
        try (ModelDeployer d = fx.deployer(target)) {
            deploy(d, ModelSpec.builder("roll").source(model).build());
            DeployResult v2 = deploy(d, ModelSpec.builder("roll").source(model).putEnvironment("ECHO_VERSION", "2")
                    .build());
            assertEquals("2", d.describe("roll").attributes().get("version"));

            Files.writeString(model.resolve("weights.txt"), "broken weights");
            fx.faults.failNext("UpdateFunctionCode", 1, () -> software.amazon.awssdk.services.lambda.model
                    .CodeStorageExceededException.builder().statusCode(400).awsErrorDetails(
                            software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                                    .errorCode("CodeStorageExceededException").errorMessage("Code storage limit exceeded.")
                                    .build()).build());
            DeploymentFailedException e = assertThrows(DeploymentFailedException.class, () -> deploy(d,
                    ModelSpec.builder("roll").source(model).putEnvironment("ECHO_VERSION", "2").build()));
            assertTrue(e.getMessage().contains("CodeStorageExceededException"), e.getMessage());
            assertTrue(e.getMessage().contains("still serves version 2"), e.getMessage());
            Deployment after = d.describe("roll");
            assertEquals("2", after.attributes().get("version"));
            assertEquals(v2.deployment().specHash(), after.specHash());

            dev.mldeploy.RollbackResult rolled = d.rollback("roll");
            assertEquals("2", rolled.fromVersion());
            assertEquals("1", rolled.toVersion());
            assertEquals("1", rolled.deployment().attributes().get("version"));
            assertEquals("1", d.describe("roll").attributes().get("version"));
            assertEquals(Set.of("live"), Set.copyOf(fx.lambda.listAliases(b -> b.functionName("roll")).aliases()
                    .stream().map(a -> a.name()).toList()), "the deploy lease was given back");
            dev.mldeploy.NoPreviousVersionException none = assertThrows(dev.mldeploy.NoPreviousVersionException.class,
                    () -> d.rollback("roll"));
            assertTrue(none.getMessage().contains("no version before 1"), none.getMessage());
            assertEquals("1", fx.lambda.getAlias(b -> b.functionName("roll").name("live")).functionVersion());
            assertEquals("1", fx.lambda.getAlias(b -> b.functionName("roll").name("live")).functionVersion());

            Files.writeString(model.resolve("weights.txt"), "fixed weights");
            DeployResult forward = deploy(d, ModelSpec.builder("roll").source(model)
                    .putEnvironment("ECHO_VERSION", "3").build());
            assertEquals(DeployResult.Change.UPDATED, forward.change(), forward.message());
            String serving = fx.lambda.getAlias(b -> b.functionName("roll").name("live")).functionVersion();
            assertTrue(Long.parseLong(serving) > 2, "a deploy after the rollback publishes a new version: " + serving);
            assertEquals(forward.deployment().specHash(), d.describe("roll").specHash());
            assertTrue(d.undeploy("roll"));
        }
    }
}
