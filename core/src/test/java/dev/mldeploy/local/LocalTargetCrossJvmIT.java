package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployResult;
import dev.mldeploy.DeploymentNotFoundException;
import dev.mldeploy.DeploymentStatus;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.spi.Json;
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

    private SecondJvm.Run secondJvm(String... args) throws IOException, InterruptedException {
        return SecondJvm.run(models, java.util.Map.of(), args);
    }

    @Test
    void secondJvm_invokesAndUndeploysADeploymentTheFirstMade() throws Exception {
        DeployResult r = deploy(spec("shared", TestModels.ECHO).build());

        SecondJvm.Run run = secondJvm("invoke-undeploy", home.toString(), "shared", "{\"text\": \"from afar\"}");

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

        SecondJvm.Run run = secondJvm("deploy", home.toString(), "orphan", source.toString());

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

    /** A model that answers which of these variables it sees. */
    private Path envModel() throws IOException {
        Path d = models.resolve("env-dump");
        Files.createDirectories(d);
        Files.writeString(d.resolve("inference.py"), String.join("\n",
                "import os",
                "NAMES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE',",
                "         'AWS_REGION', 'AWS_SHARED_CREDENTIALS_FILE', 'MLDEPLOY_HOME', 'MLDEPLOY_TOKEN_STDIN',",
                "         'FROM_SPEC', 'CALLER_OTHER']",
                "def model_fn(model_dir):",
                "    return None",
                "def predict_fn(data, model):",
                "    return {k: os.environ.get(k) for k in NAMES}",
                ""));
        return d;
    }

    private static final java.util.Map<String, String> CALLER_AWS = java.util.Map.of(
            "AWS_ACCESS_KEY_ID", "AKIAFAKEFAKEFAKE", "AWS_SECRET_ACCESS_KEY", "secret-of-the-caller",
            "AWS_SESSION_TOKEN", "session-of-the-caller", "AWS_PROFILE", "caller-profile", "AWS_REGION", "eu-west-1",
            "MLDEPLOY_HOME", "/elsewhere", "CALLER_OTHER", "kept");

    @Test
    void deploy_whenCallerHasAwsCredentials_modelProcessGetsTheSpecsEnvironmentWithoutThem() throws Exception {
        Path model = envModel();
        java.util.Map<String, String> env = new java.util.HashMap<>(CALLER_AWS);
        env.remove("MLDEPLOY_HOME"); // the second JVM gets its home from its arguments; this one must not leak
        env.put("MLDEPLOY_HOME", "/elsewhere");

        SecondJvm.Run run = SecondJvm.run(models, env, "deploy", home.toString(), "creds", model.toString(),
                "FROM_SPEC=spec-value");

        assertEquals(0, run.exitCode(), run.stderr());
        java.util.Map<String, Object> seen;
        try (InferenceClient client = deployer.client("creds")) {
            seen = Json.parseObject(client.invokeJson("{}"));
        }
        assertEquals(null, seen.get("AWS_ACCESS_KEY_ID"), seen.toString());
        assertEquals(null, seen.get("AWS_SECRET_ACCESS_KEY"), seen.toString());
        assertEquals(null, seen.get("AWS_SESSION_TOKEN"), seen.toString());
        assertEquals(null, seen.get("AWS_PROFILE"), seen.toString());
        assertEquals("/dev/null", seen.get("AWS_SHARED_CREDENTIALS_FILE"), "~/.aws/credentials is not read either");
        assertEquals("eu-west-1", seen.get("AWS_REGION"), "a region is a setting, not a credential");
        assertEquals(null, seen.get("MLDEPLOY_HOME"), seen.toString());
        assertEquals(null, seen.get("MLDEPLOY_TOKEN_STDIN"), "the adapter's own settings do not reach the model");
        assertEquals("spec-value", seen.get("FROM_SPEC"));
        assertEquals("kept", seen.get("CALLER_OTHER"));
    }

    @Test
    void deploy_whenPassEnvironmentNamesAwsProfile_modelProcessGetsOnlyThat() throws Exception {
        Path model = envModel();
        java.util.Map<String, String> env = new java.util.HashMap<>(CALLER_AWS);
        env.put(LocalTarget.ENV_PASS_ENV, "AWS_PROFILE");

        SecondJvm.Run run = SecondJvm.run(models, env, "deploy", home.toString(), "profile", model.toString());

        assertEquals(0, run.exitCode(), run.stderr());
        java.util.Map<String, Object> seen;
        try (InferenceClient client = deployer.client("profile")) {
            seen = Json.parseObject(client.invokeJson("{}"));
        }
        assertEquals("caller-profile", seen.get("AWS_PROFILE"));
        assertEquals(null, seen.get("AWS_SHARED_CREDENTIALS_FILE"), "asked for AWS: ~/.aws stays readable");
        assertEquals(null, seen.get("AWS_ACCESS_KEY_ID"), seen.toString());
        assertEquals(null, seen.get("AWS_SECRET_ACCESS_KEY"), seen.toString());
    }
}
