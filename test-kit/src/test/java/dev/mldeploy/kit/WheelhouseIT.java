package dev.mldeploy.kit;

import dev.mldeploy.python.Pip;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pip accepts the hand-built wheels and picks the build that matches the platform it is asked for. */
class WheelhouseIT {
    private static final Path PYTHON = Path.of(System.getenv().getOrDefault("MLDEPLOY_PYTHON", "python3"));

    @TempDir
    Path tmp;

    private Wheelhouse twoBuilds() {
        Wheelhouse house = Wheelhouse.at(tmp.resolve("wheels"));
        house.whichBuild(PYTHON);
        house.wheel("plain-helper", "2.0").file("plain_helper.py", "VALUE = 42\n").build();
        return house;
    }

    @Test
    void pipInstall_forTheHost_takesTheHostBuild() throws Exception {
        Wheelhouse house = twoBuilds();
        Path target = tmp.resolve("host");
        List<String> out = new ArrayList<>();
        Pip.Result r = new Pip(PYTHON).pip(List.of("install", "--target", target.toString(), "which-build",
                "plain-helper"), house.pipEnvironment(), Duration.ofMinutes(2), out::add);
        assertEquals(0, r.exitCode(), String.join("\n", out));
        assertTrue(Files.readString(target.resolve("which_build/__init__.py")).contains("'host'"));
        assertTrue(Files.isRegularFile(target.resolve("plain_helper.py")));
        assertTrue(Files.isDirectory(target.resolve("which_build-1.0.dist-info")));
    }

    @Test
    void pipInstall_forLambdaArm_takesTheAarch64Build() throws Exception {
        Wheelhouse house = twoBuilds();
        Path target = tmp.resolve("lambda");
        List<String> out = new ArrayList<>();
        Pip.Result r = new Pip(PYTHON).pip(List.of("install", "--target", target.toString(),
                "--platform", "manylinux2014_aarch64", "--implementation", "cp", "--python-version", "3.12",
                "--only-binary=:all:", "which-build"), house.pipEnvironment(), Duration.ofMinutes(2), out::add);
        assertEquals(0, r.exitCode(), String.join("\n", out));
        assertTrue(Files.readString(target.resolve("which_build/__init__.py")).contains("'lambda-aarch64'"));
    }

    @Test
    void pipInDirectory_resolvesARelativeWheelPathInRequirementsAgainstIt() throws Exception {
        Path model = tmp.resolve("model");
        Wheelhouse vendor = Wheelhouse.at(model.resolve("vendor"));
        vendor.wheel("vendored", "1.0").file("vendored.py", "WHERE = 'vendor'\n").build();
        Files.writeString(model.resolve("requirements.txt"), "./vendor/vendored-1.0-py3-none-any.whl\n");
        Path target = tmp.resolve("installed");
        List<String> out = new ArrayList<>();
        Pip.Result r = new Pip(PYTHON).in(model).pip(List.of("install", "--target", target.toString(), "-r",
                model.resolve("requirements.txt").toString()), vendor.pipEnvironment(), Duration.ofMinutes(2),
                out::add);
        assertEquals(0, r.exitCode(), String.join("\n", out));
        assertTrue(Files.isRegularFile(target.resolve("vendored.py")));
    }

    @Test
    void sameCall_writesTheSameBytes() throws Exception {
        Path a = Wheelhouse.at(tmp.resolve("a")).wheel("p", "1").file("p.py", "x = 1\n").build();
        Path b = Wheelhouse.at(tmp.resolve("b")).wheel("p", "1").file("p.py", "x = 1\n").build();
        assertEquals(-1L, Files.mismatch(a, b));
    }
}
