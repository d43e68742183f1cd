package dev.mldeploy.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.kit.Wheelhouse;
import dev.mldeploy.lambda.LambdaTarget;
import dev.mldeploy.spi.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code package --target lambda} for a model with a requirements.txt writes the code zip and the dependency layer
 * zip (resolved with real pip from a hand-built wheelhouse for the Lambda runtime), and lists both with their sizes.
 */
class PackageLambdaLayerIT {
    private static final Path PYTHON = Wheelhouse.wheelBuildingPython();

    @TempDir
    Path tmp;
    private Wheelhouse house;
    private Path model;

    @BeforeEach
    void modelWithRequirements() throws IOException {
        house = Wheelhouse.at(tmp.resolve("wheels"));
        house.whichBuild(PYTHON);
        model = Files.createDirectories(tmp.resolve("deps-model"));
        Files.writeString(model.resolve("inference.py"), "import which_build\n\ndef model_fn(d):\n    return 1\n\n"
                + "def predict_fn(x, m):\n    return which_build.BUILD\n");
        Files.writeString(model.resolve("requirements.txt"), "which-build\n");
    }

    /**
     * The CLI with the lambda target configured as its provider would be from {@code MLDEPLOY_LAMBDA_RUNTIME},
     * {@code MLDEPLOY_PYTHON} and {@code PIP_*} (the provider reads them from the process environment, which a test
     * cannot set).
     */
    private Cli cli() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("MLDEPLOY_HOME", tmp.resolve("home").toString());
        return new Cli(env, false, dev.mldeploy.lambda.LambdaTargetProvider.of(LambdaTarget.builder()
                .runtime("python3.12").python(PYTHON.toString()).pipEnvironment(house.pipEnvironment()).home(tmp.resolve("home")).build()));
    }

    private static List<String> names(Path zip) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            z.stream().forEach(e -> names.add(e.getName()));
        }
        return names;
    }

    @Test
    void package_lambda_withRequirements_writesCodeZipAndLayerZip_andListsBothWithSizes() throws IOException {
        Path out = tmp.resolve("out");
        Cli.Result r = cli().run("package", "--target", "lambda", "--model", model.toString(), "--out",
                out.toString());

        assertEquals(0, r.status(), r::toString);
        Path code = out.resolve("deps-model-lambda.zip");
        Path layer = out.resolve("deps-model-lambda-layer.zip");
        assertTrue(r.out().contains("wrote 2 files for lambda to " + out + ":\n  " + code + " (" + Files.size(code)
                + " bytes)\n  " + layer + " (" + Files.size(layer) + " bytes)\n"), r.out());
        assertTrue(names(layer).contains("python/which_build/__init__.py"), names(layer).toString());
        assertTrue(names(layer).stream().allMatch(n -> n.startsWith("python/")), names(layer).toString());
        assertTrue(names(code).stream().noneMatch(n -> n.startsWith("which_build")), names(code).toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void package_lambda_withRequirements_json_listsBothFilesWithBytes() throws IOException {
        Path out = tmp.resolve("out");
        Cli.Result r = cli().run("package", "--target", "lambda", "--model", model.toString(), "--out",
                out.toString(), "--output", "json");

        assertEquals(0, r.status(), r::toString);
        List<Object> files = (List<Object>) Json.parseObject(r.out().trim()).get("files");
        assertEquals(2, files.size(), files.toString());
        Map<String, Object> layer = (Map<String, Object>) files.get(1);
        assertEquals(out.resolve("deps-model-lambda-layer.zip").toString(), layer.get("path"));
        assertEquals(Files.size(out.resolve("deps-model-lambda-layer.zip")), ((Number) layer.get("bytes")).longValue());
    }
}
