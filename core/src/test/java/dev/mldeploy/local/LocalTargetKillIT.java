package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentStatus;
import dev.mldeploy.kit.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of the deploying JVM at each point of a local deploy: whatever it leaves, {@code list} and
 * {@code undeploy} see, and a retry succeeds. The process is recorded in the state before it may load the model.
 */
class LocalTargetKillIT extends LocalItBase {

    private void killSecondJvmAt(String point, String name, Path model, String... env) throws Exception {
        String[] args = new String[5 + env.length];
        args[0] = "deploy-stop-at";
        args[1] = home.toString();
        args[2] = name;
        args[3] = model.toString();
        args[4] = point;
        System.arraycopy(env, 0, args, 5, env.length);
        SecondJvm.killAt(models, point, args);
    }

    private static void waitUntilGone(long pid) {
        ProcessHandle.of(pid).ifPresent(p -> ProcessControl.waitForExit(p, Duration.ofSeconds(10)));
    }

    /** After the kill: undeploy stops what runs, removes the state, and a retry deploys afresh. */
    private void undeployThenRetry(String name, List<Long> pids) {
        assertTrue(deployer.undeploy(name), "undeploy finds what the killed deploy left");
        for (long pid : pids) {
            assertFalse(LocalTestSupport.running(pid), "undeploy stopped pid " + pid);
        }
        assertFalse(Files.exists(stateDir(name)), "state removed");
        assertEquals(List.of(), LocalTestSupport.processesUnder(home));
        assertTrue(deployer.list().isEmpty());

        DeployResult retry = deploy(spec(name, TestModels.ECHO).build());
        assertEquals(DeployResult.Change.CREATED, retry.change(), retry.message());
        assertEquals(DeploymentStatus.IN_SERVICE, deployer.describe(name).status());
    }

    @Test
    void kill_beforeSpawn_leavesNoProcessAndNothingListed() throws Exception {
        killSecondJvmAt(SecondJvmMain.BEFORE_SPAWN, "early", model(TestModels.ECHO));

        assertEquals(List.of(), LocalTestSupport.processesUnder(home), "nothing was started");
        assertTrue(deployer.list().isEmpty(), "nothing to list: " + deployer.list());
        undeployThenRetry("early", List.of());
    }

    @Test
    void kill_afterSpawnBeforeToken_processExitsByItselfAndStateIsListedStopped() throws Exception {
        killSecondJvmAt(SecondJvmMain.RECORDED, "handover", model(TestModels.ECHO));

        LocalState s = state("handover").orElseThrow();
        waitUntilGone(s.pid()); // its stdin ended with the JVM: it exits without binding or loading
        assertFalse(LocalTestSupport.running(s.pid()), "the unhanded process exited by itself");
        Deployment d = deployer.list().get(0);
        assertEquals("handover", d.name());
        assertEquals(DeploymentStatus.STOPPED, d.status(), d.statusReason());
        undeployThenRetry("handover", List.of(s.pid()));
    }

    @Test
    void kill_duringSlowModelLoad_leavesTheProcessListedAndUndeployStopsIt() throws Exception {
        killSecondJvmAt(SecondJvmMain.LOADING, "loading", model(TestModels.SLOW_LOAD), "SLOW_LOAD_SECONDS=60");

        LocalState s = state("loading").orElseThrow();
        assertTrue(LocalTestSupport.running(s.pid()), "the loading process outlived the killed JVM");
        Deployment d = deployer.list().get(0);
        assertEquals("loading", d.name());
        assertEquals(DeploymentStatus.CREATING, d.status(), d.statusReason());
        assertEquals(Long.toString(s.pid()), d.attributes().get("pid"));
        undeployThenRetry("loading", List.of(s.pid()));
    }

    @Test
    void kill_afterReady_leavesADeploymentInService() throws Exception {
        killSecondJvmAt(SecondJvmMain.READY, "ready", model(TestModels.ECHO));

        LocalState s = state("ready").orElseThrow();
        assertTrue(LocalTestSupport.running(s.pid()));
        assertEquals(DeploymentStatus.IN_SERVICE, deployer.describe("ready").status());
        undeployThenRetry("ready", List.of(s.pid()));
    }

    @Test
    void retry_afterKillDuringLoad_replacesTheHalfLoadedProcess() throws Exception {
        Path model = model(TestModels.SLOW_LOAD);
        killSecondJvmAt(SecondJvmMain.LOADING, "again", model, "SLOW_LOAD_SECONDS=60");
        long orphan = state("again").orElseThrow().pid();

        DeployResult retry = deploy(dev.mldeploy.ModelSpec.builder("again").source(model)
                .putEnvironment("SLOW_LOAD_SECONDS", "0.1").build());

        assertEquals(DeployResult.Change.UPDATED, retry.change(), retry.message());
        assertFalse(LocalTestSupport.running(orphan), "the half-loaded process was stopped");
        assertNotEquals(orphan, pid(retry));
        assertEquals(1, LocalTestSupport.processesUnder(home).size());
    }

    @Test
    void retry_afterKillWhenReady_adoptsTheRunningProcess() throws Exception {
        Path model = model(TestModels.ECHO);
        killSecondJvmAt(SecondJvmMain.READY, "adopted", model);
        long running = state("adopted").orElseThrow().pid();

        DeployResult retry = deploy(dev.mldeploy.ModelSpec.builder("adopted").source(model).build());

        assertEquals(DeployResult.Change.UNCHANGED, retry.change(), retry.message());
        assertEquals(running, pid(retry));
    }
}
