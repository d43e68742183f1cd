package dev.mldeploy.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentNotFoundException;
import dev.mldeploy.DeploymentStatus;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.PayloadTooLargeException;
import dev.mldeploy.internal.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every target keeps, as one test suite each backend extends (in core's test-jar): deploy creates and
 * describe/list show it; invoke answers; an unchanged redeploy changes nothing; a changed spec updates in place;
 * a payload over the limit is rejected before sending; an unknown name is not found; undeploy removes it once.
 *
 * <p>A subclass gives a deployer whose default target is {@link #targetName()} ({@link #newDeployer()}, called
 * before each test and closed after it) and, when the target does not run the model itself (an emulator),
 * queues the answer in {@link #expectAnswer(String, String)}. The model is {@link TestModels#ECHO}; the kit
 * undeploys what it deployed after each test.
 */
public abstract class TargetContractKit {
    /** The request every invoke sends. */
    protected static final String REQUEST = "{\"text\": \"hello kit\"}";

    @TempDir
    protected Path kitDir;

    protected ModelDeployer deployer;
    private final List<String> deployed = new ArrayList<>();

    /** A deployer whose default target is {@link #targetName()}. Called before each test. */
    protected abstract ModelDeployer newDeployer();

    /** The target under test ({@code local}, {@code sagemaker}, {@code lambda}). */
    protected abstract String targetName();

    /**
     * Called before each invoke with the deployment's name and the body the model must answer; a target backed by
     * an emulator queues it there. The local target runs the model, so it does nothing.
     */
    protected void expectAnswer(String deploymentName, String body) {
    }

    /** Whether the target can update a deployment in place (moto lacks UpdateEndpoint). */
    protected boolean supportsUpdate() {
        return true;
    }

    /** Why {@link #supportsUpdate()} is false, for the skipped test's report. */
    protected String updateUnsupportedReason() {
        return targetName() + " (as tested here) cannot update a deployment in place";
    }

    /** How long one deploy may take. */
    protected Duration deployTimeout() {
        return Duration.ofMinutes(5);
    }

    /** A spec for the echo model under {@code name}; override to add what the target needs. */
    protected ModelSpec.Builder spec(String name) {
        return ModelSpec.builder(name).source(TestModels.copy(TestModels.ECHO, kitDir, name));
    }

    @BeforeEach
    void openDeployer() {
        deployer = newDeployer();
        assertEquals(targetName(), deployer.defaultTarget(), "the kit needs a deployer whose default target is "
                + targetName());
    }

    @AfterEach
    void undeployAndClose() {
        try {
            for (String name : deployed) {
                deployer.undeploy(name);
            }
        } finally {
            deployer.close();
        }
        afterUndeploy();
    }

    /** Called after each test once the kit has undeployed what it deployed: check that nothing is left. */
    protected void afterUndeploy() {
    }

    /** A fresh deployment name: {@code kit-<prefix>-<8 hex>}. */
    protected String newName(String prefix) {
        return "kit-" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected DeployResult deploy(ModelSpec spec) {
        deployed.add(spec.name());
        return deployer.deploy(spec, DeployOptions.builder().target(targetName()).timeout(deployTimeout()).build());
    }

    private static void assertSameJson(String expected, String actual) {
        assertEquals(Json.parse(expected), Json.parse(actual), "answer " + actual);
    }

    @Test
    void deploy_whenNew_createsAndDescribeAndListShowIt() {
        String name = newName("new");
        DeployResult result = deploy(spec(name).build());

        assertEquals(DeployResult.Change.CREATED, result.change(), result.message());
        assertEquals(name, result.deployment().name());
        assertEquals(targetName(), result.deployment().target());
        assertFalse(result.deployment().specHash().isEmpty(), "a deployment records its spec hash");
        Deployment described = deployer.describe(name);
        assertEquals(name, described.name());
        assertEquals(targetName(), described.target());
        assertEquals(DeploymentStatus.IN_SERVICE, described.status(), described.statusReason());
        assertEquals(result.deployment().specHash(), described.specHash());
        assertTrue(deployer.list().stream().anyMatch(d -> d.name().equals(name) && d.target().equals(targetName())),
                "list shows " + name + ": " + deployer.list());
    }

    @Test
    void invoke_afterDeploy_returnsTheModelsAnswer() {
        String name = newName("invoke");
        deploy(spec(name).build());
        String expected = TestModels.echoAnswer("hello kit", "1");
        expectAnswer(name, expected);

        try (InferenceClient client = deployer.client(name)) {
            InferenceResponse response = client.invoke(InferenceRequest.json(REQUEST));
            assertSameJson(expected, response.bodyAsString());
            assertEquals(targetName(), response.target());
            assertEquals(name, client.deploymentName());
            assertEquals(targetName(), client.target());
        }
    }

    @Test
    void deploy_whenSpecUnchanged_returnsUnchanged() {
        String name = newName("same");
        DeployResult first = deploy(spec(name).build());
        DeployResult second = deploy(spec(name).build());

        assertEquals(DeployResult.Change.UNCHANGED, second.change(), second.message());
        assertEquals(first.deployment().specHash(), second.deployment().specHash());
        assertEquals(DeploymentStatus.IN_SERVICE, deployer.describe(name).status());
    }

    @Test
    void deploy_whenSpecChanged_updatesInPlace() {
        Assumptions.assumeTrue(supportsUpdate(), this::updateUnsupportedReason);
        String name = newName("upd");
        DeployResult first = deploy(spec(name).build());
        DeployResult second = deploy(spec(name).putEnvironment("ECHO_VERSION", "2").build());

        assertEquals(DeployResult.Change.UPDATED, second.change(), second.message());
        assertNotEquals(first.deployment().specHash(), second.deployment().specHash());
        assertEquals(second.deployment().specHash(), deployer.describe(name).specHash());
        String expected = TestModels.echoAnswer("hello kit", "2");
        expectAnswer(name, expected);
        try (InferenceClient client = deployer.client(name)) {
            assertSameJson(expected, client.invokeJson(REQUEST));
        }
    }

    @Test
    void invoke_whenPayloadOverLimit_throwsBeforeSending() {
        String name = newName("big");
        deploy(spec(name).build());
        try (InferenceClient client = deployer.client(name)) {
            long limit = client.maxRequestBytes();
            assertTrue(limit > 0 && limit < Integer.MAX_VALUE, "limit " + limit);
            byte[] body = new byte[(int) limit + 1];
            PayloadTooLargeException e = assertThrows(PayloadTooLargeException.class,
                    () -> client.invoke(InferenceRequest.of(body, "application/octet-stream")));
            assertEquals(limit, e.limitBytes());
            assertEquals(limit + 1, e.sizeBytes());
            assertTrue(e.getMessage().contains(Long.toString(limit)), e.getMessage());

            // nothing was sent: the answer queued now is the one the next request gets
            String expected = TestModels.echoAnswer("hello kit", "1");
            expectAnswer(name, expected);
            assertSameJson(expected, client.invokeJson(REQUEST));
        }
    }

    @Test
    void describeAndClient_whenNameUnknown_throwNotFound() {
        String name = newName("missing");
        DeploymentNotFoundException d = assertThrows(DeploymentNotFoundException.class, () -> deployer.describe(name));
        assertEquals(name, d.deploymentName());
        assertTrue(d.getMessage().contains(name), d.getMessage());
        assertThrows(DeploymentNotFoundException.class, () -> deployer.client(name));
        assertFalse(deployer.undeploy(name), "undeploying an unknown name removes nothing");
    }

    @Test
    void undeploy_removesItOnce() {
        String name = newName("gone");
        deploy(spec(name).build());

        assertTrue(deployer.undeploy(name));
        assertThrows(DeploymentNotFoundException.class, () -> deployer.describe(name));
        assertTrue(deployer.list().stream().noneMatch(d -> d.name().equals(name)), "list: " + deployer.list());
        assertFalse(deployer.undeploy(name), "a second undeploy finds nothing");
    }
}
