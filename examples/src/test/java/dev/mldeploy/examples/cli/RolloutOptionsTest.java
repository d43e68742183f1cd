package dev.mldeploy.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.RolloutPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deploy --rollout/--rollback-alarm}: parsed into the deploy's RolloutPolicy, refused before any call. */
class RolloutOptionsTest {
    @TempDir
    Path tmp;
    FakeCloud cloud;
    Cli cli;
    Path model;

    @BeforeEach
    void setUp() throws IOException {
        cloud = new FakeCloud();
        cli = new Cli(Map.of("MLDEPLOY_HOME", tmp.resolve("home").toString()), cloud);
        model = TinyModel.in(tmp.resolve("m"));
    }

    @Test
    void deploy_withRolloutAndAlarms_givesTheTargetThatPolicy() {
        Cli.Result r = cli.run("deploy", "--target", "fakecloud", "--model", model.toString(),
                "--rollout", "canary:10:5m", "--rollback-alarm", "errors", "--rollback-alarm", "p99");
        assertEquals(0, r.status(), r::toString);
        assertEquals(List.of(RolloutPolicy.canary(10, Duration.ofMinutes(5)).withRollbackAlarms("errors", "p99")),
                cloud.rollouts);
    }

    @Test
    void deploy_withoutRollout_isAllAtOnce() {
        Cli.Result r = cli.run("deploy", "--target", "fakecloud", "--model", model.toString());
        assertEquals(0, r.status(), r::toString);
        assertEquals(List.of(RolloutPolicy.allAtOnce()), cloud.rollouts);
    }

    @Test
    void deploy_withMalformedRollout_exits2NamingTheFormsAndDeploysNothing() {
        Cli.Result r = cli.run("deploy", "--target", "fakecloud", "--model", model.toString(),
                "--rollout", "canary:10");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("canary:PERCENT:BAKE"), r::toString);
        assertTrue(cloud.rollouts.isEmpty() && cloud.deployments.isEmpty());
    }

    @Test
    void deploy_withOutOfRangeRollout_exits2SayingTheRange() {
        Cli.Result pct = cli.run("deploy", "--target", "fakecloud", "--model", model.toString(),
                "--rollout", "linear:0:1m");
        assertEquals(2, pct.status(), pct::toString);
        assertTrue(pct.err().contains("give 1 to 99"), pct::toString);
        Cli.Result wait = cli.run("deploy", "--target", "fakecloud", "--model", model.toString(),
                "--rollout", "canary:10:2h");
        assertEquals(2, wait.status(), wait::toString);
        assertTrue(wait.err().contains("from 1 s to 3600 s"), wait::toString);
        assertTrue(cloud.rollouts.isEmpty());
    }

    @Test
    void deploy_withARollbackAlarmTwice_exits2() {
        Cli.Result r = cli.run("deploy", "--target", "fakecloud", "--model", model.toString(),
                "--rollout", "canary:10:1m", "--rollback-alarm", "a", "--rollback-alarm", "a");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("given twice"), r::toString);
    }

    @Test
    void deploy_localWithRollout_exits2SayingLocalCannotKeepIt() {
        Cli.Result r = cli.run("deploy", "--target", "local", "--model", model.toString(),
                "--rollout", "canary:10:1m");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("the local target replaces its one process at once"), r::toString);
    }
}
