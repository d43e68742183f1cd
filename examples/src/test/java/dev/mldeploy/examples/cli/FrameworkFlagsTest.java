package dev.mldeploy.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plan} and {@code package} with {@code --framework} / {@code --framework-version}: checked as deploy checks
 * them (sagemaker only; the sagemaker provider's table of prebuilt images), and {@code package} then writes only
 * the artifact for the prebuilt framework image. The sagemaker provider is the one ServiceLoader finds.
 */
class FrameworkFlagsTest {
    @TempDir
    Path tmp;
    Path model;
    Cli cli;

    @BeforeEach
    void setUp() throws IOException {
        cli = new Cli(Map.of("MLDEPLOY_HOME", tmp.resolve("home").toString()));
        model = TinyModel.in(tmp.resolve("tabular"));
        Files.writeString(model.resolve("weights.txt"), "w1");
    }

    private Cli.Result packageTo(Path out, String target, String... extra) {
        List<String> args = new ArrayList<>(List.of("package", "--target", target, "--model", model.toString(),
                "--out", out.toString()));
        args.addAll(List.of(extra));
        return cli.run(args.toArray(String[]::new));
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
                    .filter(n -> !n.equals(".mldeploy-package")).sorted().toList(); // PackageOutput's marker
        }
    }

    @Test
    void package_sagemaker_withFramework_writesOnlyTheFrameworkLayoutsArtifact() throws IOException {
        Path out = tmp.resolve("out");

        Cli.Result r = packageTo(out, "sagemaker", "--framework", "xgboost", "--framework-version", "1.7-1");

        assertEquals(0, r.status(), r::toString);
        assertEquals(List.of("prebuilt/model.tar.gz"), files(out), "no Dockerfile or container artifact");
        assertEquals(List.of("code/inference.py", "weights.txt"), tarNames(out.resolve("prebuilt/model.tar.gz")),
                "code under code/, data at the root, no adapter: the framework layout");
        assertTrue(r.out().contains("prebuilt/model.tar.gz"), r::toString);
    }

    @Test
    void package_sagemaker_withoutFramework_stillWritesBothLayouts() throws IOException {
        Path out = tmp.resolve("out");

        Cli.Result r = packageTo(out, "sagemaker");

        assertEquals(0, r.status(), r::toString);
        assertTrue(files(out).containsAll(List.of("Dockerfile", "model.tar.gz", "prebuilt/model.tar.gz")),
                files(out).toString());
    }

    @Test
    void package_sagemaker_withUnknownFramework_exits2_listingTheKnownOnes_andWritesNothing() {
        Path out = tmp.resolve("out");

        Cli.Result r = packageTo(out, "sagemaker", "--framework", "tensorflow");

        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("framework 'tensorflow' is not one mldeploy knows")
                && r.err().contains("sklearn, pytorch, xgboost"), r::toString);
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void package_sagemaker_withAVersionTheDefaultFrameworkLacks_exits2_andWritesNothing() {
        Path out = tmp.resolve("out");

        // a CPU model's default framework is sklearn, which has no 2.6
        Cli.Result r = packageTo(out, "sagemaker", "--framework-version", "2.6");

        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("sklearn version '2.6' is not one mldeploy knows"), r::toString);
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void package_lambda_withFramework_exits2_sagemakerOnly_andWritesNothing() {
        Path out = tmp.resolve("out");

        Cli.Result r = packageTo(out, "lambda", "--framework", "sklearn");

        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("--framework (sagemaker only) does nothing on --target lambda"), r::toString);
        assertFalse(Files.exists(out));
    }

    @Test
    void plan_withAKnownFramework_plansAsWithout() {
        Cli.Result with = cli.run("plan", "--model-size-mb", "10", "--framework", "sklearn", "--framework-version",
                "1.2-1", "--output", "json");
        Cli.Result without = cli.run("plan", "--model-size-mb", "10", "--output", "json");

        assertEquals(0, with.status(), with::toString);
        assertEquals(without.out(), with.out());
    }

    @Test
    void plan_withUnknownFrameworkOrVersion_exits2_asDeployWould() {
        Cli.Result framework = cli.run("plan", "--model-size-mb", "10", "--framework", "tensorflow");
        Cli.Result version = cli.run("plan", "--model-size-mb", "10", "--framework", "pytorch",
                "--framework-version", "0.1");

        assertEquals(2, framework.status(), framework::toString);
        assertTrue(framework.err().contains("framework 'tensorflow' is not one mldeploy knows"), framework::toString);
        assertEquals(2, version.status(), version::toString);
        assertTrue(version.err().contains("pytorch version '0.1' is not one mldeploy knows"), version::toString);
    }

    @Test
    void plan_withFrameworkOnLambda_exits2_sagemakerOnly() {
        Cli.Result r = cli.run("plan", "--model-size-mb", "10", "--target", "lambda", "--framework", "sklearn",
                "--framework-version", "1.2-1");

        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("--framework (sagemaker only), --framework-version (sagemaker only) do nothing "
                + "on --target lambda"), r::toString);
    }

    /** The names of the regular files in a {@code .tar.gz} (ustar, names up to 100 characters). */
    private static List<String> tarNames(Path tarGz) throws IOException {
        byte[] tar;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(tarGz)))) {
            tar = in.readAllBytes();
        }
        List<String> names = new ArrayList<>();
        int at = 0;
        while (at + 512 <= tar.length && tar[at] != 0) {
            String name = new String(tar, at, 100, StandardCharsets.UTF_8).replace("\0", "").trim();
            long size = Long.parseLong(new String(tar, at + 124, 12, StandardCharsets.US_ASCII).replace("\0", "")
                    .trim(), 8);
            if (tar[at + 156] == '0' || tar[at + 156] == 0) {
                names.add(name);
            }
            at += 512 + (int) ((size + 511) / 512 * 512);
        }
        return names;
    }
}
