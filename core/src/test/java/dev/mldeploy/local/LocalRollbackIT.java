package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployResult;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.NoPreviousVersionException;
import dev.mldeploy.RollbackResult;
import dev.mldeploy.spi.Json;
import dev.mldeploy.kit.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Rollback on the local target with real Python processes. */
class LocalRollbackIT extends LocalItBase {

    private String answer(String name) {
        try (InferenceClient c = deployer.client(name)) {
            return c.invokeJson("{\"text\": \"hi\"}");
        }
    }

    @Test
    void rollback_afterAnUpdate_restartsThePreviousSpec_andASecondRollbackReturns() {
        Path dir = model(TestModels.ECHO);
        DeployResult v1 = deploy(dev.mldeploy.ModelSpec.builder("rb").source(dir).putEnvironment("ECHO_VERSION", "1")
                .build());
        DeployResult v2 = deploy(dev.mldeploy.ModelSpec.builder("rb").source(dir).putEnvironment("ECHO_VERSION", "2")
                .build());
        assertEquals(Json.parse(TestModels.echoAnswer("hi", "2")), Json.parse(answer("rb")));

        RollbackResult back = deployer.rollback("rb");

        assertEquals(v2.deployment().specHash(), back.fromVersion());
        assertEquals(v1.deployment().specHash(), back.toVersion());
        assertEquals(v1.deployment().specHash(), deployer.describe("rb").specHash());
        assertFalse(LocalTestSupport.running(pid(v2)), "the process of the version rolled back from was stopped");
        assertEquals(Json.parse(TestModels.echoAnswer("hi", "1")), Json.parse(answer("rb")));
        assertEquals(DeployResult.Change.UNCHANGED, deploy(dev.mldeploy.ModelSpec.builder("rb").source(dir)
                .putEnvironment("ECHO_VERSION", "1").build()).change(), "it runs v1's spec again");

        RollbackResult again = deployer.rollback("rb");
        assertEquals(v1.deployment().specHash(), again.fromVersion());
        assertEquals(v2.deployment().specHash(), again.toVersion());
        assertEquals(Json.parse(TestModels.echoAnswer("hi", "2")), Json.parse(answer("rb")));
    }

    @Test
    void rollback_whenThePreviousModelDirectoryWasDeleted_failsNamingItAndKeepsServing() throws Exception {
        Path old = model(TestModels.ECHO);
        deploy(dev.mldeploy.ModelSpec.builder("gone").source(old).build());
        Path moved = Files.move(old, models.resolve("echo-moved"));
        DeployResult now = deploy(dev.mldeploy.ModelSpec.builder("gone").source(moved).build());

        NoPreviousVersionException e = assertThrows(NoPreviousVersionException.class,
                () -> deployer.rollback("gone"));

        assertTrue(e.getMessage().contains("model directory " + old.toAbsolutePath().normalize()
                + " no longer exists"), e.getMessage());
        assertTrue(LocalTestSupport.running(pid(now)), "the current version still runs");
        assertEquals(now.deployment().specHash(), deployer.describe("gone").specHash());
    }
}
