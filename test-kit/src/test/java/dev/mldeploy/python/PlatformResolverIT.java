package dev.mldeploy.python;

import dev.mldeploy.PackageSize;

import dev.mldeploy.Architecture;
import dev.mldeploy.kit.Wheelhouse;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real pip against a hand-built wheelhouse (no index): the resolver installs Lambda's builds, not the host's,
 * builds pure-Python source distributions, refuses ones with C extensions and measures what it installed.
 */
class PlatformResolverIT {
    private static final Path PYTHON = Wheelhouse.wheelBuildingPython();

    @TempDir
    Path tmp;
    private Wheelhouse house;
    private final List<String> progress = new ArrayList<>();

    @BeforeEach
    void wheelhouse() {
        house = Wheelhouse.at(tmp.resolve("wheels"));
        house.whichBuild(PYTHON);
        house.wheel("big-helper", "3.1").file("big_helper/__init__.py", "DATA = '" + "x".repeat(20_000) + "'\n")
                .build();
        house.wheel("small-helper", "0.2").file("small_helper.py", "VALUE = 42\n").build();
        house.sdist("pure-sdist", "1.0", Map.of(
                "setup.py", "from setuptools import setup\nsetup(name='pure-sdist', version='1.0', "
                        + "py_modules=['pure_sdist'])\n",
                "pure_sdist.py", "WHERE = 'built from source'\n"));
        house.cExtensionSdist("c-ext-sdist");
    }

    private ResolvedDependencies resolve(String requirements, Architecture arch, Path target) throws Exception {
        Path file = tmp.resolve("requirements-" + Integer.toHexString(requirements.hashCode()) + ".txt");
        Files.writeString(file, requirements);
        return new PlatformResolver(new Pip(PYTHON), house.pipEnvironment()).resolve(read(file),
                PythonPlatform.lambda("3.12", arch), target, Duration.ofMinutes(3), progress::add);
    }

    private static Requirements read(Path file) throws Exception {
        return new Requirements(file, Files.readAllBytes(file));
    }

    @Test
    void resolve_forX86_64_installsTheManylinuxX86Build() throws Exception {
        Path target = tmp.resolve("x86");
        resolve("which-build\n", Architecture.X86_64, target);
        assertTrue(Files.readString(target.resolve("which_build/__init__.py")).contains("'lambda-x86_64'"));
    }

    @Test
    void resolve_forArm64_installsTheAarch64Build() throws Exception {
        Path target = tmp.resolve("arm");
        resolve("which-build\n", Architecture.ARM64, target);
        assertTrue(Files.readString(target.resolve("which_build/__init__.py")).contains("'lambda-aarch64'"));
    }

    @Test
    void resolve_whenOnlyAPurePythonSdistExists_buildsAndInstallsIt() throws Exception {
        Assumptions.assumeTrue(Wheelhouse.canBuildWheels(PYTHON), Wheelhouse.cannotBuildWheels(PYTHON));
        Path target = tmp.resolve("pure");
        ResolvedDependencies r = resolve("pure-sdist==1.0\nsmall-helper\n", Architecture.ARM64, target);
        assertEquals("WHERE = 'built from source'\n", Files.readString(target.resolve("pure_sdist.py")));
        assertTrue(r.packages().stream().anyMatch(p -> p.name().equals("pure-sdist") && p.version().equals("1.0")),
                r.packages().toString());
        assertTrue(Files.isRegularFile(target.resolve("small_helper.py")));
    }

    @Test
    void resolve_whenAnSdistHasACExtension_refusesNamingThePackageAndTheWaysOut() throws Exception {
        Assumptions.assumeTrue(Wheelhouse.canBuildWheels(PYTHON), Wheelhouse.cannotBuildWheels(PYTHON));
        Path target = tmp.resolve("cext");
        DependencyInstallException e = assertThrows(DependencyInstallException.class,
                () -> resolve("small-helper\nc-ext-sdist\n", Architecture.X86_64, target));
        assertTrue(e.getMessage().contains("'c-ext-sdist'"), e.getMessage());
        assertTrue(e.getMessage().contains("lambda:image"), e.getMessage());
        assertTrue(e.getMessage().contains("--target sagemaker"), e.getMessage());
        try (Stream<Path> left = Files.list(target)) {
            assertEquals(0, left.count(), "a refused resolution leaves the target empty");
        }
    }

    @Test
    void resolve_whenNothingProvidesARequirement_failsWithPipsTail() throws Exception {
        DependencyInstallException e = assertThrows(DependencyInstallException.class,
                () -> resolve("no-such-package\n", Architecture.X86_64, tmp.resolve("none")));
        assertTrue(e.getMessage().contains("'no-such-package'"), e.getMessage());
        assertTrue(e.outputTail().stream().anyMatch(l -> l.contains("No matching distribution")), e.outputTail()
                .toString());
    }

    @Test
    void resolve_leavesNoBytecode() throws Exception {
        Path target = tmp.resolve("nobytecode");
        resolve("which-build\nbig-helper\nsmall-helper\npure-sdist\n", Architecture.X86_64, target);
        try (Stream<Path> all = Files.walk(target)) {
            List<Path> bytecode = all.filter(p -> p.getFileName().toString().equals("__pycache__")
                    || p.getFileName().toString().endsWith(".pyc")).toList();
            assertEquals(List.of(), bytecode);
        }
    }

    @Test
    void resolve_measuresEachDistributionLargestFirst() throws Exception {
        Path target = tmp.resolve("sizes");
        ResolvedDependencies r = resolve("small-helper\nbig-helper\nwhich-build\n", Architecture.X86_64, target);
        List<String> names = r.packages().stream().map(PackageSize::name).toList();
        assertEquals(List.of("big-helper", "which-build", "small-helper"), names);
        assertTrue(r.packages().get(0).bytes() > 20_000, r.packages().toString());
        long files;
        try (Stream<Path> all = Files.walk(target)) {
            files = all.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        assertEquals(files, r.totalBytes());
        assertTrue(r.packages().stream().mapToLong(PackageSize::bytes).sum() <= r.totalBytes());
        assertEquals(List.of("big-helper"), r.largest(1).stream().map(PackageSize::name).toList());
        assertFalse(progress.isEmpty());
    }

    @Test
    void resolve_whenPipCannotReachTheIndex_saysSo() throws Exception {
        Path file = tmp.resolve("requirements.txt");
        Files.writeString(file, "which-build\n");
        Map<String, String> env = Map.of("PIP_NO_INDEX", "off", "PIP_INDEX_URL", "http://127.0.0.1:1/simple",
                "PIP_FIND_LINKS", Files.createDirectories(tmp.resolve("empty")).toString(), "PIP_RETRIES", "1",
                "PIP_TIMEOUT", "2");
        DependencyInstallException e = assertThrows(DependencyInstallException.class,
                () -> new PlatformResolver(new Pip(PYTHON), env).resolve(read(file),
                        PythonPlatform.lambda("3.12", Architecture.X86_64), tmp.resolve("t"), Duration.ofMinutes(2),
                        progress::add));
        assertTrue(e.getMessage().startsWith("pip could not reach a package index"), e.getMessage());
        assertFalse(e instanceof NoPlatformBuildException, "an unreachable index is not a missing build");
    }

    @Test
    void resolutionCache_secondResolveWithTheSameRequirements_runsNoPip() throws Exception {
        Path file = tmp.resolve("requirements.txt");
        Files.writeString(file, "which-build\nsmall-helper\n");
        ResolutionCache cache = new ResolutionCache(tmp.resolve("cache"));
        PythonPlatform arm = PythonPlatform.lambda("3.12", Architecture.ARM64);
        ResolvedDependencies first = cache.resolve(new PlatformResolver(new Pip(PYTHON), house.pipEnvironment()),
                read(file), arm, Duration.ofMinutes(2), progress::add);
        PlatformResolver noPython = new PlatformResolver(new Pip(tmp.resolve("no-such-python")));
        ResolvedDependencies second = cache.resolve(noPython, read(file), arm, Duration.ofMinutes(2), progress::add);
        assertEquals(first, second);
        assertTrue(Files.readString(second.directory().resolve("which_build/__init__.py")).contains("aarch64"));
        assertThrows(DependencyInstallException.class, () -> cache.resolve(noPython, read(file),
                PythonPlatform.lambda("3.12", Architecture.X86_64), Duration.ofMinutes(1), progress::add),
                "another platform is another entry, so pip runs (and here cannot)");
        try (Stream<Path> entries = Files.list(tmp.resolve("cache"))) {
            assertEquals(List.of(ResolutionCache.key(read(file), arm)),
                    entries.map(p -> p.getFileName().toString()).toList(), "a failed resolution leaves no entry");
        }
    }
}
