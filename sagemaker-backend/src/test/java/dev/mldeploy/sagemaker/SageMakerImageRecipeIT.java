package dev.mldeploy.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.Architecture;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.bundle.AdapterFiles;
import dev.mldeploy.image.BuiltImage;
import dev.mldeploy.image.ImageBuilder;
import dev.mldeploy.image.ImageDestination;
import dev.mldeploy.image.ImageReference;
import dev.mldeploy.image.RegistryCredentials;
import dev.mldeploy.kit.LoopbackRegistry;
import dev.mldeploy.kit.RegistryApi;
import dev.mldeploy.kit.TestBaseImage;
import dev.mldeploy.kit.Wheelhouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SageMaker serving image, built on a base pushed to a loopback registry, read back through the registry's API:
 * what the Dockerfile {@code package --target sagemaker} writes describes (entrypoint, {@code serve}, port 8080,
 * environment, {@code /opt/program}), the dependencies for Linux on the architecture, and no model code (that stays
 * in model.tar.gz).
 */
class SageMakerImageRecipeIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static LoopbackRegistry registry;
    private static TestBaseImage.Pushed base;
    @TempDir
    static Path wheels;
    static Wheelhouse house;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        registry = LoopbackRegistry.start();
        base = TestBaseImage.push(registry, "docker/library/python", "3.12-slim", "amd64", "arm64");
        house = Wheelhouse.at(wheels).whichBuild(Path.of(python()));
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    static String python() {
        return System.getenv().getOrDefault("MLDEPLOY_PYTHON", "python3");
    }

    @Test
    @SuppressWarnings("unchecked")
    void image_holdsTheServingAdapterAndLinuxDependencies_notTheModelCode() throws Exception {
        Path model = Files.createDirectories(dir.resolve("sm"));
        Files.writeString(model.resolve("inference.py"), "def model_fn(model_dir):\n    return None\n\n\ndef predict_fn(data, model):\n    return data\n");
        Files.writeString(model.resolve("requirements.txt"), "which-build==1.0\n");
        ModelSpec spec = ModelSpec.builder("sm").source(model).build();
        BuiltImage built;
        try (SageMakerImageRecipe recipe = SageMakerImageRecipe.builder(spec).architecture(Architecture.ARM64)
                .baseImage(ImageReference.parse(base.reference())).python(python())
                .pipEnvironment(house.pipEnvironment()).timeout(TIMEOUT).prepare()) {
            built = ImageBuilder.builder().cacheDirectory(dir.resolve("cache")).allowInsecure(true)
                    .baseImageCredentials(RegistryCredentials.none()).build()
                    .build(recipe.recipe(), ImageDestination.registry(registry.reference("models/sm:1"),
                            RegistryCredentials.none()), TIMEOUT);
        }

        RegistryApi api = registry.api();
        RegistryApi.Manifest m = api.manifest("models/sm", "1");
        assertEquals(built.digest(), m.digest());
        Map<String, Object> config = api.config("models/sm", m);
        assertEquals("arm64", config.get("architecture"));
        Map<String, Object> cc = (Map<String, Object>) config.get("config");
        assertEquals(List.of("python3", "/opt/program/mldeploy_serve.py"), cc.get("Entrypoint"));
        assertEquals(List.of("serve"), cc.get("Cmd"));
        assertEquals("/opt/program", cc.get("WorkingDir"));
        assertEquals(Map.of("8080/tcp", Map.of()), cc.get("ExposedPorts"));
        List<Object> env = (List<Object>) cc.get("Env");
        for (String v : List.of("PYTHONUNBUFFERED=1", "PYTHONDONTWRITEBYTECODE=1", "SAGEMAKER_BIND_TO_PORT=8080",
                "PYTHONPATH=/opt/program/packages")) {
            assertTrue(env.contains(v), v + " in " + env);
        }

        assertEquals(3, m.layerDigests().size(), "base, dependencies, adapter");
        assertEquals(base.layerDigests().get(1), m.layerDigests().get(0));
        Map<String, RegistryApi.LayerEntry> deps = byPath(api, m.layerDigests().get(1));
        assertEquals("BUILD = 'lambda-aarch64'\n",
                deps.get("opt/program/packages/which_build/__init__.py").text(),
                "the manylinux aarch64 build, not the host's");
        Map<String, RegistryApi.LayerEntry> adapter = byPath(api, m.layerDigests().get(2));
        List<String> expected = AdapterFiles.SERVING_IMAGE_NAMES.stream().map(n -> "opt/program/" + n).sorted()
                .toList();
        assertEquals(expected, List.copyOf(adapter.keySet()));
        assertFalse(adapter.containsKey("opt/program/mldeploy_lambda.py"));
        List<byte[]> blobs = m.layerDigests().stream().map(d -> api.blob("models/sm", d)).toList();
        assertTrue(RegistryApi.flatten(blobs).keySet().stream().noneMatch(p -> p.endsWith("inference.py")),
                "the model's code stays in model.tar.gz");
    }

    @Test
    void defaultBase_isTheSlimPythonImageOfTheSpecsVersion() {
        assertEquals("public.ecr.aws/docker/library/python:3.11-slim",
                SageMakerImageRecipe.defaultBase("3.11").toString());
    }

    private static Map<String, RegistryApi.LayerEntry> byPath(RegistryApi api, String digest) {
        Map<String, RegistryApi.LayerEntry> m = new TreeMap<>();
        for (RegistryApi.LayerEntry e : RegistryApi.layerFiles(api.blob("models/sm", digest))) {
            m.put(e.path(), e);
        }
        return m;
    }
}
