package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.spi.Json;
import dev.mldeploy.local.LocalTarget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Lambda package is complete on its own: the code zip and the layer zip that {@code package --target lambda}
 * writes, unpacked as Lambda unpacks them (code in the task root, the layer's {@code python/} on the path), run the
 * adapter's handler with nothing else on {@code sys.path} ({@code python -I -S}), and answer as the local target
 * answers for the same model and input. The one difference is the point: the two-build package is the Lambda x86_64
 * build in the Lambda package (pure Python in a manylinux wheel, so it imports here) and the host build locally.
 */
class LambdaPackageHandlerIT {
    private static final String INPUT = "{\"features\": [1, 2, 3]}";

    @TempDir
    Path dir;
    @TempDir
    static Path wheels;
    static dev.mldeploy.kit.Wheelhouse house;

    @BeforeAll
    static void writeWheelhouse() {
        house = LambdaLayerIT.wheelhouse(wheels);
    }

    private static void unzip(Path zip, Path into) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                Path out = into.resolve(e.getName()).normalize();
                assertTrue(out.startsWith(into), e.getName());
                Files.createDirectories(out.getParent());
                Files.copy(in, out);
            }
        }
    }

    /** Runs the handler with only {@code path} on sys.path (besides the standard library); its stdout and exit. */
    private static String[] runHandler(Path taskRoot, List<Path> path) throws Exception {
        Path script = taskRoot.getParent().resolve("invoke.py");
        Files.writeString(script, """
                import json, sys
                sys.path[:0] = sys.argv[2:]
                import mldeploy_lambda
                event = {"body": sys.argv[1], "isBase64Encoded": False, "contentType": "application/json",
                         "accept": "application/json"}
                print(json.dumps(mldeploy_lambda.handler(event, None)))
                """);
        List<String> cmd = new ArrayList<>(List.of(LambdaLayerIT.python(), "-I", "-S", script.toString(), INPUT));
        path.forEach(p -> cmd.add(p.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().clear(); // no PYTHONPATH, no MLDEPLOY_MODEL_DIR: what Lambda's task root gives
        pb.environment().put("PATH", System.getenv("PATH"));
        pb.environment().put("LAMBDA_TASK_ROOT", taskRoot.toString());
        Process p = pb.start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new String[] {out, Integer.toString(p.exitValue())};
    }

    @Test
    @SuppressWarnings("unchecked")
    void packagedHandler_withOnlyThePackageOnItsPath_answersAsTheLocalTarget_withTheLambdaBuild() throws Exception {
        Path model = LambdaLayerIT.model(dir, "same", LambdaLayerIT.REQUIREMENTS);
        ModelSpec spec = ModelSpec.builder("same").source(model).build();

        List<Path> written = LambdaTargetProvider.of(LambdaTarget.builder().runtime("python3.12")
                .python(LambdaLayerIT.python()).pipEnvironment(house.pipEnvironment()).home(dir.resolve("home"))
                .build())
                .packager().orElseThrow().write(spec, dir.resolve("out"));
        assertEquals(List.of(dir.resolve("out/same-lambda.zip"), dir.resolve("out/same-lambda-layer.zip")), written);
        Path task = dir.resolve("task");
        Path opt = dir.resolve("opt");
        unzip(written.get(0), task);
        unzip(written.get(1), opt);

        // the code alone cannot import its dependencies: the layer is what brings them
        String[] codeOnly = runHandler(task, List.of(task));
        assertNotEquals("0", codeOnly[1], codeOnly[0]);
        assertTrue(codeOnly[0].contains("ModuleNotFoundError"), codeOnly[0]);

        String[] run = runHandler(task, List.of(task, opt.resolve("python")));
        assertEquals("0", run[1], run[0]);
        Map<String, Object> envelope = Json.parseObject(run[0].strip());
        assertEquals(200, ((Number) envelope.get("statusCode")).intValue());
        assertEquals("application/json", envelope.get("contentType"));
        Map<String, Object> lambdaAnswer = Json.parseObject((String) envelope.get("body"));

        Map<String, Object> localAnswer;
        // the local target builds its virtual environment from the same requirements.txt and wheelhouse
        try (ModelDeployer local = ModelDeployer.builder().provider(LocalTarget.builder().home(dir.resolve("home"))
                .python(LambdaLayerIT.python()).pipEnvironment(house.pipEnvironment()).home(dir.resolve("home"))
                .build())
                .defaultTarget("local").discoverProviders(false).build()) {
            local.deploy(spec, DeployOptions.builder().timeout(Duration.ofMinutes(3)).build());
            try (InferenceClient c = local.client("same")) {
                localAnswer = Json.parseObject(c.invoke(InferenceRequest.json(INPUT)).bodyAsString());
            } finally {
                local.undeploy("same");
            }
        }

        assertEquals("lambda-x86_64", lambdaAnswer.get("build"), "the Lambda package holds the Lambda build");
        assertEquals("host", localAnswer.get("build"), "the local target runs the host build");
        assertEquals(localAnswer.get("helper"), lambdaAnswer.get("helper"));
        assertEquals(42, ((Number) lambdaAnswer.get("helper")).intValue());
        assertEquals(localAnswer.get("echo"), lambdaAnswer.get("echo"));
        assertEquals(Json.parse(INPUT), lambdaAnswer.get("echo"));
    }
}
