package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.DeploymentStatus;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.InvocationException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelErrorException;
import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.spi.Json;
import dev.mldeploy.kit.TestModels;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The local target when things go wrong: models that fail, processes that die or will not stop. */
class LocalTargetFailureIT extends LocalItBase {

    @Test
    void deploy_whenModelFnRaises_failsWithItsPythonErrorAndLeavesNothing() {
        DeploymentFailedException e = assertThrows(DeploymentFailedException.class,
                () -> deploy(spec("broken", TestModels.FAILS_ON_LOAD).build()));

        assertTrue(e.getMessage().contains("exited with status 1"), e.getMessage());
        assertTrue(e.getMessage().contains("RuntimeError: " + TestModels.LOAD_ERROR), e.getMessage());
        assertTrue(e.getMessage().contains("model_fn"), "the traceback names the hook: " + e.getMessage());
        assertFalse(Files.exists(stateDir("broken")), "no state left");
        assertTrue(deployer.list().isEmpty());
        assertEquals(0, LocalTestSupport.processesUnder(home).size(), "no process left");

        // nothing stands in the way of a retry
        DeployResult retry = deploy(spec("broken", TestModels.ECHO).build());
        assertEquals(DeployResult.Change.CREATED, retry.change());
    }


    @Test
    void deploy_whenModelFnOutlastsStartupTimeout_failsAndLeavesNothing() {
        deployer.close();
        deployer = newDeployer(LocalTarget.builder().startupTimeout(Duration.ofSeconds(2)));

        DeploymentFailedException e = assertThrows(DeploymentFailedException.class,
                () -> deploy(spec("slow", TestModels.SLOW_LOAD).putEnvironment("SLOW_LOAD_SECONDS", "30").build()));

        assertTrue(e.getMessage().contains("startup timeout of 2 s"), e.getMessage());
        assertTrue(e.getMessage().contains("loading the model from"), "the tail of its output: " + e.getMessage());
        assertFalse(Files.exists(stateDir("slow")));
        assertEquals(0, LocalTestSupport.processesUnder(home).size(), "no process left");
    }

    @Test
    void deploy_whenDeployTimeoutPasses_throwsOperationTimeoutAndLeavesNothing() {
        OperationTimeoutException e = assertThrows(OperationTimeoutException.class,
                () -> deployer.deploy(spec("late", TestModels.SLOW_LOAD).build(),
                        DeployOptions.builder().timeout(Duration.ofSeconds(1)).build()));

        assertTrue(e.getMessage().contains("GET /ping"), e.getMessage());
        assertFalse(Files.exists(stateDir("late")));
        assertEquals(0, LocalTestSupport.processesUnder(home).size(), "no process left");
    }

    @Test
    void invoke_whenPredictFnRaises_throwsModelErrorWithPythonTypeAndMessage() {
        deploy(spec("picky", TestModels.FAILS_ON_PREDICT).build());
        try (InferenceClient client = deployer.client("picky")) {
            ModelErrorException e = assertThrows(ModelErrorException.class, () -> client.invokeJson("{\"x\": 1}"));

            assertEquals("ValueError", e.errorType());
            assertEquals("expected a 'text' field, got ['x']", e.errorMessage());
            assertEquals(500, e.statusCode().orElse(-1));
            assertEquals("local", e.target());
            assertEquals(stateDir("picky").resolve("server.log").toString(), e.logReference().orElseThrow());
            assertTrue(e.getMessage().contains("ValueError"), e.getMessage());
        }
        // the server survives a model error
        assertEquals(DeploymentStatus.IN_SERVICE, deployer.describe("picky").status());
    }

    @Test
    void killedProcess_isReportedStoppedAndRedeployRestartsIt() {
        DeployResult first = deploy(spec("victim", TestModels.ECHO).build());
        InferenceClient client = deployer.client("victim");
        // take the handle before the kill: once the process is reaped, ProcessHandle.of finds nothing
        ProcessHandle victim = ProcessHandle.of(pid(first)).orElseThrow();
        victim.destroyForcibly();
        ProcessControl.waitForExit(victim, Duration.ofSeconds(5));

        Deployment d = deployer.describe("victim");
        assertEquals(DeploymentStatus.STOPPED, d.status());
        assertTrue(d.statusReason().contains("pid " + pid(first)), d.statusReason());
        assertTrue(d.statusReason().contains(stateDir("victim").resolve("server.log").toString()), d.statusReason());
        assertEquals(DeploymentStatus.STOPPED, deployer.list().get(0).status());

        InvocationException e = assertThrows(InvocationException.class, () -> client.invokeJson("{\"text\":\"a\"}"));
        assertFalse(e instanceof ModelErrorException);
        assertTrue(e.getMessage().contains("not running"), e.getMessage());
        assertTrue(e.getMessage().contains("deploy it again"), e.getMessage());

        DeployResult again = deploy(spec("victim", TestModels.ECHO).build());
        assertEquals(DeployResult.Change.UPDATED, again.change());
        assertTrue(again.message().contains("had died"), again.message());
        assertNotEquals(pid(first), pid(again));
        assertEquals(DeploymentStatus.IN_SERVICE, deployer.describe("victim").status());
        // the open client follows the new process
        assertEquals(Json.parse(TestModels.echoAnswer("a", "1")), Json.parse(client.invokeJson("{\"text\":\"a\"}")));
        client.close();
    }

    @Test
    void undeploy_whenProcessIgnoresSigterm_killsItAfterTheGracePeriod() {
        deployer.close();
        deployer = newDeployer(LocalTarget.builder().stopGracePeriod(Duration.ofMillis(500)));
        DeployResult r = deploy(spec("stubborn", TestModels.IGNORES_SIGTERM).build());

        long start = System.nanoTime();
        assertTrue(deployer.undeploy("stubborn"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertFalse(LocalTestSupport.running(pid(r)));
        assertTrue(ProcessControl.portFree(port(r)));
        assertTrue(took.compareTo(Duration.ofMillis(500)) >= 0, "waited the grace period: " + took);
        assertFalse(Files.exists(stateDir("stubborn")));
    }

    @Test
    void deploy_whenPythonIsMissing_failsWithWhatToSetAndLeavesNothing() {
        deployer.close();
        deployer = newDeployer(LocalTarget.builder().python("/nonexistent/python3"));

        RuntimeException e = assertThrows(RuntimeException.class, () -> deploy(spec("nopy", TestModels.ECHO).build()));

        assertInstanceOf(dev.mldeploy.InvalidConfigurationException.class, e);
        assertTrue(e.getMessage().contains(LocalTarget.ENV_PYTHON), e.getMessage());
        assertFalse(Files.exists(stateDir("nopy")));
    }

    @Test
    void deploy_fromTwoDeployersAtOnce_startsOneProcess() throws Exception {
        try (ModelDeployer other = newDeployer()) {
            dev.mldeploy.ModelSpec spec = spec("race", TestModels.ECHO).build();
            var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                var a = pool.submit(() -> deployer.deploy(spec));
                var b = pool.submit(() -> other.deploy(spec));
                DeployResult ra = a.get();
                DeployResult rb = b.get();
                assertEquals(java.util.Set.of(DeployResult.Change.CREATED, DeployResult.Change.UNCHANGED),
                        java.util.Set.of(ra.change(), rb.change()));
                assertEquals(pid(ra), pid(rb));
                assertEquals(1, LocalTestSupport.processesUnder(home).size());
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
