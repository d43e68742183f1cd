package dev.mldeploy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployResult;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelErrorException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.spi.Json;
import dev.mldeploy.local.LocalTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scikit-learn example ({@code examples/models/iris}) deployed to the local target with Debian's
 * {@code /usr/bin/python3} and that interpreter's own packages ({@code python3-sklearn}; no venv, no package index),
 * invoked with the flowers train.py held out, and undeployed.
 */
class IrisModelIT {
    /** How far below train.py's recorded held-out accuracy the served model may fall (one flower in 45 is 0.022). */
    private static final double ACCURACY_MARGIN = 0.03;

    @TempDir
    Path dir;
    ModelDeployer deployer;
    LocalTarget local;

    @BeforeEach
    void setUp() {
        SklearnPython.assumeAvailable();
        local = LocalTarget.builder()
                .home(dir.resolve("home"))
                .python(SklearnPython.PYTHON)
                .useInterpreterPackages(true)
                .build();
        deployer = ModelDeployer.builder().discoverProviders(false).provider(local).build();
    }

    @AfterEach
    void tearDown() {
        if (deployer != null) {
            deployer.undeploy("iris");
            deployer.close();
        }
    }

    /** The example, copied so that nothing (a __pycache__) is written into the source tree. */
    private Path model() throws IOException {
        Path m = Files.createDirectories(dir.resolve("iris"));
        try (Stream<Path> files = Files.list(SklearnPython.IRIS)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, m.resolve(f.getFileName()));
            }
        }
        return m;
    }

    private static Map<?, ?> answer(InferenceResponse r) {
        assertTrue(r.contentType().startsWith("application/json"), r::toString);
        return (Map<?, ?>) Json.parse(r.bodyAsString());
    }

    @Test
    void deploy_withTheInterpreterPackages_predictsTheHeldOutSpecies_fromJsonAndCsv_thenUndeployLeavesNothing()
            throws Exception {
        Path model = model();
        IrisHeldOut heldOut = IrisHeldOut.read(model);
        assertTrue(Files.exists(model.resolve("requirements.txt")), "the example names its dependencies");

        DeployResult deployed = deployer.deploy(ModelSpec.fromDirectory(model));
        assertEquals("iris", deployed.deployment().name());
        assertEquals(SklearnPython.PYTHON, deployed.deployment().attributes().get("python"),
                "served by Debian's interpreter itself, not a venv");

        try (InferenceClient client = deployer.client("iris")) {
            Map<?, ?> json = answer(client.invoke(InferenceRequest.json(heldOut.instancesJson())));
            List<?> predicted = (List<?>) json.get("predictions");
            double accuracy = heldOut.accuracyOf(predicted);
            assertTrue(accuracy >= heldOut.recordedAccuracy() - ACCURACY_MARGIN, "held-out accuracy " + accuracy
                    + ", train.py recorded " + heldOut.recordedAccuracy() + "; predictions " + predicted);
            assertEquals(heldOut.rows().size(), ((List<?>) json.get("probabilities")).size());

            // three held-out flowers, one of each species, far from the boundaries between them
            List<Integer> clearRows = List.of(2, 18, 41);
            List<String> truth = clearRows.stream().map(heldOut.species()::get).toList();
            assertEquals(List.of("setosa", "versicolor", "virginica"), truth, "heldout.csv rows " + clearRows);
            Map<?, ?> clear = answer(client.invoke(InferenceRequest.json("{\"instances\": ["
                    + String.join(", ", clearRows.stream().map(i -> "[" + heldOut.rows().get(i) + "]").toList())
                    + "]}")));
            assertEquals(truth, clear.get("predictions"));
            List<?> classes = (List<?>) clear.get("classes");
            for (int i = 0; i < truth.size(); i++) {
                List<?> p = (List<?>) ((List<?>) clear.get("probabilities")).get(i);
                double own = ((Number) p.get(classes.indexOf(truth.get(i)))).doubleValue();
                assertTrue(own > 0.75, truth.get(i) + " row " + heldOut.rows().get(clearRows.get(i))
                        + " is clearly its species: " + p);
            }

            Map<?, ?> csv = answer(client.invoke(InferenceRequest.of(
                    heldOut.csv().getBytes(StandardCharsets.UTF_8), "text/csv")));
            assertEquals(json, csv, "the same rows as CSV get the same answer as JSON");
        }

        assertTrue(deployer.undeploy("iris"));
        assertEquals(List.of(), deployer.list(), "no deployment is left");
        assertFalse(Files.exists(local.stateDirectory().resolve("iris")), "the deployment's state directory is gone");
        try (Stream<Path> left = Files.walk(local.stateDirectory())) {
            assertEquals(List.of(), left.filter(Files::isRegularFile).toList(),
                    "no file is left under " + local.stateDirectory() + " (the lock file is gone too)");
        }
    }

    @Test
    void invoke_whenARowHasThreeMeasurements_throwsModelErrorException_sayingWhatToSend() throws Exception {
        deployer.deploy(ModelSpec.fromDirectory(model()));
        try (InferenceClient client = deployer.client("iris")) {
            ModelErrorException e = assertThrows(ModelErrorException.class,
                    () -> client.invoke(InferenceRequest.json("{\"instances\": [[5.1, 3.5, 1.4]]}")));
            assertEquals("ValueError", e.errorType());
            assertTrue(e.errorMessage().startsWith("instance 1 has 3 values; each row holds 4 numbers"),
                    e::getMessage);
            assertEquals("local", e.target());

            Map<?, ?> after = answer(client.invoke(InferenceRequest.json("{\"instances\": [[5.1, 3.4, 1.5, 0.2]]}")));
            assertEquals(List.of("setosa"), after.get("predictions"), "the model still answers after the refusal");
        }
        assertTrue(deployer.undeploy("iris"));
        assertFalse(deployer.undeploy("iris"), "nothing is left to undeploy");
    }
}
