package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployResult;
import dev.mldeploy.DeploymentNotFoundException;
import dev.mldeploy.DeploymentStatus;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.internal.Json;
import dev.mldeploy.kit.TestModels;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Local deployments outlive the JVM that made them: another JVM invokes and undeploys them. */
class LocalTargetCrossJvmIT extends LocalItBase {

    /** Output and status of a {@link SecondJvmMain} run. */
    record Run(int exitCode, String stdout, String stderr) {
        String line(String prefix) {
            return stdout.lines().filter(l -> l.startsWith(prefix + " ")).map(l -> l.substring(prefix.length() + 1))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + prefix + " line in: " + stdout
                            + "\nstderr: " + stderr));
        }
    }

    private Run secondJvm(String... args) throws IOException, InterruptedException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", classPath, SecondJvmMain.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(models, "jvm", ".out");
        Path err = Files.createTempFile(models, "jvm", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the second JVM did not finish within 90 s: " + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void secondJvm_invokesAndUndeploysADeploymentTheFirstMade() throws Exception {
        DeployResult r = deploy(spec("shared", TestModels.ECHO).build());

        Run run = secondJvm("invoke-undeploy", home.toString(), "shared", "{\"text\": \"from afar\"}");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(Json.parse(TestModels.echoAnswer("from afar", "1")), Json.parse(run.line("ANSWER")));
        assertEquals("true", run.line("UNDEPLOYED"));
        assertFalse(LocalTestSupport.running(pid(r)), "the second JVM stopped the process");
        assertTrue(ProcessControl.portFree(port(r)));
        assertFalse(Files.exists(stateDir("shared")));
        assertThrows(DeploymentNotFoundException.class, () -> deployer.describe("shared"));
    }

    @Test
    void deploymentMadeByAnExitedJvm_keepsServingThisOne() throws Exception {
        Path source = model(TestModels.ECHO);

        Run run = secondJvm("deploy", home.toString(), "orphan", source.toString());

        assertEquals(0, run.exitCode(), run.stderr());
        String[] deployed = run.line("DEPLOYED").split(" ");
        assertEquals("CREATED", deployed[0]);
        long pid = Long.parseLong(deployed[1]);
        assertTrue(LocalTestSupport.running(pid), "the model process outlived the JVM that started it");
        assertEquals(DeploymentStatus.IN_SERVICE, deployer.describe("orphan").status());
        try (InferenceClient client = deployer.client("orphan")) {
            assertEquals(Json.parse(TestModels.echoAnswer("b", "1")), Json.parse(client.invokeJson("{\"text\":\"b\"}")));
        }
        // and this JVM sees the same spec as deployed: no restart
        DeployResult same = deploy(dev.mldeploy.ModelSpec.builder("orphan").source(source).build());
        assertEquals(DeployResult.Change.UNCHANGED, same.change(), same.message());

        assertTrue(deployer.undeploy("orphan"));
        assertFalse(LocalTestSupport.running(pid));
    }
}
