package dev.mldeploy.lambda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.Architecture;
import dev.mldeploy.ProgressEvent;
import dev.mldeploy.python.DependencyInstallException;
import dev.mldeploy.python.Pip;
import dev.mldeploy.python.PlatformResolver;
import dev.mldeploy.python.PythonPlatform;
import dev.mldeploy.python.Requirements;
import dev.mldeploy.python.ResolutionCache;
import dev.mldeploy.spi.DeployContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layer resolution cache with a stand-in for {@code python -m pip}: a shell script that "installs" one
 * distribution into {@code --target} and appends a line to a file per run, so each test counts pip runs exactly.
 */
class LayerResolutionsTest {
    static final PythonPlatform X86_312 = PythonPlatform.lambda("3.12", Architecture.X86_64);

    @TempDir
    Path tmp;

    final List<ProgressEvent> events = new CopyOnWriteArrayList<>();

    /** A fake interpreter whose {@code -m pip install --target DIR} writes {@code fake 1.0} into DIR. */
    Path fakePython(String name, int exitCode, double sleepSeconds) throws IOException {
        Path script = tmp.resolve(name);
        Files.writeString(script, "#!/bin/sh\n"
                + "echo run >> '" + runs() + "'\n"
                + "sleep " + sleepSeconds + "\n"
                + "t=''\n"
                + "while [ $# -gt 0 ]; do if [ \"$1\" = --target ]; then t=\"$2\"; fi; shift; done\n"
                + "if [ " + exitCode + " -ne 0 ]; then echo 'ERROR: injected failure'; exit " + exitCode + "; fi\n"
                + "mkdir -p \"$t/fake\" \"$t/fake-1.0.dist-info\"\n"
                + "echo 'VALUE = 1' > \"$t/fake/__init__.py\"\n"
                + "printf 'Metadata-Version: 2.1\\nName: fake\\nVersion: 1.0\\n' > \"$t/fake-1.0.dist-info/METADATA\"\n"
                + "printf 'fake/__init__.py,,\\n' > \"$t/fake-1.0.dist-info/RECORD\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    Path runs() {
        return tmp.resolve("pip-runs.txt");
    }

    int pipRuns() throws IOException {
        return Files.exists(runs()) ? Files.readAllLines(runs()).size() : 0;
    }

    Requirements requirements(String text) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("model-" + Integer.toHexString(text.hashCode())));
        Path file = dir.resolve("requirements.txt");
        Files.writeString(file, text);
        return new Requirements(file, text.getBytes(StandardCharsets.UTF_8));
    }

    DeployContext ctx() {
        return DeployContext.of("deps", "lambda", events::add, Duration.ofMinutes(1));
    }

    LayerResolutions cache(Map<String, String> inherited, Map<String, String> configured) {
        return new LayerResolutions(tmp.resolve("home/resolutions"), inherited, configured);
    }

    static PlatformResolver resolver(Path python) {
        return new PlatformResolver(new Pip(python));
    }

    List<String> messages() {
        return events.stream().map(ProgressEvent::message).toList();
    }

    @Test
    void resolve_whenUnchanged_reusesTheEntry_runsNoPip_andSaysSo() throws Exception {
        PlatformResolver pip = resolver(fakePython("python", 0, 0));
        LayerResolutions cache = cache(Map.of(), Map.of("PIP_NO_INDEX", "1"));
        Requirements req = requirements("fake==1.0\n");

        Path entry;
        try (LayerResolutions.Resolution first = cache.resolve(req, X86_312, pip, ctx(), l -> { })) {
            entry = first.dependencies().directory();
            assertEquals("fake", first.dependencies().packages().get(0).name());
        }
        assertEquals(cache.directory().resolve(ResolutionCache.key(req, X86_312)), entry);
        Files.setLastModifiedTime(entry.resolve("fake/__init__.py"), FileTime.fromMillis(1_000_000L));
        events.clear();

        try (LayerResolutions.Resolution second = cache.resolve(req, X86_312, pip, ctx(), l -> { })) {
            assertEquals(entry, second.dependencies().directory());
            assertEquals("fake", second.dependencies().packages().get(0).name());
        }

        assertEquals(1, pipRuns(), "pip ran for the first resolution only");
        assertEquals(FileTime.fromMillis(1_000_000L), Files.getLastModifiedTime(entry.resolve("fake/__init__.py")),
                "the entry was not written again");
        assertTrue(Files.isDirectory(entry), "a cache entry survives its use");
        assertTrue(messages().stream().anyMatch(m -> m.startsWith("reusing cached resolution ")
                && m.endsWith("no pip run")), messages().toString());
        assertTrue(events.stream().anyMatch(e -> e.status().equals("reused")), messages().toString());
    }

    @Test
    void resolve_whenRequirementsPlatformOrPipConfigurationDiffer_resolvesAgain() throws Exception {
        PlatformResolver pip = resolver(fakePython("python", 0, 0));
        Requirements req = requirements("fake==1.0\n");
        cache(Map.of(), Map.of()).resolve(req, X86_312, pip, ctx(), l -> { }).close();

        cache(Map.of(), Map.of()).resolve(requirements("fake==1.1\n"), X86_312, pip, ctx(), l -> { }).close();
        assertEquals(2, pipRuns(), "other requirements bytes");
        cache(Map.of(), Map.of()).resolve(req, PythonPlatform.lambda("3.12", Architecture.ARM64), pip, ctx(),
                l -> { }).close();
        assertEquals(3, pipRuns(), "another architecture");
        cache(Map.of(), Map.of()).resolve(req, PythonPlatform.lambda("3.11", Architecture.X86_64), pip, ctx(),
                l -> { }).close();
        assertEquals(4, pipRuns(), "another Python version");
        cache(Map.of(), Map.of("PIP_INDEX_URL", "https://mirror.example/simple")).resolve(req, X86_312, pip,
                ctx(), l -> { }).close();
        assertEquals(5, pipRuns(), "another index configured on the target");
        cache(Map.of("PIP_FIND_LINKS", "/srv/wheels", "HOME", "/root"), Map.of()).resolve(req, X86_312, pip,
                ctx(), l -> { }).close();
        assertEquals(6, pipRuns(), "another wheelhouse in the environment pip inherits");

        cache(Map.of("HOME", "/elsewhere"), Map.of()).resolve(req, X86_312, pip, ctx(), l -> { }).close();
        assertEquals(6, pipRuns(), "a variable that is not pip's does not matter");
    }

    @Test
    void resolve_whenAnInterruptedResolutionWasLeft_removesIt_andResolvesAgain() throws Exception {
        PlatformResolver pip = resolver(fakePython("python", 0, 0));
        LayerResolutions cache = cache(Map.of(), Map.of());
        Requirements req = requirements("fake==1.0\n");
        String key = ResolutionCache.key(req, X86_312);
        Path partial = cache.directory().resolve(key + ".partial-12345");
        Files.createDirectories(partial.resolve("t/fake"));
        Files.writeString(partial.resolve("t/fake/__init__.py"), "HALF = True\n");

        try (LayerResolutions.Resolution r = cache.resolve(req, X86_312, pip, ctx(), l -> { })) {
            assertEquals("VALUE = 1\n", Files.readString(r.dependencies().directory().resolve("fake/__init__.py")));
        }

        assertEquals(1, pipRuns(), "the cut-off resolution is not reused");
        assertFalse(Files.exists(partial), "and it is gone");
        assertTrue(messages().stream().anyMatch(m -> m.startsWith("removing an interrupted resolution")),
                messages().toString());
    }

    @Test
    void resolve_whenPipFails_cachesNothing_andTheNextDeployRunsPipAgain() throws Exception {
        LayerResolutions cache = cache(Map.of(), Map.of());
        Requirements req = requirements("fake==1.0\n");

        assertThrows(DependencyInstallException.class, () -> cache.resolve(req, X86_312,
                resolver(fakePython("broken", 1, 0)), ctx(), l -> { }));
        try (Stream<Path> left = Files.list(cache.directory())) {
            assertEquals(List.of(), left.toList(), "no entry and no partial directory");
        }

        cache.resolve(req, X86_312, resolver(fakePython("python", 0, 0)), ctx(), l -> { }).close();
        assertEquals(2, pipRuns());
    }

    @Test
    void resolve_whenTwoDeploysResolveTheSameAtOnce_pipRunsOnce_andBothGetTheEntry() throws Exception {
        PlatformResolver pip = resolver(fakePython("python", 0, 0.5));
        Requirements req = requirements("fake==1.0\n");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Path>> both = List.of(1, 2).stream().map(i -> pool.submit(() -> {
                start.await();
                // two targets on one home: two instances, as two deployers would have
                try (LayerResolutions.Resolution r = cache(Map.of(), Map.of()).resolve(req, X86_312, pip, ctx(),
                        l -> { })) {
                    return r.dependencies().directory();
                }
            })).toList();
            start.countDown();
            assertEquals(both.get(0).get(), both.get(1).get());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, pipRuns(), "the second waited for the first and reused its entry");
        assertTrue(messages().stream().anyMatch(m -> m.startsWith("reusing cached resolution")), messages()
                .toString());
    }

    @Test
    void resolve_whenRequirementsNameOtherFiles_resolvesEveryTime_intoATemporaryDirectory() throws Exception {
        PlatformResolver pip = resolver(fakePython("python", 0, 0));
        LayerResolutions cache = cache(Map.of(), Map.of());
        Requirements req = requirements("-r base.txt\nfake==1.0\n");

        Path temporary;
        try (LayerResolutions.Resolution r = cache.resolve(req, X86_312, pip, ctx(), l -> { })) {
            temporary = r.temporary();
            assertTrue(Files.isDirectory(r.dependencies().directory()));
        }
        cache.resolve(req, X86_312, pip, ctx(), l -> { }).close();

        assertEquals(2, pipRuns());
        assertFalse(Files.exists(temporary), "deleted once zipped");
        assertFalse(Files.exists(cache.directory()), "nothing cached");
        assertTrue(messages().stream().anyMatch(m -> m.contains("names other files ('-r base.txt')")),
                messages().toString());
    }

    @Test
    void localReference_findsIncludesPathsAndLocalWheelhouses_only() throws Exception {
        for (String local : List.of("-r base.txt", "--requirement=base.txt", "-c constraints.txt", "-e .",
                "--editable ./pkg", "-f ./wheels", "--find-links=/srv/wheels", "./dist/pkg-1.0.whl",
                "/abs/pkg.tar.gz", "pkg @ file:///tmp/pkg-1.0.whl")) {
            assertEquals(local, LayerResolutions.localReference(requirements("numpy==2.1\n" + local + "\n"))
                    .orElse("none"), local);
        }
        for (String remote : List.of("numpy==2.1", "requests>=2 ; python_version >= '3.9'",
                "-f https://example.org/wheels", "--index-url https://mirror.example/simple",
                "pkg @ https://example.org/pkg-1.0.whl", "fake==1.0 --hash=sha256:abc")) {
            assertEquals("none", LayerResolutions.localReference(requirements(remote + "\n")).orElse("none"),
                    remote);
        }
    }
}
