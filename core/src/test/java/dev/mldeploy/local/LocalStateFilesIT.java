package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentStatus;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.spi.Json;
import dev.mldeploy.kit.TestModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The local target's state files: damage to one leaves the others working; permissions; only ours is removed. */
class LocalStateFilesIT extends LocalItBase {

    /** Ways a state file gets damaged, each turning the healthy file's text into the damaged one. */
    static Stream<Arguments> damages() {
        return Stream.of(
                Arguments.of("truncated", (Damage) json -> json.substring(0, json.length() / 2)),
                Arguments.of("half-written", (Damage) json -> json.substring(0, json.indexOf("\"token\""))),
                Arguments.of("binary", (Damage) json -> "\u0000\u00ff\u0001garbage\u0007"),
                Arguments.of("wrong types", (Damage) json -> json.replaceFirst("\"port\"\\s*:\\s*\\d+",
                        "\"port\": \"eighty\"")),
                Arguments.of("unknown format", (Damage) json -> json.replaceFirst("\"format\"\\s*:\\s*\\d+",
                        "\"format\": 99")),
                Arguments.of("empty", (Damage) json -> ""));
    }

    interface Damage {
        String apply(String json);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damages")
    void damagedState_isListedAsDamagedBesideHealthyOnesAndUndeployStopsItsProcess(String kind, Damage damage)
            throws Exception {
        DeployResult healthy = deploy(spec("healthy", TestModels.ECHO).build());
        DeployResult broken = deploy(spec("broken", TestModels.ECHO).build());
        Path file = stateDir("broken").resolve(LocalState.FILE);
        Files.writeString(file, damage.apply(Files.readString(file)), StandardCharsets.ISO_8859_1);

        List<Deployment> listed = deployer.list();

        assertEquals(List.of("broken", "healthy"), listed.stream().map(Deployment::name).toList());
        Deployment b = listed.get(0);
        assertEquals(DeploymentStatus.FAILED, b.status());
        assertTrue(b.statusReason().contains("damaged") || b.statusReason().contains("cannot be read"),
                b.statusReason());
        assertTrue(b.statusReason().contains("undeploy"), b.statusReason());
        assertEquals("true", b.attributes().get("damaged"));
        assertEquals(DeploymentStatus.IN_SERVICE, listed.get(1).status());
        assertEquals(DeploymentStatus.FAILED, deployer.describe("broken").status());
        try (InferenceClient client = deployer.client("healthy")) {
            assertEquals(Json.parse(TestModels.echoAnswer("ok", "1")), Json.parse(client.invokeJson("{\"text\":\"ok\"}")));
        }

        assertTrue(deployer.undeploy("broken"));

        assertFalse(LocalTestSupport.running(pid(broken)), kind + ": undeploy stopped the damaged one's process");
        assertFalse(Files.exists(stateDir("broken")), "its state is removed");
        assertTrue(LocalTestSupport.running(pid(healthy)), "the healthy one runs on");
        assertEquals(List.of("healthy"), deployer.list().stream().map(Deployment::name).toList());
    }

    @Test
    void deploy_overADamagedState_replacesIt() throws Exception {
        DeployResult first = deploy(spec("mended", TestModels.ECHO).build());
        Files.writeString(stateDir("mended").resolve(LocalState.FILE), "{\"format\": 2, \"pid\": ");

        DeployResult again = deploy(spec("mended", TestModels.ECHO).build());

        assertEquals(DeployResult.Change.UPDATED, again.change());
        assertTrue(again.message().contains("replaced"), again.message());
        assertFalse(LocalTestSupport.running(pid(first)), "the damaged state's process was stopped");
        assertEquals(DeploymentStatus.IN_SERVICE, deployer.describe("mended").status());
    }

    @Test
    void deploy_writesStateOnlyItsOwnerCanReadAndLeavesNoLockFile() throws Exception {
        deploy(spec("private", TestModels.ECHO).build());

        Path root = home.resolve("local");
        assertEquals("rwx------", perms(root));
        assertEquals("rwx------", perms(stateDir("private")));
        assertEquals("rwx------", perms(stateDir("private").resolve(LocalStarter.ADAPTER_DIR)));
        for (String f : List.of(LocalState.FILE, LocalStarter.LOG_FILE)) {
            assertEquals("rw-------", perms(stateDir("private").resolve(f)), f);
        }
        assertEquals("rw-------", perms(stateDir("private").resolve(LocalStarter.ADAPTER_DIR)
                .resolve("mldeploy_serve.py")));
        assertEquals(List.of(), list(root.resolve(".locks")), "lock files are removed after use");

        assertTrue(deployer.undeploy("private"));
        assertEquals(List.of(), list(root.resolve(".locks")));
    }

    @Test
    void undeploy_whenAModelDirectoryLivesWhereStateWouldBe_leavesItAlone() throws Exception {
        Path modelDir = TestModels.copy(TestModels.ECHO, home.resolve("local"), "mine");
        List<Path> before = list(modelDir);

        assertFalse(deployer.undeploy("mine"), "no deployment: nothing to remove");

        assertEquals(before, list(modelDir), "the model directory is untouched");
        assertTrue(deployer.list().isEmpty());
    }

    @Test
    void deploy_whenModelDirectoryIsInsideTheStateDirectory_isRefusedBeforeWritingAnything() throws Exception {
        Path modelDir = TestModels.copy(TestModels.ECHO, home.resolve("local"), "inside");
        List<Path> before = list(modelDir);

        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> deploy(ModelSpec.builder("inside").source(modelDir).build()));

        assertTrue(e.getMessage().contains("inside the local target's state directory"), e.getMessage());
        assertEquals(before, list(modelDir), "nothing written into it");
        assertFalse(deployer.undeploy("inside"));
        assertEquals(before, list(modelDir), "and undeploy did not delete it");
    }

    @Test
    void undeploy_keepsFilesItDidNotWriteAndTheirDirectory() throws Exception {
        DeployResult r = deploy(spec("shared-dir", TestModels.ECHO).build());
        Path mine = stateDir("shared-dir").resolve("notes-of-the-user.txt");
        Files.writeString(mine, "keep me");

        assertTrue(deployer.undeploy("shared-dir"));

        assertFalse(LocalTestSupport.running(pid(r)));
        assertEquals("keep me", Files.readString(mine));
        assertEquals(List.of(mine), list(stateDir("shared-dir")), "only what mldeploy wrote is gone");
        assertTrue(deployer.list().isEmpty());
        // the directory is no longer mldeploy's: a deploy does not write into it
        dev.mldeploy.InvalidConfigurationException e = assertThrows(dev.mldeploy.InvalidConfigurationException.class,
                () -> deploy(spec("shared-dir", TestModels.ECHO).build()));
        assertTrue(e.getMessage().contains("was not made by mldeploy"), e.getMessage());
        assertEquals(List.of(mine), list(stateDir("shared-dir")));
    }

    @Test
    void serverLog_whenTheModelWritesPastTheBound_isRotatedKeepingOnePreviousFile() throws Exception {
        Path model = models.resolve("chatty");
        Files.createDirectories(model);
        Files.writeString(model.resolve("inference.py"), String.join("\n",
                "import sys",
                "def model_fn(model_dir):",
                "    for _ in range(7 * 1024):",  // 7 MB, over the 5 MB bound
                "        sys.stdout.write('x' * 1023 + '\\n')",
                "    sys.stdout.flush()",
                "    return None",
                "def predict_fn(data, model):",
                "    return data",
                ""));
        deploy(ModelSpec.builder("chatty").source(model).build());
        Path log = stateDir("chatty").resolve(LocalStarter.LOG_FILE);
        Path previous = stateDir("chatty").resolve(LocalStarter.PREVIOUS_LOG_FILE);

        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(previous) && System.nanoTime() < end) {
            Thread.sleep(100);
        }

        assertTrue(Files.exists(previous), "rotated into " + previous);
        assertTrue(Files.size(log) <= LocalStarter.LOG_MAX_BYTES, "bounded: " + Files.size(log));
        assertTrue(Files.size(previous) <= 2 * LocalStarter.LOG_MAX_BYTES, "bounded: " + Files.size(previous));
        assertEquals("rw-------", perms(previous));
        assertFalse(Files.exists(stateDir("chatty").resolve(LocalStarter.PREVIOUS_LOG_FILE + ".1")));
        assertTrue(deployer.undeploy("chatty"));
        assertFalse(Files.exists(previous), "undeploy removes the rotated log too");
    }

    private static String perms(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).sorted().toList();
        }
    }

}
