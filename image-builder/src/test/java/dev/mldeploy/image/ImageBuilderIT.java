package dev.mldeploy.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.ProgressEvent;
import dev.mldeploy.kit.LoopbackRegistry;
import dev.mldeploy.kit.RegistryApi;
import dev.mldeploy.kit.TestBaseImage;
import dev.mldeploy.spi.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ImageBuilder} against a real registry on loopback, on a base image the test pushes itself. */
class ImageBuilderIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static LoopbackRegistry registry;
    private static TestBaseImage.Pushed multiArch;
    private static TestBaseImage.Pushed amd64Only;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startRegistry() {
        registry = LoopbackRegistry.start();
        multiArch = TestBaseImage.push(registry, "base/python", "3.12", "amd64", "arm64");
        amd64Only = TestBaseImage.push(registry, "base/single", "1", "amd64");
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    private ImageBuilder builder() {
        return ImageBuilder.builder().cacheDirectory(tmp.resolve("cache")).allowInsecure(true)
                .baseImageCredentials(RegistryCredentials.none()).build();
    }

    private ImageRecipe recipe(String base, String arch) throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path a = Files.writeString(src.resolve("a.py"), "A = 1\n");
        Path b = Files.writeString(src.resolve("b.sh"), "#!/bin/sh\necho b\n");
        b.toFile().setExecutable(true);
        Path c = Files.writeString(src.resolve("c.txt"), "model code\n");
        return ImageRecipe.builder().baseImage(base).platform(ImagePlatform.parse(arch)).name("m").target("test")
                .addLayer(ImageLayer.of("deps", List.of(LayerFile.of(a, "/opt/app/deps/a.py"),
                        LayerFile.of(b, "/opt/app/deps/bin/b.sh"))))
                .addLayer(ImageLayer.of("code", List.of(LayerFile.of(c, "/opt/app/c.txt"))))
                .entrypoint(List.of("python3", "/opt/app/serve.py")).cmd(List.of("serve"))
                .environment("APP", "1").workingDirectory("/opt/app").exposedPort(8080)
                .label("dev.mldeploy.model", "m").build();
    }

    private static ImageDestination.Registry to(String repoTag) {
        return ImageDestination.registry(registry.reference(repoTag), RegistryCredentials.none());
    }

    @Test
    @SuppressWarnings("unchecked")
    void build_toLoopbackRegistry_pushesManifestConfigAndLayersVisibleThroughTheApi() throws IOException {
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        BuiltImage built = builder().build(recipe(multiArch.reference(), "arm64"), to("apps/one:1"), TIMEOUT,
                events::add);

        RegistryApi api = registry.api();
        RegistryApi.Manifest m = api.manifest("apps/one", "1");
        assertEquals(built.digest(), m.digest());
        assertEquals(TestBaseImage.OCI_MANIFEST, m.mediaType());
        assertEquals(built.layerDigests(), m.layerDigests());
        assertEquals(built.configDigest(), m.configDigest());
        assertEquals(3, m.layerDigests().size());
        assertEquals(multiArch.layerDigests().get(1), m.layerDigests().get(0), "the arm64 base layer first");

        Map<String, Object> config = api.config("apps/one", m);
        assertEquals("arm64", config.get("architecture"));
        assertEquals("linux", config.get("os"));
        Map<String, Object> cc = (Map<String, Object>) config.get("config");
        assertEquals(List.of("python3", "/opt/app/serve.py"), cc.get("Entrypoint"));
        assertEquals(List.of("serve"), cc.get("Cmd"));
        List<Object> env = (List<Object>) cc.get("Env");
        assertTrue(env.contains("APP=1"), env.toString());
        assertTrue(env.contains("LAMBDA_TASK_ROOT=/var/task"), "the base's environment kept: " + env);
        assertEquals("/opt/app", cc.get("WorkingDir"));
        assertEquals(Map.of("8080/tcp", Map.of()), cc.get("ExposedPorts"));
        assertEquals("m", ((Map<String, Object>) cc.get("Labels")).get("dev.mldeploy.model"));
        assertEquals("1970-01-01T00:00:00Z", config.get("created"));

        List<RegistryApi.LayerEntry> deps = RegistryApi.layerFiles(api.blob("apps/one", m.layerDigests().get(1)));
        assertEquals(List.of("opt/app/deps/a.py", "opt/app/deps/bin/b.sh"),
                deps.stream().map(RegistryApi.LayerEntry::path).toList());
        assertEquals("A = 1\n", deps.get(0).text());
        assertEquals(0644, deps.get(0).mode() & 0777);
        assertEquals(0755, deps.get(1).mode() & 0777);
        List<RegistryApi.LayerEntry> code = RegistryApi.layerFiles(api.blob("apps/one", m.layerDigests().get(2)));
        assertEquals("model code\n", code.get(0).text());

        assertTrue(built.pushedBlobs() >= 3, "two layers and a config uploaded: " + built);
        assertTrue(events.stream().anyMatch(e -> e.phase().equals("image-push")), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.phase().equals("image-done")
                && e.message().contains(built.digest())), events.toString());
        assertTrue(events.stream().allMatch(e -> e.deployment().equals("m") && e.target().equals("test")));
    }

    @Test
    void build_twiceWithFreshCaches_givesTheSameDigest_andTheSecondPushUploadsNoBlob() throws IOException {
        ImageRecipe recipe = recipe(multiArch.reference(), "amd64");
        BuiltImage first = builder().build(recipe, to("apps/two:1"), TIMEOUT);
        int uploadsBefore = registry.blobUploads();
        int logBefore = registry.accessLog().size();
        ImageBuilder other = ImageBuilder.builder().cacheDirectory(tmp.resolve("other-cache")).allowInsecure(true)
                .baseImageCredentials(RegistryCredentials.none()).build();
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        BuiltImage second = other.build(recipe, to("apps/two:1"), TIMEOUT, events::add);

        assertEquals(first.digest(), second.digest());
        assertEquals(first.layerDigests(), second.layerDigests());
        assertEquals(0, registry.blobUploads() - uploadsBefore, () -> "blob uploads on the unchanged push: "
                + String.join("\n", registry.accessLog().subList(logBefore, registry.accessLog().size())));
        assertEquals(0, second.pushedBlobs());
        assertTrue(second.skippedBlobs() >= 3, second.toString());
        assertTrue(events.stream().anyMatch(e -> e.phase().equals("image-skip")), events.toString());
    }

    @Test
    void build_whenOneFileChanges_pushesOnlyThatLayerAndTheConfig() throws IOException {
        ImageRecipe recipe = recipe(multiArch.reference(), "amd64");
        BuiltImage first = builder().build(recipe, to("apps/three:1"), TIMEOUT);
        Files.writeString(tmp.resolve("src/c.txt"), "model code v2\n");
        int uploadsBefore = registry.blobUploads();
        BuiltImage second = builder().build(recipe, to("apps/three:2"), TIMEOUT);

        assertFalse(first.digest().equals(second.digest()));
        assertEquals(first.layerDigests().subList(0, 2), second.layerDigests().subList(0, 2));
        assertFalse(first.layerDigests().get(2).equals(second.layerDigests().get(2)));
        assertEquals(2, registry.blobUploads() - uploadsBefore, "the code layer and the config");
        assertEquals(2, second.pushedBlobs());
    }

    @Test
    @SuppressWarnings("unchecked")
    void build_toOciLayout_writesIndexAndBlobsOnDisk_withTheRegistryPushsDigest() throws IOException {
        ImageRecipe recipe = recipe(multiArch.reference(), "amd64");
        Path layout = tmp.resolve("layout");
        BuiltImage written = builder().build(recipe, ImageDestination.ociLayout(layout), TIMEOUT);
        BuiltImage pushed = builder().build(recipe, to("apps/four:1"), TIMEOUT);

        assertEquals("{\"imageLayoutVersion\": \"1.0.0\"}", Files.readString(layout.resolve("oci-layout")).trim());
        Map<String, Object> index = Json.parseObject(Files.readString(layout.resolve("index.json")));
        List<Object> manifests = (List<Object>) index.get("manifests");
        assertEquals(1, manifests.size());
        assertEquals(written.digest(), ((Map<String, Object>) manifests.get(0)).get("digest"));
        assertEquals(pushed.digest(), written.digest(), "the same image whether written or pushed");
        Path blobs = layout.resolve("blobs/sha256");
        for (String d : written.layerDigests()) {
            byte[] b = Files.readAllBytes(blobs.resolve(d.substring(7)));
            assertEquals(d, RegistryApi.sha256(b));
        }
        assertTrue(Files.exists(blobs.resolve(written.configDigest().substring(7))));
        assertTrue(Files.exists(blobs.resolve(written.digest().substring(7))));

        // written again over the earlier layout: replaced, same content
        BuiltImage again = builder().build(recipe, ImageDestination.ociLayout(layout), TIMEOUT);
        assertEquals(written.digest(), again.digest());
    }

    @Test
    void build_onSinglePlatformBaseOfAnotherArchitecture_isRefusedAndPushesNothing() throws IOException {
        int manifests = registry.manifestPuts();
        InvalidImageException e = assertThrows(InvalidImageException.class,
                () -> builder().build(recipe(amd64Only.reference(), "arm64"), to("apps/wrong:1"), TIMEOUT));
        assertTrue(e.getMessage().contains("linux/arm64"), e.getMessage());
        assertEquals(manifests, registry.manifestPuts());
        assertFalse(registry.api().hasManifest("apps/wrong", "1"));
    }

    @Test
    void build_whenBaseImageIsMissing_failsWithImageBuildException() throws IOException {
        ImageBuildException e = assertThrows(ImageBuildException.class,
                () -> builder().build(recipe(registry.reference("base/none:1"), "amd64"), to("apps/five:1"),
                        TIMEOUT));
        assertTrue(e.getMessage().contains("base/none"), e.getMessage());
        assertFalse(registry.api().hasManifest("apps/five", "1"));
    }

    @Test
    void build_whenALayerFileIsMissing_failsBeforeAnyRequest() throws IOException {
        ImageRecipe recipe = recipe(multiArch.reference(), "amd64");
        Files.delete(tmp.resolve("src/a.py"));
        int requests = registry.accessLog().size();
        InvalidImageException e = assertThrows(InvalidImageException.class,
                () -> builder().build(recipe, to("apps/six:1"), TIMEOUT));
        assertTrue(e.getMessage().contains("a.py") && e.getMessage().contains("does not exist"), e.getMessage());
        assertEquals(requests, registry.accessLog().size(), "no request made");
    }

    @Test
    void build_withAllowInsecureAndARegistryOffLoopback_isRefusedBeforeAnyRequest() throws IOException {
        int requests = registry.accessLog().size();
        InsecureRegistryException e = assertThrows(InsecureRegistryException.class,
                () -> builder().build(recipe(multiArch.reference(), "amd64"),
                        ImageDestination.registry("registry.example.com/apps/x:1", RegistryCredentials.none()),
                        TIMEOUT));
        assertTrue(e.getMessage().contains("registry.example.com"), e.getMessage());
        assertEquals(requests, registry.accessLog().size());
    }

    @Test
    void build_toALoopbackHttpRegistryWithoutAllowInsecure_saysToAllowIt() throws IOException {
        ImageBuilder tlsOnly = ImageBuilder.builder().cacheDirectory(tmp.resolve("cache"))
                .baseImageCredentials(RegistryCredentials.none()).build();
        InsecureRegistryException e = assertThrows(InsecureRegistryException.class,
                () -> tlsOnly.build(recipe(multiArch.reference(), "amd64"), to("apps/seven:1"), TIMEOUT));
        assertTrue(e.getMessage().contains("allowInsecure(true)"), e.getMessage());
        assertFalse(registry.api().hasManifest("apps/seven", "1"));
    }

    @Test
    void build_intoANonEmptyDirectoryThatIsNoLayout_isRefusedAndLeavesItAlone() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("notalayout"));
        Files.writeString(dir.resolve("keep.txt"), "mine");
        assertThrows(dev.mldeploy.InvalidConfigurationException.class,
                () -> builder().build(recipe(multiArch.reference(), "amd64"), ImageDestination.ociLayout(dir),
                        TIMEOUT));
        assertEquals(List.of("keep.txt"), list(dir));
    }

    @Test
    void build_whenTheRegistryNeverAnswers_endsWithinTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, never answered
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            ImageRecipe recipe = recipe("127.0.0.1:" + silent.getLocalPort() + "/base/python:3.12", "amd64");
            OperationTimeoutException e = assertThrows(OperationTimeoutException.class,
                    () -> builder().build(recipe, to("apps/eight:1"), Duration.ofSeconds(3)));
            assertTrue(e.getMessage().contains("within 3s"), e.getMessage());
            for (Socket s : held) {
                s.close();
            }
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
