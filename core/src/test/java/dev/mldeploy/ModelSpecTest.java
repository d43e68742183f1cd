package dev.mldeploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelSpecTest {
    private static final String HOOKS = "def model_fn(model_dir):\n    return {}\n\n"
            + "def predict_fn(data, model):\n    return data\n";

    @TempDir
    Path tmp;

    private Path modelDir(String name, String inferencePy) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        if (inferencePy != null) {
            Files.writeString(dir.resolve("inference.py"), inferencePy);
        }
        return dir;
    }

    private static void assertInvalid(Executable build, String... expectedParts) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, build);
        for (String part : expectedParts) {
            assertTrue(e.getMessage().contains(part), () -> "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
    }

    private static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }

    // ---- names ----

    // target-neutral rules only; SageMaker's and Lambda's are in their profiles (NamingReasonsTest) and targets

    @Test
    void name_of128CharactersIsValid_129IsRejectedWithTheLimit() {
        assertEquals(128, ModelSpec.builder(repeat('a', 128)).build().name().length());
        assertInvalid(() -> ModelSpec.builder(repeat('a', 129)).build(), "is 129 characters; use at most 128");
    }

    @Test
    void name_missing_saysWhatToGive() {
        assertInvalid(() -> ModelSpec.builder("").build(), "model name is missing",
                "1 to 128 letters, digits, hyphens and underscores");
        assertInvalid(() -> ModelSpec.builder().build(), "model name is missing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-model", "model-", "_model", "my model", "modèle", "a.b", "x/y", "../up"})
    void name_outsideTheSafeCharacters_namesTheRule(String name) {
        assertInvalid(() -> ModelSpec.builder(name).build(), "is invalid: use letters, digits, hyphens and "
                + "underscores", "starting and ending with a letter or digit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "Model1", "sentiment-v2", "a--b", "9lives", "my_model"})
    void name_ofSafeCharacters_isValid(String name) {
        assertEquals(name, ModelSpec.builder(name).build().name());
    }

    // ---- source ----

    @Test
    void source_withBothRequiredHooks_isValid_andNamedAfterTheDirectory() throws IOException {
        Path dir = modelDir("sentiment-model", HOOKS);
        ModelSpec spec = ModelSpec.fromDirectory(dir);
        assertEquals("sentiment-model", spec.name());
        assertEquals(dir.toAbsolutePath().normalize(), spec.requireSource());
    }

    @Test
    void source_asyncHooksAndOptionalHooks_areValid() throws IOException {
        Path dir = modelDir("m", "async def model_fn(model_dir):\n    return {}\n\n"
                + "def input_fn(body, content_type):\n    return body\n\n"
                + "def predict_fn (data, model):\n    return data\n");
        assertEquals("m", ModelSpec.builder("m").source(dir).build().name());
    }

    @Test
    void source_notADirectory_isRejected() throws IOException {
        Path file = Files.writeString(tmp.resolve("inference.py"), HOOKS);
        assertInvalid(() -> ModelSpec.builder("m").source(file).build(), "is not a directory",
                "point it at the directory holding inference.py");
        assertInvalid(() -> ModelSpec.builder("m").source(tmp.resolve("missing")).build(), "is not a directory");
    }

    @Test
    void source_withoutInferencePy_saysToAddOne() throws IOException {
        Path dir = modelDir("m", null);
        Files.writeString(dir.resolve("model.py"), HOOKS);
        assertInvalid(() -> ModelSpec.builder("m").source(dir).build(), "has no inference.py",
                "add one that defines model_fn(model_dir) and predict_fn(data, model)");
    }

    @Test
    void source_withoutModelFn_namesTheMissingHook() throws IOException {
        Path dir = modelDir("m", "def predict_fn(data, model):\n    return data\n");
        assertInvalid(() -> ModelSpec.builder("m").source(dir).build(), "does not define model_fn(...)",
                "model_fn(model_dir) and predict_fn(data, model) are required");
    }

    @Test
    void source_withoutPredictFn_namesTheMissingHook() throws IOException {
        Path dir = modelDir("m", "def model_fn(model_dir):\n    return 1\n# def predict_fn(data, model):\n");
        assertInvalid(() -> ModelSpec.builder("m").source(dir).build(), "does not define predict_fn(...)");
    }

    @Test
    void source_withTransformFnInsteadOfPredictFn_isAccepted() throws IOException {
        Path dir = modelDir("m", "def model_fn(model_dir):\n    return 1\n\n"
                + "def transform_fn(model, data, content_type, accept):\n    return data\n");
        assertEquals(dir.toAbsolutePath().normalize(), ModelSpec.builder("m").source(dir).build().requireSource());
    }

    @Test
    void source_hookOnlyInsideAClass_doesNotCount() throws IOException {
        Path dir = modelDir("m", "def model_fn(model_dir):\n    return 1\n\nclass M:\n"
                + "    def predict_fn(self, data, model):\n        return data\n");
        assertInvalid(() -> ModelSpec.builder("m").source(dir).build(), "does not define predict_fn(...) at top level");
    }

    @Test
    void requireSource_withoutSource_saysADeployNeedsOne() {
        ModelSpec plan = ModelSpec.builder("m").packageSizeBytes(10).build();
        assertInvalid(plan::requireSource, "has no source directory; a deploy needs one", "--model DIR");
    }

    @Test
    void packageSize_negative_isRejected() {
        assertInvalid(() -> ModelSpec.builder("m").packageSizeBytes(-5).build(), "packageSizeBytes must be at least 0");
        assertInvalid(() -> ModelSpec.builder("m").packageSizeBytes(-1).build(), "packageSizeBytes must be at least 0");
        assertEquals(0, ModelSpec.builder("m").packageSizeBytes(0).build().declaredPackageBytes().getAsLong());
    }

    // ---- python ----

    @ParameterizedTest
    @ValueSource(strings = {"3.8", "2.7", "3", "three", "3.12.1", "4.0", "3.x", ""})
    void pythonVersion_invalid_saysWhichAreAccepted(String version) {
        assertInvalid(() -> ModelSpec.builder("m").pythonVersion(version).build(),
                "python version '" + version + "' is invalid; use 3.N with N at least 9");
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.9", "3.10", "3.12", "3.14"})
    void pythonVersion_valid(String version) {
        assertEquals(version, ModelSpec.builder("m").pythonVersion(version).build().pythonVersion());
    }

    // ---- environment ----

    @ParameterizedTest
    @ValueSource(strings = {"1ABC", "A-B", "_X", "A B", ""})
    void environment_invalidName_isRejected(String key) {
        assertInvalid(() -> ModelSpec.builder("m").putEnvironment(key, "v").build(),
                "environment variable name '" + key + "' is invalid; start with a letter");
    }

    @ParameterizedTest
    @ValueSource(strings = {"AWS_REGION", "LAMBDA_TASK_ROOT", "SAGEMAKER_BIND_TO_PORT", "MLDEPLOY_HOME"})
    void environment_reservedPrefix_isRejected(String key) {
        assertInvalid(() -> ModelSpec.builder("m").putEnvironment(key, "v").build(),
                "'" + key + "' uses a reserved prefix (AWS_, LAMBDA_, SAGEMAKER_, MLDEPLOY_); rename it");
    }

    @Test
    void environment_of4096BytesIsValid_4097IsRejectedWithTheLimit() {
        // key "K" (1 byte) + value: 4,096 bytes in all fits
        ModelSpec ok = ModelSpec.builder("m").putEnvironment("K", repeat('v', 4_095)).build();
        assertEquals(4_095, ok.environment().get("K").length());
        assertInvalid(() -> ModelSpec.builder("m").putEnvironment("K", repeat('v', 4_096)).build(),
                "environment variables take 4097 bytes, over Lambda's 4096-byte limit",
                "move large values into a file in the model directory");
    }

    @Test
    void environment_valid_isKeptInKeyOrder_andHiddenFromToString() {
        ModelSpec spec = ModelSpec.builder("m").putEnvironment("ZED", "secret-value").putEnvironment("ALPHA", "1")
                .build();
        assertEquals(java.util.List.of("ALPHA", "ZED"), java.util.List.copyOf(spec.environment().keySet()));
        assertTrue(!spec.toString().contains("secret-value"), spec::toString);
    }

    // ---- tags ----

    @Test
    void tags_40AreValid_41AreRejected() {
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            tags.put("k" + i, "v");
        }
        assertEquals(40, ModelSpec.builder("m").tags(tags).build().tags().size());
        tags.put("k40", "v");
        assertInvalid(() -> ModelSpec.builder("m").tags(tags).build(), "41 tags given; use at most 40");
    }

    @Test
    void tagKey_of128IsValid_129AndEmptyAreRejected() {
        assertEquals(1, ModelSpec.builder("m").putTag(repeat('k', 128), "v").build().tags().size());
        assertInvalid(() -> ModelSpec.builder("m").putTag(repeat('k', 129), "v").build(), "must be 1 to 128 characters");
        assertInvalid(() -> ModelSpec.builder("m").putTag("", "v").build(), "must be 1 to 128 characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"aws:cloudformation:stack", "AWS:x", "mldeploy:name"})
    void tagKey_reservedPrefix_isRejected(String key) {
        assertInvalid(() -> ModelSpec.builder("m").putTag(key, "v").build(), "uses a reserved prefix (aws:, mldeploy:)");
    }

    @Test
    void tagValue_of256IsValid_257IsRejected() {
        assertEquals(256, ModelSpec.builder("m").putTag("team", repeat('v', 256)).build().tags().get("team").length());
        assertInvalid(() -> ModelSpec.builder("m").putTag("team", repeat('v', 257)).build(),
                "tag 'team' has a value of 257 characters; use at most 256");
    }

    // ---- resources ----

    @Test
    void resources_nonPositiveValues_areRejectedNamingTheField() {
        assertInvalid(() -> ModelSpec.builder("m").memoryMb(0), "memoryMb must be at least 1, was 0");
        assertInvalid(() -> ModelSpec.builder("m").ephemeralStorageMb(-1), "ephemeralStorageMb must be at least 1");
        assertInvalid(() -> ModelSpec.builder("m").maxInferenceTime(Duration.ZERO), "maxInferenceTime must be positive");
        assertInvalid(() -> ModelSpec.builder("m").maxInferenceTime(Duration.ofMillis(-1)),
                "maxInferenceTime must be positive");
    }

    @Test
    void resources_valid_areKept() {
        Resources r = ModelSpec.builder("m").memoryMb(2048).ephemeralStorageMb(1024).gpu(true)
                .maxInferenceTime(Duration.ofSeconds(30)).architecture(Architecture.ARM64).build().resources();
        assertEquals(new Resources(2048, 1024, Duration.ofSeconds(30), true, Architecture.ARM64), r);
    }

    @Test
    void architecture_unknown_listsTheKnownOnes() {
        assertInvalid(() -> Architecture.parse("sparc"), "unknown architecture 'sparc'; use one of x86_64, arm64");
        assertEquals(Architecture.ARM64, Architecture.parse("ARM64"));
        assertEquals(Architecture.X86_64, Architecture.parse("x86_64"));
    }

    // ---- traffic ----

    @Test
    void traffic_invalidValues_areRejectedNamingTheField() {
        assertInvalid(() -> ModelSpec.builder("m").traffic(t -> t.requestsPerMonth(-1)),
                "requestsPerMonth must be at least 0, was -1");
        assertInvalid(() -> ModelSpec.builder("m").traffic(t -> t.averageInferenceTime(Duration.ZERO)),
                "averageInferenceTime must be positive");
        assertInvalid(() -> ModelSpec.builder("m").traffic(t -> t.peakRequestsPerSecond(-0.5)),
                "peakRequestsPerSecond must be a finite number at least 0");
        assertInvalid(() -> ModelSpec.builder("m").traffic(t -> t.peakRequestsPerSecond(Double.NaN)),
                "peakRequestsPerSecond must be a finite number at least 0");
        assertInvalid(() -> ModelSpec.builder("m").traffic(t -> t.peakRequestsPerSecond(Double.POSITIVE_INFINITY)),
                "peakRequestsPerSecond must be a finite number at least 0");
        assertInvalid(() -> ModelSpec.builder("m").traffic(t -> t.payloadBytes(-1)), "payloadBytes must be at least 0");
    }

    @Test
    void traffic_zeroRequestsAndPeak_areValid() {
        TrafficProfile t = ModelSpec.builder("m").traffic(h -> h.requestsPerMonth(0).peakRequestsPerSecond(0)
                .payloadBytes(0)).build().traffic();
        assertEquals(0, t.requestsPerMonth());
        assertEquals(0.0, t.peakRequestsPerSecond());
    }

    // ---- features ----

    @Test
    void features_zeroVariants_isRejected() {
        assertInvalid(() -> new Features(0, false), "variants must be at least 1, was 0");
        assertInvalid(() -> Features.none().withVariants(-2), "variants must be at least 1");
        assertEquals(new Features(3, true), Features.none().withVariants(3).withDataCapture(true));
    }

    @Test
    void toBuilder_roundTripsToAnEqualSpec() throws IOException {
        ModelSpec spec = ModelSpec.builder("m").source(modelDir("m", HOOKS)).memoryMb(2048).putTag("team", "ml")
                .putEnvironment("MODE", "fast").features(new Features(2, true)).build();
        assertEquals(spec, spec.toBuilder().build());
        assertEquals(spec.hashCode(), spec.toBuilder().build().hashCode());
    }

    // ---- excludes ----

    @Test
    void exclude_keepsPatternsInOrder_andRoundTrips() throws IOException {
        ModelSpec spec = ModelSpec.builder("m").source(modelDir("m", HOOKS)).exclude("data/raw/", "*.ckpt")
                .exclude("!final.ckpt").build();

        assertEquals(java.util.List.of("data/raw/", "*.ckpt", "!final.ckpt"), spec.excludes());
        assertEquals(spec, spec.toBuilder().build());
        assertTrue(spec.toString().contains("excludes=[data/raw/, *.ckpt, !final.ckpt]"));
        assertEquals(java.util.List.of("x"), spec.toBuilder().excludes(java.util.List.of("x")).build().excludes());
        org.junit.jupiter.api.Assertions.assertNotEquals(spec, spec.toBuilder().excludes(java.util.List.of()).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "# comment", "[abc", "a\nb", "!"})
    void exclude_whenPatternIsBlankCommentMultiLineOrInvalid_isRejected(String raw) {
        String pattern = raw.replace("\\n", "\n");
        assertInvalid(() -> ModelSpec.builder("m").exclude(pattern), "exclude pattern");
    }
}
