package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.kit.Wheelhouse;
import dev.mldeploy.python.DependencyInstallException;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.Layer;
import software.amazon.awssdk.services.lambda.model.LayerVersionsListItem;
import software.amazon.awssdk.services.lambda.model.PublishLayerVersionRequest;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionCodeRequest;

/**
 * A model with a {@code requirements.txt} on the emulator: its dependencies, resolved from a hand-built wheelhouse
 * for Lambda's platform, become one content-addressed layer version; code changes upload only the code; changed
 * requirements publish a new version; undeploy leaves no version behind; a failed first deploy removes the version
 * it published or leaves it for undeploy to find by the name. pip installs from a wheelhouse only
 * ({@link LambdaTarget.Builder#pipEnvironment}).
 */
@ExtendWith(AwsEndpointExtension.class)
class LambdaLayerIT {
    static final String MODEL = """
            import plain_helper
            import which_build


            def model_fn(model_dir):
                return {"build": which_build.BUILD}


            def predict_fn(data, model):
                return {"build": model["build"], "helper": plain_helper.VALUE, "echo": data}
            """;
    static final String REQUIREMENTS = "which-build==1.0\nplain-helper==2.0\n";

    @TempDir
    Path dir;
    @TempDir
    Path home;
    LambdaFixtures fx;
    final Requests requests = new Requests();

    @TempDir
    static Path wheels;
    static Wheelhouse house;

    /** The wheelhouse pip installs from: a package with a host build and two Lambda builds, and pure ones. */
    static Wheelhouse wheelhouse(Path directory) {
        Wheelhouse house = Wheelhouse.at(directory);
        house.whichBuild(Path.of(python()));
        house.wheel("plain-helper", "2.0").file("plain_helper.py", "VALUE = 42\n").build();
        house.wheel("plain-helper", "2.1").file("plain_helper.py", "VALUE = 43\n").build();
        byte[] noise = new byte[256 * 1024];
        new Random(9).nextBytes(noise);
        house.wheel("bulky-data", "1.0").file("bulky_data/__init__.py", "").file("bulky_data/blob.bin", noise)
                .build();
        return house;
    }

    static String python() {
        return System.getenv().getOrDefault("MLDEPLOY_PYTHON", "python3");
    }

    @BeforeAll
    static void writeWheelhouse() {
        house = wheelhouse(wheels);
    }

    @BeforeEach
    void setUp(AwsEndpoint aws) throws Exception {
        aws.assumeSupports("lambda");
        fx = new LambdaFixtures(aws, requests);
        lambdaLayersOnMoto(aws);
    }

    /**
     * moto 5.2.1 loses a function's layers when Lambda runs without Docker (its simple backend stores the layer
     * versions, CreateFunction looks them up in the other backend: "One or more LayerVersion does not exist"). These
     * tests invoke nothing, so they switch Docker mode back on; the extension's reset before the next test turns it
     * off again.
     */
    static void lambdaLayersOnMoto(AwsEndpoint aws) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(aws.endpoint().resolve("/moto-api/config"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"lambda\":{\"use_docker\":true}}"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() / 100 == 2, "moto config: " + r.statusCode() + " " + r.body());
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    /** Keeps the zips the SDK sends (moto serves no code download). */
    static final class Requests implements ExecutionInterceptor {
        final List<byte[]> codeZips = new ArrayList<>();
        final List<PublishLayerVersionRequest> layers = new ArrayList<>();

        @Override
        public synchronized void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            SdkRequest r = context.request();
            if (r instanceof CreateFunctionRequest c && c.code().zipFile() != null) {
                codeZips.add(c.code().zipFile().asByteArray());
            } else if (r instanceof UpdateFunctionCodeRequest u && u.zipFile() != null) {
                codeZips.add(u.zipFile().asByteArray());
            } else if (r instanceof PublishLayerVersionRequest p) {
                layers.add(p);
            }
        }
    }

    static Path model(Path dir, String name, String requirements) throws IOException {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        Files.writeString(d.resolve("inference.py"), MODEL);
        Files.writeString(d.resolve("requirements.txt"), requirements);
        return d;
    }

    private LambdaTarget.Builder target() {
        // pip sees only the wheelhouse (PIP_NO_INDEX, PIP_FIND_LINKS), as the deployer's environment would give it
        return fx.target().createRole(true).runtime("python3.12").python(python())
                .pipEnvironment(house.pipEnvironment()).home(home);
    }

    /** An interpreter that runs {@link #python()} and appends a line to {@code runs} each time it is started. */
    static Path countingPython(Path dir, Path runs) throws IOException {
        Path script = dir.resolve("counting-python");
        Files.writeString(script, "#!/bin/sh\necho \"$*\" >> '" + runs + "'\nexec '" + resolvedPython()
                + "' \"$@\"\n");
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    /** {@link #python()} as a path ({@code python3} looked up on PATH), for a script that execs it. */
    static String resolvedPython() {
        String p = python();
        if (p.contains("/")) {
            return p;
        }
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, p))) {
                return Path.of(d, p).toString();
            }
        }
        return p;
    }

    static int lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }

    private static DeployResult deploy(ModelDeployer d, ModelSpec spec) {
        return d.deploy(spec, DeployOptions.builder().timeout(Duration.ofMinutes(3)).build());
    }

    private List<LayerVersionsListItem> layerVersions(String function) {
        return fx.lambda.listLayerVersions(b -> b.layerName(function + "-deps")).layerVersions();
    }

    private List<String> functionLayers(String function) {
        List<Layer> layers = fx.lambda.getFunction(b -> b.functionName(function)).configuration().layers();
        return layers == null ? List.of() : layers.stream().map(Layer::arn).toList();
    }

    static List<String> entries(byte[] zip) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                names.add(e.getName());
            }
        }
        return names;
    }

    static String entry(byte[] zip, String name) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (e.getName().equals(name)) {
                    return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError(name + " is not in the zip");
    }

    @Test
    void lifecycle_layerPublishedOnce_codeChangeUploadsCodeOnly_requirementsChangePublishAgain_undeployRemovesAll()
            throws Exception {
        Path model = model(dir, "deps", REQUIREMENTS);
        ModelSpec spec = ModelSpec.builder("deps").source(model).build();
        try (ModelDeployer d = fx.deployer(target().build())) {
            List<String> said = new ArrayList<>();
            DeployResult first = d.deploy(spec, DeployOptions.builder().timeout(Duration.ofMinutes(3))
                    .progressListener(e -> said.add(e.message())).build());
            assertEquals(DeployResult.Change.CREATED, first.change(), first.message());

            List<LayerVersionsListItem> versions = layerVersions("deps");
            assertEquals(1, versions.size(), versions.toString());
            assertTrue(versions.get(0).description().matches("mldeploy sha256=[0-9a-f]{64}"),
                    versions.get(0).description());
            assertEquals(List.of("python3.12"), versions.get(0).compatibleRuntimesAsStrings());
            assertEquals(List.of("x86_64"), versions.get(0).compatibleArchitecturesAsStrings());
            assertEquals(List.of(versions.get(0).layerVersionArn()), functionLayers("deps"));
            assertTrue(said.stream().anyMatch(m -> m.startsWith("publishing layer deps-deps")), said.toString());

            byte[] layerZip = requests.layers.get(0).content().zipFile().asByteArray();
            List<String> inLayer = entries(layerZip);
            assertTrue(inLayer.stream().allMatch(n -> n.startsWith("python/")), inLayer.toString());
            assertTrue(inLayer.stream().noneMatch(n -> n.endsWith(".pyc") || n.contains("__pycache__")),
                    inLayer.toString());
            assertEquals("BUILD = 'lambda-x86_64'\n", entry(layerZip, "python/which_build/__init__.py"),
                    "the Lambda x86_64 build, not the host's");
            assertEquals("VALUE = 42\n", entry(layerZip, "python/plain_helper.py"));
            assertEquals("mldeploy sha256=" + sha256(layerZip), versions.get(0).description(),
                    "the description is the layer zip's content address");

            List<String> inCode = entries(requests.codeZips.get(0));
            assertTrue(inCode.contains("inference.py") && inCode.contains("mldeploy_lambda.py"), inCode.toString());
            assertTrue(inCode.stream().noneMatch(n -> n.startsWith("which_build") || n.startsWith("plain_helper")
                    || n.startsWith("python/") || n.contains(".dist-info")), "no dependencies in the code: " + inCode);

            // unchanged: nothing published, nothing changed
            fx.faults.clear();
            assertEquals(DeployResult.Change.UNCHANGED, deploy(d, spec).change());
            assertEquals(List.of(), fx.faults.mutatingCalls(), fx.faults.calls().toString());

            // inference.py changes: the code alone goes up, kilobytes, and no layer version is published
            Files.writeString(model.resolve("inference.py"), MODEL + "\n# tuned\n");
            fx.faults.clear();
            DeployResult codeChange = deploy(d, spec);
            assertEquals(DeployResult.Change.UPDATED, codeChange.change(), codeChange.message());
            assertEquals(0, fx.faults.count("PublishLayerVersion"), fx.faults.calls().toString());
            assertEquals(1, fx.faults.count("UpdateFunctionCode"), fx.faults.calls().toString());
            assertEquals(0, fx.faults.count("UpdateFunctionConfiguration"), fx.faults.calls().toString());
            byte[] updatedCode = requests.codeZips.get(requests.codeZips.size() - 1);
            assertTrue(updatedCode.length < 64 * 1024, "kilobytes: " + updatedCode.length + " bytes");
            assertEquals(1, layerVersions("deps").size());
            assertEquals(List.of(versions.get(0).layerVersionArn()), functionLayers("deps"));

            // requirements change: a new version, and the function points at it
            Files.writeString(model.resolve("requirements.txt"), "which-build==1.0\nplain-helper==2.1\n");
            fx.faults.clear();
            DeployResult reqChange = deploy(d, spec);
            assertEquals(DeployResult.Change.UPDATED, reqChange.change(), reqChange.message());
            assertEquals(1, fx.faults.count("PublishLayerVersion"), fx.faults.calls().toString());
            assertEquals(1, fx.faults.count("UpdateFunctionConfiguration"), fx.faults.calls().toString());
            List<LayerVersionsListItem> after = layerVersions("deps");
            assertEquals(2, after.size(), after.toString());
            String newest = after.stream().max(java.util.Comparator.comparingLong(LayerVersionsListItem::version))
                    .orElseThrow().layerVersionArn();
            assertNotEquals(versions.get(0).layerVersionArn(), newest);
            assertEquals(List.of(newest), functionLayers("deps"));

            List<String> gone = new ArrayList<>();
            assertTrue(d.undeploy("deps", e -> gone.add(e.message())));
            assertTrue(gone.get(gone.size() - 1).contains("layer deps-deps (versions "), gone.toString());
        }
        assertEquals(List.of(), layerVersions("deps"));
        assertEquals(List.of(), fx.functions());
        assertFalse(fx.roles().contains("mldeploy-lambda-deps"), fx.roles().toString());
    }

    @Test
    void deploy_whenRequirementsUnchanged_reusesTheCachedResolution_andRunsNoPip() throws Exception {
        Path runs = dir.resolve("pip-runs.txt");
        LambdaTarget t = target().python(countingPython(dir, runs).toString()).build();
        ModelSpec first = ModelSpec.builder("cached").source(model(dir, "cached", REQUIREMENTS)).build();
        ModelSpec second = ModelSpec.builder("cached2").source(model(dir, "cached2", REQUIREMENTS)).build();
        try (ModelDeployer d = fx.deployer(t)) {
            assertEquals(DeployResult.Change.CREATED, deploy(d, first).change());
            int pipRuns = lines(runs);
            assertTrue(pipRuns >= 1, "the first deploy resolves with pip");
            List<Path> entries;
            try (var s = Files.walk(t.dependencyCache(), 2)) {
                entries = s.filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}")).toList();
            }
            assertEquals(1, entries.size(), entries.toString());
            Path marker = entries.get(0).resolve("plain_helper.py");
            java.nio.file.attribute.FileTime written = Files.getLastModifiedTime(marker);

            // the same model again: unchanged, and no pip run on the way
            List<String> said = new ArrayList<>();
            DeployResult again = d.deploy(first, DeployOptions.builder().timeout(Duration.ofMinutes(3))
                    .progressListener(e -> said.add(e.message())).build());
            assertEquals(DeployResult.Change.UNCHANGED, again.change(), again.message());
            assertEquals(pipRuns, lines(runs), "no pip run for an unchanged requirements.txt");
            assertTrue(said.stream().anyMatch(m -> m.startsWith("reusing cached resolution ")), said.toString());

            // another model with the same requirements: its layer comes from the cache, the same bytes
            fx.faults.clear();
            assertEquals(DeployResult.Change.CREATED, deploy(d, second).change());
            assertEquals(pipRuns, lines(runs), "no pip run for the same requirements on the same platform");
            assertEquals(written, Files.getLastModifiedTime(marker), "the cache entry was not rewritten");
            assertEquals(1, fx.faults.count("PublishLayerVersion"), fx.faults.calls().toString());
            assertEquals(layerVersions("cached").get(0).description(), layerVersions("cached2").get(0).description(),
                    "the same resolved files give the same layer content address");
            assertEquals("BUILD = 'lambda-x86_64'\n", entry(requests.layers.get(1).content().zipFile()
                    .asByteArray(), "python/which_build/__init__.py"));

            // another architecture is another resolution
            try (ModelDeployer arm = fx.deployer(t.toBuilder().architecture(dev.mldeploy.Architecture.ARM64)
                    .build())) {
                ModelSpec third = ModelSpec.builder("cachedarm").source(model(dir, "cachedarm", REQUIREMENTS))
                        .build();
                deploy(arm, third);
                assertTrue(lines(runs) > pipRuns, "arm64 is resolved with pip");
                assertTrue(arm.undeploy("cachedarm"));
            }
            assertTrue(d.undeploy("cached"));
            assertTrue(d.undeploy("cached2"));
        }
        assertEquals(List.of(), fx.functions());
    }

    @Test
    void deploy_whenArm64_layerHoldsTheAarch64Build() throws Exception {
        ModelSpec spec = ModelSpec.builder("arm").source(model(dir, "arm", "which-build==1.0\n")).build();
        try (ModelDeployer d = fx.deployer(target().architecture(dev.mldeploy.Architecture.ARM64).build())) {
            deploy(d, spec);
            byte[] layerZip = requests.layers.get(0).content().zipFile().asByteArray();
            assertEquals("BUILD = 'lambda-aarch64'\n", entry(layerZip, "python/which_build/__init__.py"));
            assertEquals(List.of("arm64"), layerVersions("arm").get(0).compatibleArchitecturesAsStrings());
            assertTrue(d.undeploy("arm"));
        }
        assertEquals(List.of(), layerVersions("arm"));
    }

    @Test
    void deploy_whenLayerOverTheDirectUploadLimit_goesThroughS3_andUndeployDeletesIt() throws Exception {
        String bucket = "mldeploy-layers-it";
        ModelSpec spec = ModelSpec.builder("bulky").source(model(dir, "bulky", REQUIREMENTS + "bulky-data==1.0\n"))
                .build();
        try (ModelDeployer d = fx.deployer(target().bucket(bucket).createBucket(true)
                .directUploadLimitBytes(128 * 1024).build())) {
            assertEquals(DeployResult.Change.CREATED, deploy(d, spec).change());
            PublishLayerVersionRequest published = requests.layers.get(0);
            assertEquals(bucket, published.content().s3Bucket());
            assertTrue(published.content().s3Key().startsWith("mldeploy/lambda/bulky/"),
                    published.content().s3Key());
            assertEquals(List.of(published.content().s3Key()), fx.objects(bucket), "the code went directly");
            assertEquals(1, requests.codeZips.size());
            assertTrue(d.undeploy("bulky"));
        }
        assertEquals(List.of(), fx.objects(bucket));
        assertEquals(List.of(), layerVersions("bulky"));
    }

    @Test
    void deploy_whenLayerOverTheDirectUploadLimitWithoutBucket_refusesBeforeAnyCall() throws Exception {
        ModelSpec spec = ModelSpec.builder("nobucket").source(model(dir, "nobucket", "bulky-data==1.0\n")).build();
        try (ModelDeployer d = fx.deployer(target().directUploadLimitBytes(128 * 1024).build())) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> deploy(d, spec));
            assertTrue(e.getMessage().contains("the dependency layer of 'nobucket' is"), e.getMessage());
            assertTrue(e.getMessage().contains("--bucket"), e.getMessage());
        }
        assertEquals(List.of(), fx.faults.calls(), "no AWS call");
    }

    @Test
    void deploy_whenARequirementHasNoBuild_failsWithPipsTailBeforeAnyCall() throws Exception {
        ModelSpec spec = ModelSpec.builder("missing").source(model(dir, "missing", "no-such-package==9.9\n"))
                .build();
        try (ModelDeployer d = fx.deployer(target().build())) {
            DependencyInstallException e = assertThrows(DependencyInstallException.class, () -> deploy(d, spec));
            assertTrue(e.getMessage().contains("no-such-package"), e.getMessage());
        }
        assertEquals(List.of(), fx.faults.calls(), "no AWS call");
        assertEquals(List.of(), layerVersions("missing"));
    }

    @Test
    void deploy_whenCreateFunctionFails_removesTheLayerVersionItPublished() throws Exception {
        fx.faults.failNext("CreateFunction", 10, LambdaLayerIT::networkCut);
        ModelSpec spec = ModelSpec.builder("cut").source(model(dir, "cut", REQUIREMENTS)).build();
        try (ModelDeployer d = fx.deployer(target().build())) {
            DeploymentFailedException e = assertThrows(DeploymentFailedException.class, () -> deploy(d, spec));
            assertTrue(e.getMessage().contains("cleaned up what this deploy created (IAM role mldeploy-lambda-cut, "
                    + "layer version cut-deps:1)"), e.getMessage());
        }
        assertEquals(List.of(), layerVersions("cut"));
        assertEquals(List.of(), fx.functions());
    }

    @Test
    void deploy_whenCreateFunctionAndItsCleanupFail_leavesTheLayerForUndeployToFindByTheName() throws Exception {
        fx.faults.failNext("CreateFunction", 10, LambdaLayerIT::networkCut);
        fx.faults.failNext("DeleteLayerVersion", 10, LambdaLayerIT::networkCut);
        ModelSpec spec = ModelSpec.builder("orphan").source(model(dir, "orphan", REQUIREMENTS)).build();
        try (ModelDeployer d = fx.deployer(target().build())) {
            DeploymentFailedException e = assertThrows(DeploymentFailedException.class, () -> deploy(d, spec));
            assertTrue(e.getMessage().contains("could not remove layer version orphan-deps:1"), e.getMessage());
            assertTrue(e.getMessage().contains("mldeploy undeploy orphan"), e.getMessage());
        }
        assertEquals(1, layerVersions("orphan").size(), "left behind, as the message says");
        fx.faults.clear();
        List<String> said = new ArrayList<>();
        try (ModelDeployer d = fx.deployer(fx.target().build())) { // a plain undeploy: the name is enough
            assertTrue(d.undeploy("orphan", e -> said.add(e.message())));
        }
        assertEquals(List.of(), layerVersions("orphan"));
        assertEquals("removed layer orphan-deps (version 1)", said.get(said.size() - 1));
    }

    private static SdkClientException networkCut() {
        return SdkClientException.create("Unable to execute HTTP request: Connection reset (injected)");
    }

    static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
