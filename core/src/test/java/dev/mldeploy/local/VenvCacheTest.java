package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.ProgressEvent;
import dev.mldeploy.python.InterpreterIdentity;
import dev.mldeploy.python.Requirements;
import dev.mldeploy.spi.DeployContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VenvCacheTest {
    private static final InterpreterIdentity PY311 = new InterpreterIdentity("/usr/bin/python3.11",
            "3.11.7 (main, May 9 2026) [GCC 12.2.0]", "cpython cpython-311", "linux-x86_64 x86_64 glibc 2.36");

    @TempDir
    Path tmp;

    private static Requirements requirements(Path file, String content) {
        return new Requirements(file, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void key_forTheSameInterpreterAndRequirements_isTheSame() {
        String a = VenvCache.key(PY311, requirements(Path.of("/models/a/requirements.txt"), "numpy==1.26.4\n"));
        String b = VenvCache.key(new InterpreterIdentity(PY311.executable(), PY311.version(), PY311.implementation(),
                PY311.platform()), requirements(Path.of("/models/b/requirements.txt"), "numpy==1.26.4\n"));

        assertEquals(a, b, "two models with the same requirements share one environment");
        assertTrue(a.matches("[0-9a-f]{24}"), a);
    }

    @Test
    void key_whenTheRequirementsChange_isNew() {
        Path file = Path.of("/models/a/requirements.txt");

        assertNotEquals(VenvCache.key(PY311, requirements(file, "numpy==1.26.4\n")),
                VenvCache.key(PY311, requirements(file, "numpy==1.26.5\n")));
        assertNotEquals(VenvCache.key(PY311, requirements(file, "numpy==1.26.4\n")),
                VenvCache.key(PY311, requirements(file, "numpy==1.26.4\n# pinned\n")),
                "the key is the file's bytes: pip may read a comment-only change differently (options)");
    }

    @Test
    void key_whenTheInterpreterDiffers_isNew() {
        Requirements r = requirements(Path.of("/m/requirements.txt"), "numpy\n");
        String key = VenvCache.key(PY311, r);

        assertNotEquals(key, VenvCache.key(new InterpreterIdentity(PY311.executable(), "3.11.8 (main) [GCC 12.2.0]",
                PY311.implementation(), PY311.platform()), r), "a patch upgrade");
        assertNotEquals(key, VenvCache.key(new InterpreterIdentity("/opt/py/bin/python3.11", PY311.version(),
                PY311.implementation(), PY311.platform()), r), "another installation");
        assertNotEquals(key, VenvCache.key(new InterpreterIdentity(PY311.executable(), PY311.version(),
                PY311.implementation(), "linux-aarch64 aarch64 glibc 2.36"), r), "another machine type");
    }

    @Test
    void ensure_whenTheEnvironmentIsComplete_reusesItWithoutRunningPython() throws Exception {
        Requirements r = requirements(tmp.resolve("requirements.txt"), "which-build==1.0\n");
        VenvCache cache = new VenvCache(tmp.resolve("venvs"), Map.of());
        Path dir = cache.directory(VenvCache.key(PY311, r));
        Path python = VenvCache.pythonOf(dir);
        Files.createDirectories(python.getParent());
        Files.writeString(python, "");
        Files.writeString(dir.resolve(VenvCache.COMPLETE_MARKER), "done\n");
        List<ProgressEvent> events = new ArrayList<>();

        // a python that cannot run: had the cache run venv or pip, this would fail
        Path got = cache.ensure("/nonexistent/python3", PY311, r, "m",
                DeployContext.of("m", "local", events::add, Duration.ofMinutes(1)));

        assertEquals(python, got);
        assertTrue(events.stream().anyMatch(e -> e.message().startsWith("reusing cached environment "
                + dir.getFileName())), events.toString());
        assertFalse(events.stream().anyMatch(e -> e.message().contains("installing")), events.toString());
    }

    @Test
    void deleteTree_removesAVenvLikeTreeWithoutFollowingItsLinks() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("keep"), "x");
        Path dir = Files.createDirectories(tmp.resolve("venv/bin"));
        Files.createSymbolicLink(dir.resolve("python"), outside.resolve("keep"));
        Files.createSymbolicLink(dir.resolve("lib"), outside);

        VenvCache.deleteTree(tmp.resolve("venv"));

        assertFalse(Files.exists(tmp.resolve("venv")));
        assertTrue(Files.exists(outside.resolve("keep")));
    }
}
