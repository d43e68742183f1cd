package dev.mldeploy.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.spi.Json;
import dev.mldeploy.kit.Wheelhouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plan --model DIR} resolves the model's requirements.txt for Lambda's platform with real pip (against a
 * hand-built wheelhouse, no index), shows the measured size and the largest packages, counts them in lambda:zip's
 * package size, and says so when it could not measure.
 */
class PlanDependenciesIT {
    private static final Path PYTHON = Wheelhouse.wheelBuildingPython();

    @TempDir
    Path tmp;
    private Wheelhouse house;
    private Path model;

    @BeforeEach
    void modelWithRequirements() throws IOException {
        house = Wheelhouse.at(tmp.resolve("wheels"));
        house.whichBuild(PYTHON);
        house.wheel("big-helper", "3.1").file("big_helper/__init__.py", "DATA = '" + "x".repeat(40_000) + "'\n")
                .build();
        model = TinyModel.in(tmp.resolve("deps-model"));
        Files.writeString(model.resolve("requirements.txt"), "which-build\nbig-helper\n");
    }

    private Cli cli(Map<String, String> pip) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(pip);
        env.put("MLDEPLOY_PYTHON", PYTHON.toString());
        env.put("MLDEPLOY_HOME", tmp.resolve("home").toString());
        return new Cli(env);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> obj(Object o) {
        return (Map<String, Object>) o;
    }

    private static long leftOverResolutions() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("mldeploy-plan-deps-")).count();
        }
    }

    @Test
    void plan_withAWheelhouseModel_showsTheMeasuredDependencySizeAndLargestPackages() throws IOException {
        long before = leftOverResolutions();
        Cli.Result r = cli(house.pipEnvironment()).run("plan", "--model", model.toString(), "--target", "lambda");
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.out().contains("dependencies: ") && r.out().contains(" measured (resolved for Lambda python3.12 "
                + "x86_64); largest: big-helper 40 KB, which-build"), r::toString);
        assertEquals(before, leftOverResolutions(), "the resolution's temporary directory is removed");
    }

    @Test
    @SuppressWarnings("unchecked")
    void planJson_countsTheDependenciesInLambdaZipsPackageSize() {
        Cli.Result r = cli(house.pipEnvironment()).run("plan", "--model", model.toString(), "--output", "json");
        assertEquals(0, r.status(), r::toString);
        Map<String, Object> json = Json.parseObject(r.out().trim());
        Map<String, Object> deps = obj(json.get("dependencies"));
        assertEquals("measured", deps.get("basis"));
        long bytes = ((Number) deps.get("bytes")).longValue();
        assertTrue(bytes > 40_000, deps::toString);
        List<Object> packages = (List<Object>) deps.get("packages");
        assertEquals("big-helper", obj(packages.get(0)).get("name"));
        assertEquals("which-build", obj(packages.get(1)).get("name"));
        Map<String, Object> zip = ((List<Object>) json.get("targets")).stream().map(PlanDependenciesIT::obj)
                .filter(t -> "lambda".equals(t.get("name")) && "zip".equals(t.get("variant"))).findFirst()
                .orElseThrow();
        Map<String, Object> settings = obj(zip.get("settings"));
        assertEquals(Long.toString(bytes), settings.get("dependencyBytes"));
        long code = ((Number) json.get("packageSizeBytes")).longValue();
        assertTrue(Long.parseLong((String) settings.get("packageBytes")) >= code + bytes, settings::toString);
    }

    @Test
    void plan_whenPipCannotReachAnIndex_saysTheSizeIsUnknownAndWhy() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty-links"));
        Map<String, String> pip = new HashMap<>();
        pip.put("PIP_NO_INDEX", "off");
        pip.put("PIP_INDEX_URL", "http://127.0.0.1:1/simple");
        pip.put("PIP_EXTRA_INDEX_URL", "");
        pip.put("PIP_FIND_LINKS", empty.toString());
        pip.put("PIP_RETRIES", "1");  // pip warns of each retry; with none it stays silent about the index
        pip.put("PIP_TIMEOUT", "2");
        Cli.Result r = cli(pip).run("plan", "--model", model.toString(), "--target", "lambda");
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.out().contains("dependencies: size unknown (not resolved: pip could not reach a package index"),
                r::toString);
        assertTrue(r.out().contains("counts the code alone"), r::toString);
    }

    @Test
    void plan_withNoResolve_runsNoPipAndSaysTheSizeIsUnknown() {
        Cli.Result r = new Cli(Map.of("MLDEPLOY_PYTHON", tmp.resolve("no-such-python").toString(),
                "MLDEPLOY_HOME", tmp.resolve("home").toString())).run("plan", "--model", model.toString(),
                "--target", "lambda", "--no-resolve");
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.out().contains("dependencies: size unknown (not resolved: --no-resolve)"), r::toString);
    }

    @Test
    void plan_whenARequirementIsACExtensionSdist_rejectsLambdaZipNamingIt() {
        Assumptions.assumeTrue(Wheelhouse.canBuildWheels(PYTHON), Wheelhouse.cannotBuildWheels(PYTHON));
        house.cExtensionSdist("c-ext-sdist");
        try {
            Files.writeString(model.resolve("requirements.txt"), "c-ext-sdist\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Cli.Result r = cli(house.pipEnvironment()).run("plan", "--model", model.toString(), "--target", "lambda");
        assertEquals(0, r.status(), r::toString);  // lambda:image still fits
        assertTrue(r.out().contains("the dependencies cannot be built for a .zip package: 'c-ext-sdist'"), r::toString);
        assertTrue(r.out().contains("lambda:image"), r::toString);
    }

    @Test
    void deployAuto_countsTheDependencies_soAModelWhoseDependenciesCannotBeZippedIsNotPlacedOnLambdaZip()
            throws IOException {
        Assumptions.assumeTrue(Wheelhouse.canBuildWheels(PYTHON), Wheelhouse.cannotBuildWheels(PYTHON));
        house.cExtensionSdist("c-ext-sdist");
        Files.writeString(model.resolve("requirements.txt"), "c-ext-sdist\n");
        // --instance-type is SageMaker's: the refusal names the candidate auto chose, before anything is deployed
        Cli.Result r = cli(house.pipEnvironment()).run("deploy", "--target", "auto", "--model", model.toString(),
                "--instance-type", "ml.m5.large");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("(chosen by --target auto as lambda:image)"), r::toString);
        assertEquals(0, leftOverResolutions());
    }

    @Test
    void plan_withNoResolve_estimatesFromTheInterpretersInstalledPackages() throws IOException {
        Files.writeString(model.resolve("requirements.txt"), "pip\nno-such-dist-anywhere\n");  // every Python has pip
        Cli.Result r = cli(Map.of()).run("plan", "--model", model.toString(), "--target", "lambda", "--no-resolve",
                "--output", "json");
        assertEquals(0, r.status(), r::toString);
        Map<String, Object> deps = obj(Json.parseObject(r.out().trim()).get("dependencies"));
        assertEquals("estimated", deps.get("basis"), deps::toString);
        assertTrue(((Number) deps.get("bytes")).longValue() > 100_000, deps::toString);
        assertEquals("pip", obj(((List<?>) deps.get("packages")).get(0)).get("name"), deps::toString);
        String detail = (String) deps.get("detail");
        assertTrue(detail.startsWith("not resolved: --no-resolve; estimated from the packages installed for "
                + PYTHON), detail);
        assertTrue(detail.endsWith("which lacks no-such-dist-anywhere"), detail);
    }

    @Test
    void plan_forSageMakerOnly_leavesTheDependenciesAlone() {
        Cli.Result r = new Cli(Map.of("MLDEPLOY_PYTHON", tmp.resolve("no-such-python").toString(),
                "MLDEPLOY_HOME", tmp.resolve("home").toString())).run("plan", "--model", model.toString(),
                "--target", "sagemaker", "--output", "json");
        assertEquals(0, r.status(), r::toString);
        assertEquals(null, Json.parseObject(r.out().trim()).get("dependencies"), r::toString);
    }
}
