package dev.mldeploy.local;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.ProgressEvent;
import dev.mldeploy.kit.TestModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Shared set-up of the local target's ITs: a home of its own per test, and nothing left running after it. */
abstract class LocalItBase {
    @TempDir
    Path home;
    @TempDir
    Path models;

    ModelDeployer deployer;
    final List<ProgressEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void openDeployer() {
        deployer = newDeployer();
    }

    /** A deployer on the local target found by ServiceLoader, configured by MLDEPLOY_HOME. */
    ModelDeployer newDeployer() {
        return ModelDeployer.builder().environment(Map.of(LocalTarget.ENV_HOME, home.toString())).build();
    }

    /** A deployer on an explicitly configured local target in this test's home. */
    ModelDeployer newDeployer(LocalTarget.Builder config) {
        return ModelDeployer.builder().provider(config.home(home).build()).build();
    }

    @AfterEach
    void undeployEverything() {
        try (ModelDeployer cleaner = newDeployer()) {
            cleaner.list().forEach(d -> cleaner.undeploy(d.name()));
        } finally {
            deployer.close();
            LocalTestSupport.assertNoProcessUnder(home);
        }
    }

    Path model(String name) {
        return TestModels.copy(name, models);
    }

    ModelSpec.Builder spec(String name, String model) {
        return ModelSpec.builder(name).source(model(model));
    }

    DeployResult deploy(ModelSpec spec) {
        return deployer.deploy(spec, DeployOptions.builder().progressListener(events::add)
                .timeout(Duration.ofMinutes(2)).build());
    }

    Path stateDir(String name) {
        return home.resolve("local").resolve(name);
    }

    Optional<LocalState> state(String name) {
        return LocalState.read(stateDir(name));
    }

    static long pid(DeployResult r) {
        return Long.parseLong(r.deployment().attributes().get("pid"));
    }

    static int port(DeployResult r) {
        return Integer.parseInt(r.deployment().attributes().get("port"));
    }
}
