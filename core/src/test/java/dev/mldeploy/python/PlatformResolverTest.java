package dev.mldeploy.python;

import dev.mldeploy.Architecture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The resolver's pure parts: the pip command, reading pip's failure, wheel tags. Real pip runs in the ITs. */
class PlatformResolverTest {

    @Test
    void installArgs_askForBinaryWheelsOfThePlatformOnly(@TempDir Path dir) {
        Requirements req = new Requirements(dir.resolve("requirements.txt"), "numpy\n".getBytes());
        List<String> args = PlatformResolver.installArgs(req, PythonPlatform.lambda("3.12", Architecture.ARM64),
                dir.resolve("out"), null);
        String line = String.join(" ", args);
        assertTrue(line.startsWith("install --target " + dir.resolve("out") + " --no-compile --only-binary=:all: "
                + "--implementation cp --python-version 3.12 --abi cp312 --platform manylinux_2_34_aarch64 "), line);
        assertTrue(line.endsWith("--platform manylinux2014_aarch64 -r " + dir.resolve("requirements.txt")), line);
        assertFalse(args.contains("--isolated"), "pip's configuration is honoured");
        assertFalse(args.contains("--find-links"));
    }

    @Test
    void installArgs_withBuiltWheels_addsThemToFindLinks(@TempDir Path dir) {
        Requirements req = new Requirements(dir.resolve("requirements.txt"), "x\n".getBytes());
        List<String> args = PlatformResolver.installArgs(req, PythonPlatform.lambda("3.12", Architecture.X86_64),
                dir.resolve("out"), dir.resolve("scratch"));
        int i = args.indexOf("--find-links");
        assertEquals(dir.resolve("scratch").resolve("wheels").toString(), args.get(i + 1));
    }

    @Test
    void unmatched_readsTheRequirementPipFoundNothingFor() {
        assertEquals(Optional.of("cext==1.0"), PlatformResolver.unmatched(List.of(
                "ERROR: Could not find a version that satisfies the requirement cext==1.0 (from versions: none)",
                "ERROR: No matching distribution found for cext==1.0")));
        assertEquals(Optional.empty(), PlatformResolver.unmatched(List.of("ERROR: network unreachable")));
    }

    @Test
    void isPurePython_acceptsOnlyWheelsForAnyPlatform() {
        assertTrue(PlatformResolver.isPurePython("pure_sdist-1.0-py3-none-any.whl"));
        assertTrue(PlatformResolver.isPurePython("six-1.16.0-py2.py3-none-any.whl"));
        assertFalse(PlatformResolver.isPurePython("cext-1.0-cp311-cp311-linux_x86_64.whl"));
        assertFalse(PlatformResolver.isPurePython("cext-1.0-cp312-abi3-manylinux2014_x86_64.whl"));
        assertFalse(PlatformResolver.isPurePython("cext-1.0-cp311-none-any.whl"));
        assertFalse(PlatformResolver.isPurePython("cext-1.0.tar.gz"));
    }

    @Test
    void requirementName_dropsExtrasAndVersions() {
        assertEquals("Cext", PlatformResolver.requirementName("Cext[fast]>=1.0"));
        assertEquals("c-ext_sdist", PlatformResolver.requirementName("c-ext_sdist==1.0"));
    }

    @Test
    void resolve_whenTheTargetIsNotEmpty_refusesBeforeRunningPip(@TempDir Path dir) throws Exception {
        Path target = Files.createDirectories(dir.resolve("t"));
        Files.writeString(target.resolve("left-over.py"), "");
        Requirements req = new Requirements(dir.resolve("requirements.txt"), "x\n".getBytes());
        Pip neverRuns = new Pip(dir.resolve("no-such-python"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PlatformResolver(neverRuns)
                .resolve(req, PythonPlatform.lambda("3.12", Architecture.X86_64), target,
                        java.time.Duration.ofSeconds(5), s -> { }));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        assertTrue(Files.exists(target.resolve("left-over.py")), "the caller's files are left alone");
    }
}
