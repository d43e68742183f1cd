package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeploymentNotFoundException;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ProgressListener;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.Target;
import dev.mldeploy.spi.TargetContext;
import dev.mldeploy.spi.TargetProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTargetTest {
    @TempDir
    Path home;

    @Test
    void fromEnvironment_readsHomePythonAndContract() {
        LocalTarget t = LocalTarget.fromEnvironment(Map.of(LocalTarget.ENV_HOME, home.toString(),
                LocalTarget.ENV_PYTHON, "/usr/bin/python3.11", LocalTarget.ENV_CONTRACT, "Lambda"));

        assertEquals(home, t.home());
        assertEquals(home.resolve("local"), t.stateDirectory());
        assertEquals("/usr/bin/python3.11", t.python());
        assertEquals(LocalTarget.Contract.LAMBDA, t.contract());
    }

    @Test
    void fromEnvironment_whenNothingSet_usesTheDefaults() {
        LocalTarget t = LocalTarget.fromEnvironment(Map.of(LocalTarget.ENV_PYTHON, "  "));

        assertEquals(Path.of(System.getProperty("user.home"), ".mldeploy"), t.home());
        assertEquals("python3", t.python());
        assertEquals(LocalTarget.Contract.SAGEMAKER, t.contract());
        assertEquals(Duration.ofSeconds(120), t.startupTimeout());
        assertEquals(Duration.ofSeconds(10), t.stopGracePeriod());
    }

    @Test
    void fromEnvironment_whenContractUnknown_failsListingTheKnownOnes() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> LocalTarget.fromEnvironment(Map.of(LocalTarget.ENV_CONTRACT, "docker")));

        assertTrue(e.getMessage().contains("'docker'") && e.getMessage().contains("[sagemaker, lambda]")
                && e.getMessage().contains(LocalTarget.ENV_CONTRACT), e.getMessage());
    }

    @Test
    void workers_defaultToTheCpuCount_andComeFromTheBuilderOrTheEnvironment() {
        assertEquals(Runtime.getRuntime().availableProcessors(), LocalTarget.create().workers());
        assertEquals(3, LocalTarget.builder().workers(3).build().workers());
        assertEquals(5, LocalTarget.fromEnvironment(Map.of(LocalTarget.ENV_WORKERS, " 5 ")).workers());
        assertEquals(3, LocalTarget.builder().workers(3).build().toBuilder().build().workers());
    }

    @Test
    void workers_whenNotAPositiveWholeNumber_failNamingTheSetting() {
        InvalidConfigurationException env = assertThrows(InvalidConfigurationException.class,
                () -> LocalTarget.fromEnvironment(Map.of(LocalTarget.ENV_WORKERS, "many")));
        assertTrue(env.getMessage().contains("MLDEPLOY_LOCAL_WORKERS='many'"), env.getMessage());
        InvalidConfigurationException zero = assertThrows(InvalidConfigurationException.class,
                () -> LocalTarget.fromEnvironment(Map.of(LocalTarget.ENV_WORKERS, "0")));
        assertTrue(zero.getMessage().contains("workers must be at least 1, was 0"), zero.getMessage());
    }

    @Test
    void environment_givesTheModelProcessTheWorkerCount() throws Exception {
        java.nio.file.Files.writeString(home.resolve("inference.py"), "def model_fn(d):\n    pass\n"
                + "def predict_fn(x, m):\n    pass\n");
        Map<String, String> env = new java.util.HashMap<>(Map.of("SAGEMAKER_MODEL_SERVER_WORKERS", "9"));
        LocalStarter.environment(env, Map.of(), LocalTarget.builder().workers(2).build(),
                dev.mldeploy.ModelSpec.builder("m").source(home).build(), home.resolve("server.log"));
        assertEquals("2", env.get("SAGEMAKER_MODEL_SERVER_WORKERS"), "the target's setting wins over the inherited");
    }

    @Test
    void environment_givesTheServerTheSpecsMaxInferenceTimeRoundedUpToWholeSeconds() throws Exception {
        java.nio.file.Files.writeString(home.resolve("inference.py"), "def model_fn(d):\n    pass\n"
                + "def predict_fn(x, m):\n    pass\n");
        Map<String, String> env = new java.util.HashMap<>();
        LocalStarter.environment(env, Map.of(), LocalTarget.builder().build(), dev.mldeploy.ModelSpec.builder("m")
                .source(home).maxInferenceTime(Duration.ofMillis(2001)).build(), home.resolve("server.log"));
        assertEquals("3", env.get("SAGEMAKER_MODEL_SERVER_TIMEOUT"));
        assertEquals(1, LocalStarter.serverTimeoutSeconds(Duration.ofMillis(1)));
        assertEquals(2, LocalStarter.serverTimeoutSeconds(Duration.ofSeconds(2)));
        assertEquals(10, LocalStarter.serverTimeoutSeconds(dev.mldeploy.Resources.DEFAULT_MAX_INFERENCE_TIME));
    }

    @Test
    void environment_whenTheDeployingEnvironmentSetsTheServerTimeout_keepsIt() throws Exception {
        java.nio.file.Files.writeString(home.resolve("inference.py"), "def model_fn(d):\n    pass\n"
                + "def predict_fn(x, m):\n    pass\n");
        Map<String, String> env = new java.util.HashMap<>(Map.of("SAGEMAKER_MODEL_SERVER_TIMEOUT", "120"));
        LocalStarter.environment(env, Map.of(), LocalTarget.builder().build(), dev.mldeploy.ModelSpec.builder("m")
                .source(home).maxInferenceTime(Duration.ofSeconds(5)).build(), home.resolve("server.log"));
        assertEquals("120", env.get("SAGEMAKER_MODEL_SERVER_TIMEOUT"), "the user's setting wins");
    }

    @Test
    void builder_whenValuesInvalid_failsSayingWhich() {
        assertTrue(assertThrows(InvalidConfigurationException.class,
                () -> LocalTarget.builder().startupTimeout(Duration.ZERO)).getMessage().contains("startupTimeout"));
        assertTrue(assertThrows(InvalidConfigurationException.class,
                () -> LocalTarget.builder().stopGracePeriod(Duration.ofSeconds(-1))).getMessage()
                .contains("stopGracePeriod"));
        assertTrue(assertThrows(InvalidConfigurationException.class,
                () -> LocalTarget.builder().python(" ")).getMessage().contains(LocalTarget.ENV_PYTHON));
        assertThrows(NullPointerException.class, () -> LocalTarget.builder().home(null));
    }

    @Test
    void toBuilder_copiesEverySetting() {
        LocalTarget t = LocalTarget.builder().home(home).python("py").startupTimeout(Duration.ofSeconds(3))
                .stopGracePeriod(Duration.ofSeconds(4)).contract(LocalTarget.Contract.LAMBDA).build();

        assertEquals(t.toString(), t.toBuilder().build().toString());
        assertEquals("py2", t.with(b -> b.python("py2")).python());
        assertEquals(Duration.ofSeconds(3), t.with(b -> b.python("py2")).startupTimeout());
    }

    @Test
    void command_forEachContract_runsItsAdapterScriptWithServeArguments() {
        Path adapter = home.resolve("adapter");
        Path model = home.resolve("model");
        for (LocalTarget.Contract c : LocalTarget.Contract.values()) {
            LocalStarter starter = new LocalStarter(LocalTarget.builder().python("py").contract(c).build());

            assertEquals(List.of("py", "-u", adapter.resolve(c.script()).toString(), "serve", "--model-dir",
                    model.toString(), "--host", "127.0.0.1", "--port", "8123"), starter.command(adapter, model, 8123));
        }
        assertEquals("mldeploy_serve.py", LocalTarget.Contract.SAGEMAKER.script());
        assertEquals("mldeploy_lambda.py", LocalTarget.Contract.LAMBDA.script());
    }

    @Test
    void serviceLoader_findsTheLocalProvider() {
        List<TargetProvider> found = ServiceLoader.load(TargetProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("local")).toList();

        assertEquals(1, found.size());
        assertEquals(LocalTargetProvider.class, found.get(0).getClass());
        try (ModelDeployer d = ModelDeployer.builder().environment(Map.of(LocalTarget.ENV_HOME, home.toString()))
                .build()) {
            assertEquals("local", d.defaultTarget());
            assertTrue(d.targets().contains("local"), d.targets().toString());
            assertTrue(d.list().isEmpty());
        }
    }

    @Test
    void emptyHome_hasNoDeployments() {
        try (Target t = new LocalTargetProvider().create(new TargetContext(Map.of(LocalTarget.ENV_HOME,
                home.toString())))) {
            DeployContext ctx = DeployContext.of("none", "local", ProgressListener.none(), DeployOptions.DEFAULT_TIMEOUT);

            assertEquals("local", t.name());
            assertTrue(t.list().isEmpty());
            assertTrue(t.describe("none").isEmpty());
            assertFalse(t.undeploy("none", ctx));
            DeploymentNotFoundException e = assertThrows(DeploymentNotFoundException.class, () -> t.invoker("none"));
            assertTrue(e.getMessage().contains(home.resolve("local").toString()), e.getMessage());
            assertTrue(t.describe("../outside").isEmpty(), "a name that is no deployment name reads as none");
            assertFalse(t.undeploy("../outside", ctx));
        }
    }

    @Test
    void fromEnvironment_readsTheInterpreterPackagesSwitch() {
        assertFalse(LocalTarget.create().useInterpreterPackages());
        assertTrue(LocalTarget.fromEnvironment(Map.of(LocalTarget.ENV_INTERPRETER_PACKAGES, " True "))
                .useInterpreterPackages());
        assertFalse(LocalTarget.fromEnvironment(Map.of(LocalTarget.ENV_INTERPRETER_PACKAGES, "false"))
                .useInterpreterPackages());
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> LocalTarget.fromEnvironment(Map.of(LocalTarget.ENV_INTERPRETER_PACKAGES, "yes")));
        assertTrue(e.getMessage().contains(LocalTarget.ENV_INTERPRETER_PACKAGES + "='yes'"), e.getMessage());
    }

    @Test
    void builder_environmentSettings_areCopiedAndCheckedAndTheCacheIsUnderHome() {
        LocalTarget t = LocalTarget.builder().home(home).useInterpreterPackages(true)
                .pipEnvironment(Map.of("PIP_INDEX_URL", "https://u:secret@pypi.example/simple")).build();

        assertEquals(home.resolve("venvs"), t.environmentCache());
        assertTrue(t.toBuilder().build().useInterpreterPackages());
        assertEquals(t.pipEnvironment(), t.toBuilder().build().pipEnvironment());
        assertFalse(t.toString().contains("secret"), "pip settings may hold credentials: " + t);
        assertThrows(InvalidConfigurationException.class,
                () -> LocalTarget.builder().pipEnvironment(Map.of("PIP INDEX", "x")));
    }

    @Test
    void fromEnvironment_readsThePassEnvironmentList() {
        LocalTarget t = LocalTarget.fromEnvironment(Map.of(LocalTarget.ENV_PASS_ENV, " AWS_PROFILE, HF_TOKEN ,"));

        assertEquals(java.util.Set.of("AWS_PROFILE", "HF_TOKEN"), t.passEnvironment());
        assertEquals(t.passEnvironment(), t.toBuilder().build().passEnvironment());
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> LocalTarget.fromEnvironment(Map.of(LocalTarget.ENV_PASS_ENV, "AWS PROFILE")));
        assertTrue(e.getMessage().contains(LocalTarget.ENV_PASS_ENV), e.getMessage());
    }

    @Test
    void environment_withholdsTheCallersAwsSettingsAndMldeploysOwnUnlessPassed() {
        Map<String, String> caller = Map.of("AWS_ACCESS_KEY_ID", "AKIA", "AWS_SECRET_ACCESS_KEY", "s",
                "AWS_SESSION_TOKEN", "t", "AWS_PROFILE", "p", "AWS_WEB_IDENTITY_TOKEN_FILE", "/f",
                "AWS_REGION", "eu-west-1", "MLDEPLOY_HOME", "/h", "PATH", "/bin");
        dev.mldeploy.ModelSpec spec = dev.mldeploy.ModelSpec.builder("m").source(dev.mldeploy.kit.TestModels.copy("echo", home)).putEnvironment("MINE", "1")
                .build();

        Map<String, String> env = new java.util.HashMap<>(caller);
        LocalStarter.environment(env, caller, LocalTarget.builder().build(), spec, home.resolve("server.log"));

        for (String k : List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                "AWS_WEB_IDENTITY_TOKEN_FILE", "MLDEPLOY_HOME")) {
            assertFalse(env.containsKey(k), k);
        }
        assertEquals("eu-west-1", env.get("AWS_REGION"));
        assertEquals("/bin", env.get("PATH"));
        assertEquals("1", env.get("MINE"));
        assertEquals("/dev/null", env.get("AWS_SHARED_CREDENTIALS_FILE"));
        assertEquals("/dev/null", env.get("AWS_CONFIG_FILE"));

        Map<String, String> passed = new java.util.HashMap<>(caller);
        LocalStarter.environment(passed, caller, LocalTarget.builder().passEnvironment(List.of("AWS_PROFILE"))
                .build(), spec, home.resolve("server.log"));
        assertEquals("p", passed.get("AWS_PROFILE"));
        assertFalse(passed.containsKey("AWS_ACCESS_KEY_ID"));
        assertFalse(passed.containsKey("AWS_SHARED_CREDENTIALS_FILE"), "asked for AWS: ~/.aws stays readable");
    }
}
