package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.Architecture;
import dev.mldeploy.DeployOptions;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.image.BuiltImage;
import dev.mldeploy.image.ImageBuilder;
import dev.mldeploy.image.ImageDestination;
import dev.mldeploy.image.ImageReference;
import dev.mldeploy.image.RegistryCredentials;
import dev.mldeploy.kit.LoopbackRegistry;
import dev.mldeploy.kit.RegistryApi;
import dev.mldeploy.kit.TestBaseImage;
import dev.mldeploy.kit.Wheelhouse;
import dev.mldeploy.local.LocalTarget;
import dev.mldeploy.spi.Json;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Lambda container image, built on a base pushed to a loopback registry and read back through the registry's
 * API: the handler as {@code CMD}, the dependencies resolved for the function's architecture exactly as the zip's
 * layer (the two Lambda builds of {@code which-build} tell which), the adapter and the code in {@code /var/task};
 * and {@code /var/task} unpacked from the pushed layers answers, under the local Lambda contract, as the local
 * target does.
 */
class LambdaImageRecipeIT {
    private static final String INPUT = "{\"features\": [1, 2, 3]}";
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
        base = TestBaseImage.push(registry, "lambda/python", "3.12", "amd64", "arm64");
        house = LambdaLayerIT.wheelhouse(wheels);
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    private BuiltImage build(ModelSpec spec, Architecture arch, String repoTag) {
        try (LambdaImageRecipe recipe = LambdaImageRecipe.builder(spec).runtime("python3.12").architecture(arch)
                .baseImage(ImageReference.parse(base.reference())).python(LambdaLayerIT.python())
                .pipEnvironment(house.pipEnvironment()).timeout(TIMEOUT).prepare()) {
            return ImageBuilder.builder().cacheDirectory(dir.resolve("cache")).allowInsecure(true)
                    .baseImageCredentials(RegistryCredentials.none()).build()
                    .build(recipe.recipe(), ImageDestination.registry(registry.reference(repoTag),
                            RegistryCredentials.none()), TIMEOUT);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void image_forX86_holdsHandlerDepsAdapterAndCode_andItsTaskRootAnswersAsTheLocalTarget() throws Exception {
        Path model = LambdaLayerIT.model(dir, "img", LambdaLayerIT.REQUIREMENTS);
        ModelSpec spec = ModelSpec.builder("img").source(model).build();
        BuiltImage built = build(spec, Architecture.X86_64, "models/img:1");

        RegistryApi api = registry.api();
        RegistryApi.Manifest m = api.manifest("models/img", "1");
        assertEquals(built.digest(), m.digest());
        Map<String, Object> config = api.config("models/img", m);
        assertEquals("amd64", config.get("architecture"));
        Map<String, Object> cc = (Map<String, Object>) config.get("config");
        assertEquals(List.of(LambdaImageRecipe.HANDLER), cc.get("Cmd"));
        assertEquals(TestBaseImage.ENTRYPOINT, cc.get("Entrypoint"), "the base's entrypoint (the runtime) kept");
        assertEquals("img", ((Map<String, Object>) cc.get("Labels")).get("dev.mldeploy.model"));

        List<String> layers = m.layerDigests();
        assertEquals(4, layers.size(), "base, dependencies, adapter, code");
        assertEquals(base.layerDigests().get(0), layers.get(0));
        Map<String, RegistryApi.LayerEntry> deps = byPath(api, "models/img", layers.get(1));
        assertEquals("BUILD = 'lambda-x86_64'\n", deps.get("var/task/which_build/__init__.py").text());
        assertTrue(deps.containsKey("var/task/plain_helper.py"));
        assertTrue(deps.keySet().stream().noneMatch(p -> p.endsWith(".pyc")), deps.keySet().toString());
        Map<String, RegistryApi.LayerEntry> adapter = byPath(api, "models/img", layers.get(2));
        assertTrue(adapter.containsKey("var/task/mldeploy_lambda.py"), adapter.keySet().toString());
        assertTrue(adapter.containsKey("var/task/mldeploy_adapter/lambda_handler.py"));
        Map<String, RegistryApi.LayerEntry> code = byPath(api, "models/img", layers.get(3));
        assertEquals(List.of("var/task/inference.py", "var/task/requirements.txt"), List.copyOf(code.keySet()));

        // /var/task from the pushed layers, run as Lambda runs it: only the task root on the path
        Path root = dir.resolve("rootfs");
        List<byte[]> blobs = new ArrayList<>();
        layers.forEach(d -> blobs.add(api.blob("models/img", d)));
        for (RegistryApi.LayerEntry e : RegistryApi.flatten(blobs).values()) {
            Path out = root.resolve(e.path()).normalize();
            assertTrue(out.startsWith(root), e.path());
            Files.createDirectories(out.getParent());
            Files.write(out, e.bytes());
        }
        Path task = root.resolve("var/task");
        String[] run = runHandler(task);
        assertEquals("0", run[1], run[0]);
        Map<String, Object> envelope = Json.parseObject(run[0].strip());
        assertEquals(200, ((Number) envelope.get("statusCode")).intValue());
        Map<String, Object> imageAnswer = Json.parseObject((String) envelope.get("body"));

        Map<String, Object> localAnswer;
        try (ModelDeployer local = ModelDeployer.builder().provider(LocalTarget.builder().home(dir.resolve("home"))
                .python(LambdaLayerIT.python()).pipEnvironment(house.pipEnvironment()).build())
                .defaultTarget("local").discoverProviders(false).build()) {
            local.deploy(spec, DeployOptions.builder().timeout(TIMEOUT).build());
            try (InferenceClient c = local.client("img")) {
                localAnswer = Json.parseObject(c.invoke(InferenceRequest.json(INPUT)).bodyAsString());
            } finally {
                local.undeploy("img");
            }
        }
        assertEquals("lambda-x86_64", imageAnswer.get("build"), "the image holds the Lambda build");
        assertEquals("host", localAnswer.get("build"));
        assertEquals(localAnswer.get("helper"), imageAnswer.get("helper"));
        assertEquals(localAnswer.get("echo"), imageAnswer.get("echo"));
        assertEquals(Json.parse(INPUT), imageAnswer.get("echo"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void image_forArm64_resolvesTheArm64Build_andIsReproducibleAcrossPreparations() throws Exception {
        Path model = LambdaLayerIT.model(dir, "arm", LambdaLayerIT.REQUIREMENTS);
        ModelSpec spec = ModelSpec.builder("arm").source(model).build();
        BuiltImage first = build(spec, Architecture.ARM64, "models/arm:1");
        int uploads = registry.blobUploads();
        BuiltImage second = build(spec, Architecture.ARM64, "models/arm:1");

        assertEquals(first.digest(), second.digest(), "same model, same digest, with freshly staged files");
        assertEquals(0, registry.blobUploads() - uploads);
        assertEquals(0, second.pushedBlobs());
        RegistryApi api = registry.api();
        RegistryApi.Manifest m = api.manifest("models/arm", "1");
        assertEquals("arm64", api.config("models/arm", m).get("architecture"));
        assertEquals(base.layerDigests().get(1), m.layerDigests().get(0), "the base's arm64 image");
        assertEquals("BUILD = 'lambda-aarch64'\n",
                byPath(api, "models/arm", m.layerDigests().get(1)).get("var/task/which_build/__init__.py").text());

        Files.writeString(model.resolve("inference.py"), LambdaLayerIT.MODEL + "\n# changed\n");
        BuiltImage changed = build(spec, Architecture.ARM64, "models/arm:2");
        assertFalse(first.digest().equals(changed.digest()));
        assertEquals(first.layerDigests().subList(0, 3), changed.layerDigests().subList(0, 3),
                "base, dependencies and adapter unchanged");
        assertEquals(2, changed.pushedBlobs(), "the code layer and the config");
    }

    @Test
    void defaultBase_isAwsLambdaPythonForTheRuntime() {
        assertEquals("public.ecr.aws/lambda/python:3.12", LambdaImageRecipe.defaultBase("python3.12").toString());
    }

    private static Map<String, RegistryApi.LayerEntry> byPath(RegistryApi api, String repository, String digest) {
        Map<String, RegistryApi.LayerEntry> m = new java.util.TreeMap<>();
        for (RegistryApi.LayerEntry e : RegistryApi.layerFiles(api.blob(repository, digest))) {
            m.put(e.path(), e);
        }
        return m;
    }

    private static String[] runHandler(Path taskRoot) throws Exception {
        Path script = taskRoot.getParent().getParent().getParent().resolve("invoke.py");
        Files.writeString(script, """
                import json, sys
                sys.path[:0] = sys.argv[2:]
                import mldeploy_lambda
                event = {"body": sys.argv[1], "isBase64Encoded": False, "contentType": "application/json",
                         "accept": "application/json"}
                print(json.dumps(mldeploy_lambda.handler(event, None)))
                """);
        List<String> cmd = List.of(LambdaLayerIT.python(), "-I", "-S", script.toString(), INPUT, taskRoot.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().clear();
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
}
