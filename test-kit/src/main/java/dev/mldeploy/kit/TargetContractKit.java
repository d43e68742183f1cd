package dev.mldeploy.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mldeploy.ConflictException;
import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.DeploymentNotFoundException;
import dev.mldeploy.DeploymentStatus;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelErrorException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.PayloadTooLargeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every target keeps, as one JUnit 5 suite a target's tests extend (artifact
 * {@code dev.mldeploy:mldeploy-test-kit}, test scope). Its cases come in {@link Nested} groups:
 * {@link Lifecycle}, {@link Invoke}, {@link ModelErrors}, {@link CleanupAndRetry}, {@link Timeouts},
 * {@link SecondDeployer} and {@link ConcurrentDeploys}.
 *
 * <p>A subclass supplies the hooks: {@link #newDeployer()} (a deployer whose default target is {@link #targetName()};
 * the kit opens one before each case, more for the cases that need a second or a racing deployer, and closes them
 * all), and, when the target is tested on an emulator that does not run the model, {@link #expectAnswer} and
 * {@link #expectModelError} to queue what the model would answer. A case needing what the target or its emulator
 * cannot serve is skipped with the reason {@link #cannotServe} gives (a JUnit assumption, reported as skipped),
 * never silently. After each case the kit undeploys what it deployed and calls {@link #assertNothingLeft()}.
 */
public abstract class TargetContractKit {
    /** The request every invoke sends. */
    protected static final String REQUEST = "{\"text\": \"hello kit\"}";

    /** What a target, or the emulator it is tested on, may be unable to serve. */
    public enum Capability {
        /** A changed spec updates the deployment in place (moto has no SageMaker UpdateEndpoint). */
        UPDATE_IN_PLACE,
        /** An exception raised by the model's predict_fn reaches the caller as {@link ModelErrorException}. */
        MODEL_ERROR_ON_INVOKE,
        /** An exception raised by the model's model_fn fails the deploy (the model is loaded while deploying). */
        LOAD_FAILURE_AT_DEPLOY,
        /** A deploy can be made to fail part-way ({@link #failingDeploy(String)}). */
        FAILING_DEPLOY
    }

    @TempDir
    protected Path kitDir;

    /** The deployer of the current case, opened before it and closed after it. */
    protected ModelDeployer deployer;
    private final Set<String> deployed = ConcurrentHashMap.newKeySet();
    private final List<ModelDeployer> opened = new CopyOnWriteArrayList<>();

    /** A new deployer whose default target is {@link #targetName()}; the kit closes it. */
    protected abstract ModelDeployer newDeployer();

    /** The target under test ({@code local}, {@code sagemaker}, {@code lambda}, or a third party's). */
    protected abstract String targetName();

    /** Why the target under test cannot serve {@code capability}, or empty when it can (the default). */
    protected Optional<String> cannotServe(Capability capability) {
        return Optional.empty();
    }

    /** Called before the first deployer of each case opens: start what the target is tested on. */
    protected void openTarget() {
    }

    /** Called last after each case, even when it failed: stop what {@link #openTarget()} started. */
    protected void closeTarget() {
    }

    /**
     * Called before each invoke with the deployment's name and the body the model must answer; a target tested on
     * an emulator that does not run the model queues it there. A target that runs the model does nothing.
     */
    protected void expectAnswer(String deploymentName, String body) {
    }

    /** Like {@link #expectAnswer}, for a model that raises {@code errorType(message)} on this request. */
    protected void expectModelError(String deploymentName, String errorType, String message) {
    }

    /**
     * A spec named {@code name} whose deploy fails part-way, after the target has begun to create things (by
     * default a model whose model_fn raises; an emulator-backed target arms a fault instead).
     */
    protected ModelSpec failingDeploy(String name) {
        return spec(name, KitModels.FAILS_ON_LOAD).build();
    }

    /**
     * What changes when the target makes a mutating call for {@code name}: the kit compares it before and after
     * an unchanged redeploy. By default the description; a target whose clients record their calls returns those.
     */
    protected Object mutationWitness(String name) {
        return deployer.describe(name);
    }

    /** After each case's undeploy and after a failed deploy: fail when the target left anything behind. */
    protected void assertNothingLeft() {
    }

    /** How long one deploy may take. */
    protected Duration deployTimeout() {
        return Duration.ofMinutes(5);
    }

    /** A timeout too short for {@link #slowSpec(String)} to deploy in. */
    protected Duration tinyTimeout() {
        return Duration.ofSeconds(1);
    }

    /** A spec that takes long to deploy (by default a model whose model_fn sleeps 60 s). */
    protected ModelSpec slowSpec(String name) {
        return spec(name, KitModels.SLOW_LOAD).putEnvironment("SLOW_LOAD_SECONDS", "60").build();
    }

    /** A spec for the echo model under {@code name}; override {@link #spec(String, String)} to add what it needs. */
    protected final ModelSpec.Builder spec(String name) {
        return spec(name, KitModels.ECHO);
    }

    /** A spec for the kit model {@code model} (see {@link KitModels}) under {@code name}. */
    protected ModelSpec.Builder spec(String name, String model) {
        return ModelSpec.builder(name).source(KitModels.copy(model, kitDir, name + "-" + model));
    }

    @BeforeEach
    final void openKitDeployer() {
        openTarget();
        deployer = openDeployer();
    }

    @AfterEach
    final void undeployAndClose() {
        try {
            try {
                for (String name : deployed) {
                    deployer.undeploy(name);
                }
            } finally {
                for (ModelDeployer d : opened) {
                    d.close();
                }
            }
            assertNothingLeft();
        } finally {
            closeTarget();
        }
    }

    /** Opens another deployer on the same target (closed after the case). */
    protected final ModelDeployer openDeployer() {
        ModelDeployer d = newDeployer();
        opened.add(d);
        assertEquals(targetName(), d.defaultTarget(), "the kit needs a deployer whose default target is "
                + targetName());
        return d;
    }

    /** A fresh deployment name: {@code kit-<prefix>-<8 hex>}. */
    protected String newName(String prefix) {
        return "kit-" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected DeployResult deploy(ModelSpec spec) {
        return deploy(deployer, spec, deployTimeout());
    }

    private DeployResult deploy(ModelDeployer with, ModelSpec spec, Duration timeout) {
        deployed.add(spec.name());
        return with.deploy(spec, DeployOptions.builder().target(targetName()).timeout(timeout).build());
    }

    private void assumeServes(Capability capability) {
        Optional<String> reason = cannotServe(capability);
        Assumptions.assumeTrue(reason.isEmpty(), () -> targetName() + " cannot serve " + capability + ": "
                + reason.orElse(""));
    }

    private static void assertSameJson(String expected, String actual) {
        assertEquals(KitJson.compact(expected), KitJson.compact(actual), "answer " + actual);
    }

    private void assertGone(String name) {
        assertThrows(DeploymentNotFoundException.class, () -> deployer.describe(name));
        assertTrue(deployer.list().stream().noneMatch(d -> d.name().equals(name)), "list: " + deployer.list());
    }

    private void assertAnswers(ModelDeployer with, String name, String version) {
        String expected = KitModels.echoAnswer("hello kit", version);
        expectAnswer(name, expected);
        try (InferenceClient client = with.client(name)) {
            assertSameJson(expected, client.invokeJson(REQUEST));
        }
    }

    /** Deploy, describe, list, redeploy unchanged, update, undeploy. */
    @Nested
    class Lifecycle {
        @Test
        void deploy_whenNew_createsAndDescribeAndListShowIt() {
            String name = newName("new");
            DeployResult result = deploy(spec(name).build());

            assertEquals(DeployResult.Change.CREATED, result.change(), result.message());
            assertEquals(name, result.deployment().name());
            assertEquals(targetName(), result.deployment().target());
            assertFalse(result.deployment().specHash().isEmpty(), "a deployment records its spec hash");
            Deployment described = deployer.describe(name);
            assertEquals(name, described.name());
            assertEquals(targetName(), described.target());
            assertEquals(DeploymentStatus.IN_SERVICE, described.status(), described.statusReason());
            assertEquals(result.deployment().specHash(), described.specHash());
            assertTrue(deployer.list().stream().anyMatch(d -> d.name().equals(name)
                    && d.target().equals(targetName())), "list shows " + name + ": " + deployer.list());
        }

        @Test
        void deploy_whenSpecUnchanged_returnsUnchangedWithoutMutatingCall() {
            String name = newName("same");
            DeployResult first = deploy(spec(name).build());
            Object before = mutationWitness(name);
            DeployResult second = deploy(spec(name).build());

            assertEquals(DeployResult.Change.UNCHANGED, second.change(), second.message());
            assertEquals(first.deployment().specHash(), second.deployment().specHash());
            assertEquals(before, mutationWitness(name), "an unchanged redeploy changes nothing");
            assertEquals(DeploymentStatus.IN_SERVICE, deployer.describe(name).status());
        }

        @Test
        void deploy_whenSpecChanged_updatesInPlace() {
            assumeServes(Capability.UPDATE_IN_PLACE);
            String name = newName("upd");
            DeployResult first = deploy(spec(name).build());
            DeployResult second = deploy(spec(name).putEnvironment("ECHO_VERSION", "2").build());

            assertEquals(DeployResult.Change.UPDATED, second.change(), second.message());
            assertNotEquals(first.deployment().specHash(), second.deployment().specHash());
            assertEquals(second.deployment().specHash(), deployer.describe(name).specHash());
            assertAnswers(deployer, name, "2");
        }

        @Test
        void describeAndClient_whenNameUnknown_throwNotFound() {
            String name = newName("missing");
            DeploymentNotFoundException d = assertThrows(DeploymentNotFoundException.class,
                    () -> deployer.describe(name));
            assertEquals(name, d.deploymentName());
            assertTrue(d.getMessage().contains(name), d.getMessage());
            assertThrows(DeploymentNotFoundException.class, () -> deployer.client(name));
            assertFalse(deployer.undeploy(name), "undeploying an unknown name removes nothing");
        }

        @Test
        void undeploy_removesItOnce() {
            String name = newName("gone");
            deploy(spec(name).build());

            assertTrue(deployer.undeploy(name));
            assertGone(name);
            assertFalse(deployer.undeploy(name), "a second undeploy finds nothing");
        }
    }

    /** Requests and the request size limit. */
    @Nested
    class Invoke {
        @Test
        void invoke_afterDeploy_returnsTheModelsAnswer() {
            String name = newName("invoke");
            deploy(spec(name).build());
            String expected = KitModels.echoAnswer("hello kit", "1");
            expectAnswer(name, expected);

            try (InferenceClient client = deployer.client(name)) {
                InferenceResponse response = client.invoke(InferenceRequest.json(REQUEST));
                assertSameJson(expected, response.bodyAsString());
                assertEquals(targetName(), response.target());
                assertEquals(name, client.deploymentName());
                assertEquals(targetName(), client.target());
            }
        }

        @Test
        void invoke_whenPayloadOverLimit_throwsBeforeSending() {
            String name = newName("big");
            deploy(spec(name).build());
            try (InferenceClient client = deployer.client(name)) {
                long limit = client.maxRequestBytes();
                assertTrue(limit > 0 && limit < Integer.MAX_VALUE, "limit " + limit);
                byte[] body = new byte[(int) limit + 1];
                PayloadTooLargeException e = assertThrows(PayloadTooLargeException.class,
                        () -> client.invoke(InferenceRequest.of(body, "application/octet-stream")));
                assertEquals(limit, e.limitBytes());
                assertEquals(limit + 1, e.sizeBytes());
                assertTrue(e.getMessage().contains(Long.toString(limit)), e.getMessage());
            }
            // nothing was sent: the answer queued now is the one the next request gets
            assertAnswers(deployer, name, "1");
        }
    }

    /** The model's own exceptions, at invoke and at load. */
    @Nested
    class ModelErrors {
        @Test
        void invoke_whenPredictRaises_throwsModelErrorWithItsMessage() {
            assumeServes(Capability.MODEL_ERROR_ON_INVOKE);
            String name = newName("predict");
            deploy(spec(name, KitModels.FAILS_ON_PREDICT).build());
            String message = KitModels.predictError("words");
            expectModelError(name, "ValueError", message);

            try (InferenceClient client = deployer.client(name)) {
                ModelErrorException e = assertThrows(ModelErrorException.class,
                        () -> client.invokeJson("{\"words\": \"hello kit\"}"));
                assertEquals("ValueError", e.errorType());
                assertEquals(message, e.errorMessage());
                assertEquals(targetName(), e.target());
                assertTrue(e.getMessage().contains(message), e.getMessage());
            }
        }

        @Test
        void deploy_whenModelFnRaises_failsWithItsMessageAndLeavesNothing() {
            assumeServes(Capability.LOAD_FAILURE_AT_DEPLOY);
            String name = newName("load");

            DeploymentFailedException e = assertThrows(DeploymentFailedException.class,
                    () -> deploy(spec(name, KitModels.FAILS_ON_LOAD).build()));
            assertTrue(e.getMessage().contains(KitModels.LOAD_ERROR), "the model's error is told: " + e.getMessage());
            assertGone(name);
            assertNothingLeft();
        }
    }

    /** A failed deploy cleans up after itself, so that nothing stands in the way of a retry. */
    @Nested
    class CleanupAndRetry {
        @Test
        void deploy_afterFailedDeploy_leavesNothingAndRetrySucceeds() {
            assumeServes(Capability.FAILING_DEPLOY);
            String name = newName("retry");

            assertThrows(MlDeployException.class, () -> deploy(failingDeploy(name)));
            assertGone(name);
            assertNothingLeft();

            DeployResult retry = deploy(spec(name).build());
            assertEquals(DeployResult.Change.CREATED, retry.change(), retry.message());
            assertAnswers(deployer, name, "1");
        }
    }

    /** A deploy that runs out of time. */
    @Nested
    class Timeouts {
        @Test
        void deploy_whenTimeoutTiny_throwsOperationTimeoutAndLeavesNothingUndeployCannotFind() {
            String name = newName("slow");

            OperationTimeoutException e = assertThrows(OperationTimeoutException.class,
                    () -> deploy(deployer, slowSpec(name), tinyTimeout()));
            assertFalse(e.getMessage().isBlank());
            deployer.undeploy(name); // true or false: what the timed-out deploy left, undeploy finds
            assertGone(name);
            assertNothingLeft();
        }
    }

    /** A new deployer (another process, in real use) sees and manages what this one deployed. */
    @Nested
    class SecondDeployer {
        @Test
        void describeListInvokeAndUndeploy_fromANewDeployer_seeTheDeployment() {
            String name = newName("second");
            DeployResult first = deploy(spec(name).build());
            ModelDeployer second = openDeployer();

            assertEquals(first.deployment().specHash(), second.describe(name).specHash());
            assertTrue(second.list().stream().anyMatch(d -> d.name().equals(name)), "list: " + second.list());
            assertAnswers(second, name, "1");
            assertEquals(DeployResult.Change.UNCHANGED, deploy(second, spec(name).build(), deployTimeout()).change());
            assertTrue(second.undeploy(name));
            assertGone(name);
        }
    }

    /** Two deployers deploying one name at once never both win with different results. */
    @Nested
    class ConcurrentDeploys {
        @Test
        void deploy_whenTwoDeployersRaceWithOneSpec_createsOnce() throws Exception {
            String name = newName("race");
            ModelSpec spec = spec(name).build();
            List<Object> outcomes = race(spec, spec);

            List<DeployResult> won = wins(outcomes);
            assertFalse(won.isEmpty(), "one of two deploys of one spec succeeds: " + outcomes);
            assertEquals(1, won.stream().filter(r -> r.change() == DeployResult.Change.CREATED).count(),
                    "exactly one creates: " + outcomes);
            won.stream().filter(r -> r.change() != DeployResult.Change.CREATED).forEach(r ->
                    assertEquals(DeployResult.Change.UNCHANGED, r.change(), "the other finds it made: " + outcomes));
            assertEquals(won.get(0).deployment().specHash(), deployer.describe(name).specHash());
        }

        @Test
        void deploy_whenTwoDeployersRaceWithDifferentSpecs_oneWinsOrTheyApplyInTurn() throws Exception {
            assumeServes(Capability.UPDATE_IN_PLACE);
            String name = newName("race2");
            List<Object> outcomes = race(spec(name).build(), spec(name).putEnvironment("ECHO_VERSION", "2").build());

            List<DeployResult> won = wins(outcomes);
            assertFalse(won.isEmpty(), "one of two deploys succeeds: " + outcomes);
            String described = deployer.describe(name).specHash();
            if (won.size() == 1) {
                assertEquals(won.get(0).deployment().specHash(), described, "the winner's spec is deployed");
            } else {
                // both succeeded: then they ran in turn, the second updating what the first created
                DeployResult created = won.stream().filter(r -> r.change() == DeployResult.Change.CREATED)
                        .findFirst().orElseGet(() -> fail("neither created it: " + outcomes));
                DeployResult updated = won.get(won.get(0) == created ? 1 : 0);
                assertEquals(DeployResult.Change.UPDATED, updated.change(), "one created, the other updated: "
                        + outcomes);
                assertEquals(updated.deployment().specHash(), described, "the later (updating) spec is deployed");
            }
        }

        /** Deploys {@code a} and {@code b} at once from two new deployers; each outcome a result or exception. */
        private List<Object> race(ModelSpec a, ModelSpec b) throws Exception {
            ModelDeployer one = openDeployer();
            ModelDeployer two = openDeployer();
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<DeployResult>> futures = new ArrayList<>();
                for (var job : List.of(new Object[] {one, a}, new Object[] {two, b})) {
                    futures.add(pool.submit(() -> {
                        start.await();
                        return deploy((ModelDeployer) job[0], (ModelSpec) job[1], deployTimeout());
                    }));
                }
                start.countDown();
                List<Object> outcomes = new ArrayList<>();
                for (Future<DeployResult> f : futures) {
                    try {
                        outcomes.add(f.get(deployTimeout().toMillis() + 60_000, TimeUnit.MILLISECONDS));
                    } catch (java.util.concurrent.ExecutionException e) {
                        outcomes.add(e.getCause());
                    }
                }
                return outcomes;
            } finally {
                pool.shutdownNow();
            }
        }

        /** The successful results; fails when a deploy failed with anything but {@link ConflictException}. */
        private List<DeployResult> wins(List<Object> outcomes) {
            List<DeployResult> won = new ArrayList<>();
            for (Object o : outcomes) {
                if (o instanceof DeployResult r) {
                    won.add(r);
                } else {
                    assertInstanceOf(ConflictException.class, o, "a losing deploy gets ConflictException: " + o);
                }
            }
            return won;
        }
    }
}
