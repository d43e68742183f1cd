package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployResult;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.ProgressEvent;
import dev.mldeploy.kit.Wheelhouse;
import dev.mldeploy.python.DependencyInstallException;
import dev.mldeploy.python.InterpreterIdentity;
import dev.mldeploy.python.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local target with a model that has a {@code requirements.txt}, installed by real pip from a hand-built
 * wheelhouse (no package index): the environment is built once, reused by later deploys without a pip run, rebuilt
 * when a build was interrupted, and a requirement that does not install fails the deploy leaving nothing.
 */
class LocalVenvIT {
    private static final String PYTHON = System.getenv().getOrDefault("MLDEPLOY_PYTHON", "python3");
    private static final String REQUIREMENTS = "# the two wheelhouse packages\nwhich-build==1.0\nplain-helper==2.0\n";
    private static final String INFERENCE = String.join("\n",
            "import sys",
            "try:",
            "    import which_build, plain_helper",
            "    BUILD, VALUE = which_build.BUILD, plain_helper.VALUE",
            "except ImportError:",
            "    BUILD, VALUE = 'missing', None",
            "",
            "def model_fn(model_dir):",
            "    return None",
            "",
            "def predict_fn(data, model):",
            "    return {'build': BUILD, 'value': VALUE, 'prefix': sys.prefix}",
            "");

    @TempDir
    Path tmp;
    private Path home;
    private Wheelhouse wheels;
    private final List<ProgressEvent> events = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void wheelhouse() {
        // Debian's python3 makes virtual environments only with python3-venv (ensurepip); skip, saying so, without
        Assumptions.assumeTrue(canMakeVirtualEnvironments(), PYTHON + " cannot make virtual environments (no venv or "
                + "ensurepip module): install them (on Debian: apt-get install python3-venv) or set MLDEPLOY_PYTHON");
        home = tmp.resolve("home");
        wheels = Wheelhouse.at(tmp.resolve("wheels"));
        wheels.whichBuild(Path.of(PYTHON));
        wheels.wheel("plain-helper", "2.0").file("plain_helper.py", "VALUE = 42\n").build();
    }

    @AfterEach
    void nothingLeftRunning() {
        LocalTestSupport.assertNoProcessUnder(home);
    }

    private LocalTarget.Builder target() {
        return LocalTarget.builder().home(home).python(PYTHON).pipEnvironment(wheels.pipEnvironment());
    }

    private Path model(String dir, String requirements) throws IOException {
        Path m = Files.createDirectories(tmp.resolve(dir));
        Files.writeString(m.resolve("inference.py"), INFERENCE);
        if (requirements != null) {
            Files.writeString(m.resolve(Requirements.FILE_NAME), requirements);
        }
        return m;
    }

    private DeployResult deploy(ModelDeployer deployer, String name, Path model) {
        return deployer.deploy(ModelSpec.builder(name).source(model).build(),
                o -> o.progressListener(events::add).timeout(Duration.ofMinutes(5)));
    }

    /** The model's answer without JSON's optional spaces (the paths in it have none). */
    private static String invoke(ModelDeployer deployer, String name) {
        try (InferenceClient client = deployer.client(name)) {
            return client.invokeJson("{}").replace(" ", "");
        }
    }

    private List<String> dependencyMessages() {
        synchronized (events) {
            return events.stream().filter(e -> e.phase().equals("dependencies")).map(ProgressEvent::message)
                    .toList();
        }
    }

    private List<Path> environments() throws IOException {
        Path cache = home.resolve("venvs");
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cache)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        }
    }

    private static boolean any(List<String> messages, String part) {
        return messages.stream().anyMatch(m -> m.contains(part));
    }

    @Test
    void deploy_withRequirements_installsOnceThenReusesTheEnvironmentWithoutPip() throws Exception {
        Path model = model("model", REQUIREMENTS);
        try (ModelDeployer deployer = ModelDeployer.builder().provider(target().build()).build()) {
            DeployResult first = deploy(deployer, "first", model);

            List<String> installed = dependencyMessages();
            assertTrue(any(installed, "creating virtual environment"), installed.toString());
            assertTrue(any(installed, "installing 2 requirements from " + model.resolve("requirements.txt")
                    + " with pip"), installed.toString());
            assertTrue(any(installed, "Successfully installed"), installed.toString());
            List<Path> envs = environments();
            assertEquals(1, envs.size(), envs.toString());
            Path env = envs.get(0);
            assertTrue(first.message().contains("virtual environment " + env.getFileName()), first.message());
            assertEquals(VenvCache.pythonOf(env).toString(), first.deployment().attributes().get("interpreter"));
            String answer = invoke(deployer, "first");
            assertTrue(answer.contains("\"build\":\"host\"") && answer.contains("\"value\":42"), answer);
            assertTrue(answer.contains("\"prefix\":\"" + env), answer);
            assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(env)));
            Path marker = env.resolve(VenvCache.COMPLETE_MARKER);
            BasicFileAttributes before = Files.readAttributes(marker, BasicFileAttributes.class);
            assertTrue(deployer.undeploy("first"));

            events.clear();
            deploy(deployer, "second", model);

            List<String> reused = dependencyMessages();
            assertTrue(any(reused, "reusing cached environment " + env.getFileName()), reused.toString());
            assertFalse(any(reused, "installing") || any(reused, "creating"), "no venv or pip run: " + reused);
            BasicFileAttributes after = Files.readAttributes(marker, BasicFileAttributes.class);
            assertEquals(before.fileKey(), after.fileKey());
            assertEquals(before.lastModifiedTime(), after.lastModifiedTime());
            assertTrue(invoke(deployer, "second").contains("\"build\":\"host\""));
            assertTrue(deployer.undeploy("second"));
        }
        // the Lambda contract's process runs with the same environment
        events.clear();
        try (ModelDeployer lambda = ModelDeployer.builder().provider(target()
                .contract(LocalTarget.Contract.LAMBDA).build()).build()) {
            deploy(lambda, "third", model);
            assertTrue(any(dependencyMessages(), "reusing cached environment"), dependencyMessages().toString());
            String answer = invoke(lambda, "third");
            assertTrue(answer.contains("\"build\":\"host\"") && answer.contains("\"value\":42"), answer);
            assertTrue(lambda.undeploy("third"));
        }
        assertEquals(1, environments().size(), "undeploy keeps the cache: " + environments());
    }

    @Test
    void deploy_whenARequirementIsNotInTheIndex_failsWithPipsTailAndLeavesNothing() throws Exception {
        Path model = model("broken", "which-build==1.0\nno-such-package==9.9\n");
        try (ModelDeployer deployer = ModelDeployer.builder().provider(target().build()).build()) {
            DependencyInstallException e = assertThrows(DependencyInstallException.class,
                    () -> deploy(deployer, "broken", model));

            String m = e.getMessage();
            assertTrue(m.contains("local model 'broken'") && m.contains(model.resolve("requirements.txt").toString())
                    && m.contains("check the package names") && m.contains("PIP_INDEX_URL")
                    && m.contains("PIP_FIND_LINKS") && m.contains("--interpreter-packages"), m);
            assertTrue(e.outputTail().stream().anyMatch(l -> l.contains("no-such-package")), e.outputTail()
                    .toString());
            assertTrue(deployer.list().isEmpty(), deployer.list().toString());
            assertEquals(List.of(), environments(), "no half-built environment is left");
            assertFalse(Files.exists(home.resolve("local").resolve("broken")));

            Files.writeString(model.resolve(Requirements.FILE_NAME), REQUIREMENTS); // fixed: the retry works
            deploy(deployer, "broken", model);
            assertTrue(invoke(deployer, "broken").contains("\"value\":42"));

            // an update whose requirements do not install fails before the running version is stopped
            Files.writeString(model.resolve(Requirements.FILE_NAME), REQUIREMENTS + "no-such-package\n");
            assertThrows(DependencyInstallException.class, () -> deploy(deployer, "broken", model));
            assertEquals(dev.mldeploy.DeploymentStatus.IN_SERVICE, deployer.describe("broken").status());
            assertTrue(invoke(deployer, "broken").contains("\"value\":42"));
            assertEquals(1, environments().size(), "only the working environment: " + environments());
            assertTrue(deployer.undeploy("broken"));
        }
    }

    @Test
    void deploy_whenPipOutlastsTheTimeout_killsItAndLeavesNoEnvironment() throws Exception {
        Path model = model("model", REQUIREMENTS);
        // a package index that accepts connections and never answers: pip waits until the deploy's time is up
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getLoopbackAddress())) {
            java.util.Map<String, String> pip = java.util.Map.of("PIP_NO_INDEX", "1", "PIP_FIND_LINKS",
                    "http://127.0.0.1:" + silent.getLocalPort() + "/wheels/", "PIP_DEFAULT_TIMEOUT", "600",
                    "PIP_RETRIES", "0");
            try (ModelDeployer deployer = ModelDeployer.builder().provider(target().pipEnvironment(pip).build())
                    .build()) {
                OperationTimeoutException e = assertThrows(OperationTimeoutException.class,
                        () -> deployer.deploy(ModelSpec.builder("late").source(model).build(),
                                o -> o.progressListener(events::add).timeout(Duration.ofSeconds(40))));

                assertTrue(any(dependencyMessages(), "installing 2 requirements"), dependencyMessages().toString());
                assertTrue(e.getMessage().contains("did not finish within"), e.getMessage());
                assertTrue(deployer.list().isEmpty(), deployer.list().toString());
                assertEquals(List.of(), environments(), "the environment pip was filling was removed");
            }
        }
    }

    @Test
    void deploy_whenAnEarlierBuildWasInterrupted_removesItAndBuildsAgain() throws Exception {
        Path model = model("model", REQUIREMENTS);
        String key = VenvCache.key(InterpreterIdentity.probe(PYTHON, Duration.ofMinutes(1)),
                Requirements.find(model).orElseThrow());
        Path half = Files.createDirectories(home.resolve("venvs").resolve(key).resolve("bin"));
        Files.writeString(half.resolve("python"), "#!/bin/sh\nexit 1\n"); // what a killed venv run may leave
        try (ModelDeployer deployer = ModelDeployer.builder().provider(target().build()).build()) {
            deploy(deployer, "m", model);

            List<String> messages = dependencyMessages();
            assertTrue(any(messages, "removing the incomplete environment " + key), messages.toString());
            assertTrue(any(messages, "installing 2 requirements"), messages.toString());
            assertTrue(Files.isRegularFile(home.resolve("venvs").resolve(key).resolve(VenvCache.COMPLETE_MARKER)));
            assertTrue(invoke(deployer, "m").contains("\"build\":\"host\""));
            assertTrue(deployer.undeploy("m"));
        }
    }

    @Test
    void deploy_twoModelsAtOnceWithTheSameRequirements_buildTheEnvironmentOnce() throws Exception {
        Path a = model("a", REQUIREMENTS);
        Path b = model("b", REQUIREMENTS);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (ModelDeployer deployer = ModelDeployer.builder().provider(target().build()).build()) {
            Future<DeployResult> fa = pool.submit(() -> deploy(deployer, "a", a));
            Future<DeployResult> fb = pool.submit(() -> deploy(deployer, "b", b));
            fa.get();
            fb.get();

            List<String> messages = dependencyMessages();
            assertEquals(1, messages.stream().filter(m -> m.startsWith("installing ")).count(), messages.toString());
            assertEquals(1, messages.stream().filter(m -> m.startsWith("reusing cached environment")).count(),
                    messages.toString());
            assertTrue(invoke(deployer, "a").contains("\"build\":\"host\""));
            assertTrue(invoke(deployer, "b").contains("\"build\":\"host\""));
            assertTrue(deployer.undeploy("a"));
            assertTrue(deployer.undeploy("b"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void deploy_withInterpreterPackages_startsWithoutAnyEnvironment() throws Exception {
        Path model = model("model", REQUIREMENTS);
        try (ModelDeployer deployer = ModelDeployer.builder().provider(target().useInterpreterPackages(true).build())
                .build()) {
            DeployResult r = deploy(deployer, "own", model);

            assertTrue(any(dependencyMessages(), "own packages"), dependencyMessages().toString());
            assertFalse(Files.exists(home.resolve("venvs")), "no environment, no cache");
            assertTrue(r.message().contains("with its own packages"), r.message());
            String answer = invoke(deployer, "own");
            assertTrue(answer.contains("\"build\":\"missing\""), "the wheelhouse was not installed: " + answer);
            assertFalse(answer.contains(home.toString()), answer);
            assertTrue(deployer.undeploy("own"));
        }
    }

    @Test
    void deploy_withNoOrOnlyCommentedRequirements_runsTheInterpreterAsBefore() throws Exception {
        Consumer<Path> check = model -> {
            try (ModelDeployer deployer = ModelDeployer.builder().provider(target().build()).build()) {
                deploy(deployer, "plain", model);
                assertTrue(invoke(deployer, "plain").contains("\"build\":\"missing\""));
                assertTrue(deployer.undeploy("plain"));
            }
        };
        check.accept(model("none", null));
        check.accept(model("comments", "# nothing needed yet\n\n"));

        assertFalse(Files.exists(home.resolve("venvs")), "no environment, no cache");
        assertTrue(any(dependencyMessages(), "names no package"), dependencyMessages().toString());
    }

    private static boolean canMakeVirtualEnvironments() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import venv, ensurepip").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
