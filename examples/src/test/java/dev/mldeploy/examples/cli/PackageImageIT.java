package dev.mldeploy.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.kit.LoopbackRegistry;
import dev.mldeploy.kit.RegistryApi;
import dev.mldeploy.kit.TestBaseImage;
import dev.mldeploy.kit.Wheelhouse;
import dev.mldeploy.spi.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code package --image-out} and {@code --push}: the target's image built without Docker, on a base pushed to a
 * loopback registry, written as an OCI layout or pushed, the digest printed; bad image options refused with exit 2
 * before anything is built.
 */
class PackageImageIT {
    private static final Pattern DIGEST = Pattern.compile("digest (sha256:[0-9a-f]{64})");
    private static LoopbackRegistry registry;
    private static TestBaseImage.Pushed lambdaBase;
    private static TestBaseImage.Pushed pythonBase;

    @TempDir
    Path tmp;
    private Path model;
    private Map<String, String> env;

    @BeforeAll
    static void start() {
        registry = LoopbackRegistry.start();
        lambdaBase = TestBaseImage.push(registry, "lambda/python", "3.12", "amd64", "arm64");
        pythonBase = TestBaseImage.push(registry, "library/python", "3.12-slim", "amd64", "arm64");
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void modelAndEnvironment() throws IOException {
        Wheelhouse house = Wheelhouse.at(tmp.resolve("wheels")).whichBuild(Path.of("python3"));
        model = Files.createDirectories(tmp.resolve("imgmodel"));
        Files.writeString(model.resolve("inference.py"), "import which_build\n\ndef model_fn(d):\n    return 1\n\n"
                + "def predict_fn(x, m):\n    return which_build.BUILD\n");
        Files.writeString(model.resolve("requirements.txt"), "which-build\n");
        env = new HashMap<>(System.getenv());
        env.put("MLDEPLOY_HOME", tmp.resolve("home").toString());
        env.put("MLDEPLOY_PYTHON", "python3");
        env.putAll(house.pipEnvironment());
        env.remove("MLDEPLOY_REGISTRY_USERNAME");
        env.remove("MLDEPLOY_REGISTRY_PASSWORD");
        env.put("DOCKER_CONFIG", tmp.resolve("no-docker-config").toString());
    }

    private Cli.Result run(String... args) {
        return new Cli(env, true).run(args);
    }

    private static String digest(Cli.Result r) {
        Matcher m = DIGEST.matcher(r.out());
        assertTrue(m.find(), r::toString);
        return m.group(1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void package_imageOut_writesAnOciLayout_andPrintsItsDigest() throws IOException {
        Path layout = tmp.resolve("layout");
        Cli.Result r = run("package", "--target", "lambda", "--model", model.toString(), "--image-out",
                layout.toString(), "--base-image", lambdaBase.reference(), "--allow-insecure");

        assertEquals(0, r.status(), r::toString);
        String digest = digest(r);
        assertTrue(r.out().contains("wrote the lambda image as an OCI layout to " + layout), r.out());
        assertTrue(Files.isRegularFile(layout.resolve("oci-layout")));
        Map<String, Object> index = Json.parseObject(Files.readString(layout.resolve("index.json")));
        assertEquals(digest, ((Map<String, Object>) ((List<Object>) index.get("manifests")).get(0)).get("digest"));
        Path blobs = layout.resolve("blobs/sha256");
        Map<String, Object> manifest = Json.parseObject(Files.readString(blobs.resolve(digest.substring(7))));
        List<Object> layers = (List<Object>) manifest.get("layers");
        assertEquals(4, layers.size(), "base, dependencies, adapter, code");
        for (Object l : layers) {
            String d = (String) ((Map<String, Object>) l).get("digest");
            assertEquals(d, RegistryApi.sha256(Files.readAllBytes(blobs.resolve(d.substring(7)))));
        }
        String deps = (String) ((Map<String, Object>) layers.get(1)).get("digest");
        Map<String, String> files = new HashMap<>();
        RegistryApi.layerFiles(Files.readAllBytes(blobs.resolve(deps.substring(7))))
                .forEach(e -> files.put(e.path(), e.text()));
        assertEquals("BUILD = 'lambda-x86_64'\n", files.get("var/task/which_build/__init__.py"));
        assertEquals(0, registry.api().tags("lambda/python").stream().filter(t -> !t.equals("3.12")).count(),
                "nothing pushed");
    }

    @Test
    @SuppressWarnings("unchecked")
    void package_push_pushesTheImage_printsTheDigest_andAnUnchangedPushUploadsNothing() {
        String ref = registry.reference("models/imgmodel:1");
        Cli.Result first = run("package", "--target", "sagemaker", "--model", model.toString(), "--push", ref,
                "--base-image", pythonBase.reference(), "--allow-insecure");
        assertEquals(0, first.status(), first::toString);
        String digest = digest(first);
        RegistryApi.Manifest m = registry.api().manifest("models/imgmodel", "1");
        assertEquals(digest, m.digest());
        Map<String, Object> cc = (Map<String, Object>) registry.api().config("models/imgmodel", m).get("config");
        assertEquals(List.of("serve"), cc.get("Cmd"));

        int uploads = registry.blobUploads();
        Cli.Result second = run("package", "--target", "sagemaker", "--model", model.toString(), "--push", ref,
                "--base-image", pythonBase.reference(), "--allow-insecure", "--output", "json");
        assertEquals(0, second.status(), second::toString);
        Map<String, Object> json = Json.parseObject(second.out());
        Map<String, Object> image = (Map<String, Object>) ((List<Object>) json.get("images")).get(0);
        assertEquals(digest, image.get("digest"));
        assertEquals(ref, image.get("pushed"));
        assertEquals(0L, ((Number) image.get("uploadedBlobs")).longValue());
        assertEquals(0, registry.blobUploads() - uploads);
    }

    @Test
    void package_withBadImageOptions_exits2BeforeBuildingAnything() {
        Path layout = tmp.resolve("never");
        int requests = registry.accessLog().size();
        Map<List<String>, String> cases = Map.of(
                List.of("--target", "lambda", "--push", "Bad Ref!"), "image reference",
                List.of("--target", "lambda", "--push", "registry.example.com/m:1", "--allow-insecure",
                        "--base-image", lambdaBase.reference()), "only for registries on loopback",
                List.of("--target", "local", "--image-out", layout.toString()), "--target lambda or sagemaker",
                List.of("--target", "lambda"), "give --out DIR",
                List.of("--target", "lambda", "--image-out", layout.toString(), "--architecture", "s390x"),
                "unknown architecture",
                List.of("--target", "lambda", "--image-out", layout.toString(), "--base-image", "UPPER/case:1"),
                "invalid component",
                List.of("--target", "lambda", "--out", tmp.resolve("o").toString(), "--allow-insecure"),
                "apply to an image",
                List.of("--target", "lambda", "--image-out", layout.toString(), "--allow-insecure"),
                "public.ecr.aws");
        cases.forEach((args, message) -> {
            List<String> all = new java.util.ArrayList<>(List.of("package", "--model", model.toString()));
            all.addAll(args);
            Cli.Result r = run(all.toArray(String[]::new));
            assertEquals(2, r.status(), () -> args + ": " + r);
            assertTrue(r.err().contains(message), () -> args + ": " + r);
        });
        assertFalse(Files.exists(layout));
        assertFalse(Files.exists(tmp.resolve("o")));
        assertEquals(requests, registry.accessLog().size(), "no registry request");
        assertFalse(Files.exists(tmp.resolve("home/image-cache")), "nothing built: " + tmp.resolve("home"));
    }
}
