package dev.mldeploy.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.MlDeployException;
import dev.mldeploy.spi.Json;
import dev.mldeploy.spi.Target;
import dev.mldeploy.spi.TargetContext;
import dev.mldeploy.spi.TargetProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mldeploy package}: what it lists, what it leaves out, and that it never destroys a previous output. */
class PackageCommandTest {
    private static final String SECRET = "SECRET-VALUE-4242";

    @TempDir
    Path tmp;
    Path model;
    Cli cli;

    @BeforeEach
    void setUp() throws IOException {
        cli = new Cli(Map.of("MLDEPLOY_HOME", tmp.resolve("home").toString()), new BreaksMidWay());
        model = TinyModel.in(tmp.resolve("tiny-model"));
        Files.write(model.resolve("weights.bin"), new byte[1000]);
        Files.writeString(model.resolve(".env"), "TOKEN=" + SECRET);
        Files.createDirectories(model.resolve(".aws"));
        Files.writeString(model.resolve(".aws/credentials"), "aws_secret_access_key=" + SECRET);
        Files.createDirectories(model.resolve(".venv/bin"));
        Files.writeString(model.resolve(".venv/bin/activate"), "x");
        Files.writeString(model.resolve("notes.txt"), SECRET);
        Files.writeString(model.resolve(".mldeployignore"), "# private notes\nnotes.txt\n");
    }

    private Cli.Result packageTo(Path out, String target, String... extra) {
        String[] args = {"package", "--target", target, "--model", model.toString(), "--out", out.toString()};
        String[] all = Arrays.copyOf(args, args.length + extra.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        return cli.run(all);
    }

    /** Every file under {@code dir} with its bytes, as text for comparison. */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(p).toString(), Arrays.toString(Files.readAllBytes(p)));
            }
        }
        return m;
    }

    private List<String> siblingsOf(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out.getParent())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("." + out.getFileName()))
                    .toList();
        }
    }

    @Test
    void package_sagemaker_listsWhatItPackagedAndWhatItLeftOut_andShipsNoSecret() throws IOException {
        Path out = tmp.resolve("out");

        Cli.Result r = packageTo(out, "sagemaker");

        assertEquals(0, r.status(), r::toString);
        // the Dockerfile, the adapter the image needs (its package and mldeploy_serve.py), model.tar.gz and the
        // prebuilt image's prebuilt/model.tar.gz
        int files = 3 + dev.mldeploy.bundle.AdapterFiles.SERVING_IMAGE_NAMES.size();
        assertTrue(r.out().contains("wrote " + files + " files for sagemaker to " + out), r.out());
        assertTrue(r.out().contains("packaged 2 model files (" + (1000 + Files.size(model.resolve("inference.py")))
                + " bytes):\n  inference.py\n  weights.bin\n"), r.out());
        assertTrue(r.out().contains("left out by default: 4 entries\n"
                + "  .aws/  (default rule \".aws/\")\n"
                + "  .env  (default rule \".env\")\n"
                + "  .mldeployignore  (default rule \"/.mldeployignore\")\n"
                + "  .venv/  (default rule \".venv/\")\n"), r.out());
        assertTrue(r.out().contains("left out by .mldeployignore or the spec: 1 entry\n"
                + "  notes.txt  (.mldeployignore line 2 \"notes.txt\")\n"), r.out());
        byte[] tar;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(out.resolve("model.tar.gz")))) {
            tar = in.readAllBytes();
        }
        String tarText = new String(tar, StandardCharsets.ISO_8859_1);
        assertFalse(tarText.contains(SECRET), "no secret reaches the archive");
        assertTrue(tarText.contains("code/inference.py"));
        assertFalse(Files.exists(out.resolve("requirements.txt")));
        // the artifact a deploy without --image ships: code under code/, data at the root, no adapter
        try (InputStream in = new GZIPInputStream(Files.newInputStream(out.resolve("prebuilt/model.tar.gz")))) {
            String prebuilt = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(prebuilt.contains("code/inference.py") && prebuilt.contains("weights.bin")
                    && !prebuilt.contains("code/weights.bin") && !prebuilt.contains("mldeploy_serve.py"), prebuilt);
            assertFalse(prebuilt.contains(SECRET), "no secret reaches the prebuilt image's archive");
        }
        assertEquals(List.of(), siblingsOf(out), "no staging directory is left next to the output");
    }

    @Test
    @SuppressWarnings("unchecked")
    void package_lambda_json_listsFilesPackagedAndExcludedWithReasons() {
        Path out = tmp.resolve("out");

        Cli.Result r = packageTo(out, "lambda", "--output", "json");

        assertEquals(0, r.status(), r::toString);
        Map<String, Object> json = Json.parseObject(r.out().trim());
        assertEquals("lambda", json.get("target"));
        assertEquals(out.toString(), json.get("out"));
        List<Object> files = (List<Object>) json.get("files");
        assertEquals(out.resolve("tiny-model-lambda.zip").toString(), ((Map<String, Object>) files.get(0)).get("path"));
        assertEquals(List.of("inference.py", "weights.bin"), ((List<Object>) json.get("packaged")).stream()
                .map(o -> ((Map<String, Object>) o).get("path")).toList());
        Map<String, Map<String, Object>> excluded = new TreeMap<>();
        ((List<Object>) json.get("excluded")).forEach(o -> excluded.put((String) ((Map<String, Object>) o).get("path"),
                (Map<String, Object>) o));
        assertEquals(List.of(".aws", ".env", ".mldeployignore", ".venv", "notes.txt"), List.copyOf(excluded.keySet()));
        assertEquals("default", excluded.get(".aws").get("reason"));
        assertEquals(true, excluded.get(".aws").get("directory"));
        assertEquals(".aws/", excluded.get(".aws").get("pattern"));
        assertEquals(".mldeployignore", excluded.get("notes.txt").get("reason"));
        assertEquals(2L, ((Number) excluded.get("notes.txt").get("line")).longValue());
    }

    @Test
    void package_whenTheNewPackageFails_leavesThePreviousOutputIntact() throws IOException {
        Path out = tmp.resolve("out");
        assertEquals(0, packageTo(out, "sagemaker").status());
        Map<String, String> before = snapshot(out);
        Files.writeString(model.resolve("..\\..\\..\\evil"), "x");

        Cli.Result r = packageTo(out, "sagemaker");

        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("\"..\\\\..\\\\..\\\\evil\" has a backslash"), r.err());
        assertEquals(before, snapshot(out), "the previous package is unchanged");
        assertEquals(List.of(), siblingsOf(out));
    }

    @Test
    void package_whenThePackagerFailsHalfWay_deletesWhatItWrote_andKeepsThePreviousOutput() throws IOException {
        Path out = tmp.resolve("out");
        assertEquals(0, packageTo(out, "lambda").status());
        Map<String, String> before = snapshot(out);

        Cli.Result r = packageTo(out, BreaksMidWay.NAME);

        assertEquals(1, r.status(), r::toString);
        assertTrue(r.err().contains("disk full after the first file"), r.err());
        assertEquals(before, snapshot(out));
        assertEquals(List.of(), siblingsOf(out), "the half-written staging directory is deleted");
    }

    @Test
    void package_again_replacesThePreviousOutputWhole() throws IOException {
        Path out = tmp.resolve("out");
        assertEquals(0, packageTo(out, "sagemaker").status());
        assertTrue(Files.exists(out.resolve("Dockerfile")));

        Cli.Result r = packageTo(out, "lambda");

        assertEquals(0, r.status(), r::toString);
        assertEquals(List.of(".mldeploy-package", "tiny-model-lambda.zip"), List.copyOf(snapshot(out).keySet()),
                "nothing of the previous package is left");
        assertEquals(List.of(), siblingsOf(out));
    }

    @Test
    void package_whenOutIsInsideTheModelDirectory_exits2_beforeWritingAnything() throws IOException {
        Map<String, String> before = snapshot(model);

        Cli.Result inside = packageTo(model.resolve("dist"), "sagemaker");
        Cli.Result itself = packageTo(model, "lambda");
        Cli.Result holding = packageTo(tmp, "lambda");

        assertEquals(2, inside.status(), inside::toString);
        assertTrue(inside.err().contains("is inside the model directory " + model), inside.err());
        assertEquals(2, itself.status(), itself::toString);
        assertEquals(2, holding.status(), holding::toString);
        assertTrue(holding.err().contains("contains the model directory"), holding.err());
        assertEquals(before, snapshot(model), "the model directory is untouched");
        assertFalse(Files.exists(model.resolve("dist")));
    }

    @Test
    void package_whenOutIsAnotherNonEmptyDirectory_exits2_andTouchesNothing() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("documents"));
        Files.writeString(out.resolve("thesis.txt"), "years of work");

        Cli.Result r = packageTo(out, "sagemaker");

        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("is a directory that is not empty and not an earlier package output"), r.err());
        assertEquals(Map.of("thesis.txt", Arrays.toString("years of work".getBytes(StandardCharsets.UTF_8))),
                snapshot(out));
        assertEquals(List.of(), siblingsOf(out));
    }

    @Test
    void package_text_escapesExcludedNamesATerminalWouldInterpret_andCapsLongLists() throws IOException {
        Files.writeString(model.resolve("esc\u001b[31mred.txt"), "x");
        Files.writeString(model.resolve(".mldeployignore"), "esc*\n"); // notes.txt is packaged now
        Path data = Files.createDirectories(model.resolve("data"));
        for (int i = 0; i < PackageCommand.MAX_LISTED + 5; i++) {
            Files.writeString(data.resolve(String.format("f%03d.txt", i)), "d");
        }

        Cli.Result r = packageTo(tmp.resolve("out"), "lambda");

        assertEquals(0, r.status(), r::toString);
        assertFalse(r.out().contains("\u001b"), "no raw escape character reaches the terminal");
        assertTrue(r.out().contains("  \"esc\\u001b[31mred.txt\"  (.mldeployignore line 1 \"esc*\")"), r.out());
        assertTrue(r.out().contains("packaged " + (PackageCommand.MAX_LISTED + 8) + " model files"), r.out());
        assertTrue(r.out().contains("  ... and 8 more (--output json lists every one)"), r.out());
    }

    @Test
    void package_whenOutIsAFile_exits2_andLeavesTheFile() throws IOException {
        Path out = Files.writeString(tmp.resolve("out.txt"), "keep me");

        Cli.Result r = packageTo(out, "lambda");

        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("exists and is not a directory"), r.err());
        assertEquals("keep me", Files.readString(out));
        assertEquals(List.of(), siblingsOf(out));
    }

    @Test
    void package_intoAnEmptyExistingDirectory_works() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("empty"));

        Cli.Result r = packageTo(out, "lambda");

        assertEquals(0, r.status(), r::toString);
        assertTrue(Files.isRegularFile(out.resolve("tiny-model-lambda.zip")));
    }

    /** A target whose packager writes one file and then fails, as a full disk would. */
    static final class BreaksMidWay implements TargetProvider {
        static final String NAME = "breaks-mid-way";

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "fails while packaging";
        }

        @Override
        public Optional<dev.mldeploy.spi.Packager> packager() {
            return Optional.of((spec, outDir) -> {
                try {
                    Files.createDirectories(outDir);
                    Files.writeString(outDir.resolve("part-1"), "half");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                throw new MlDeployException("disk full after the first file");
            });
        }

        @Override
        public Target create(TargetContext context) {
            throw new UnsupportedOperationException("packages only");
        }
    }
}
