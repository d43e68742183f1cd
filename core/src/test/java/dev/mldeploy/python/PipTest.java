package dev.mldeploy.python;

import dev.mldeploy.OperationTimeoutException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipTest {
    private static final Path PYTHON = Path.of(System.getenv().getOrDefault("MLDEPLOY_PYTHON", "python3"));

    @Test
    void redact_removesCredentialsFromUrls() {
        assertEquals("Looking in indexes: https://***@pypi.example.com/simple",
                Pip.redact("Looking in indexes: https://alice:s3cret@pypi.example.com/simple"));
        assertEquals("no url here", Pip.redact("no url here"));
    }

    @Test
    void run_streamsRedactedLinesAndKeepsTheTail() {
        List<String> lines = new ArrayList<>();
        Pip.Result r = new Pip(PYTHON).run(List.of("-c",
                "import sys\nfor i in range(40): print('line', i)\nprint('https://u:p@h/x')\nsys.exit(3)"),
                Map.of(), Duration.ofMinutes(1), lines::add);
        assertEquals(3, r.exitCode());
        assertFalse(r.succeeded());
        assertEquals(41, lines.size());
        assertEquals(Pip.TAIL_LINES, r.tail().size());
        assertEquals("https://***@h/x", r.tail().get(r.tail().size() - 1));
        DependencyInstallException e = assertThrows(DependencyInstallException.class, () -> r.orThrow("installing x"));
        assertTrue(e.getMessage().startsWith("installing x (pip exited with 3)"), e.getMessage());
        assertEquals(r.tail(), e.outputTail());
    }

    @Test
    void in_runsTheChildInThatDirectory() throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("pip-cwd").toRealPath();
        List<String> lines = new ArrayList<>();
        new Pip(PYTHON).in(dir).run(List.of("-c", "import os; print(os.getcwd())"), Map.of(), Duration.ofMinutes(1),
                lines::add).orThrow("printing the working directory");
        assertEquals(List.of(dir.toString()), lines);
    }

    @Test
    void run_overTheTimeout_killsTheProcessAndSaysSo() {
        OperationTimeoutException e = assertThrows(OperationTimeoutException.class, () -> new Pip(PYTHON)
                .run(List.of("-c", "import time; time.sleep(60)"), Map.of(), Duration.ofMillis(300), l -> { }));
        assertTrue(e.getMessage().contains("did not finish within"), e.getMessage());
    }

    @Test
    void run_missingInterpreter_isATypedError() {
        DependencyInstallException e = assertThrows(DependencyInstallException.class, () -> new Pip(
                Path.of("/nonexistent/python9")).run(List.of("-V"), Map.of(), Duration.ofSeconds(5), l -> { }));
        assertTrue(e.getMessage().contains("/nonexistent/python9"));
    }

    @Test
    void requirements_hashAndLines() throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("req");
        java.nio.file.Files.writeString(dir.resolve("requirements.txt"), "# deps\nnumpy>=1.0\n\n  pkg==2 \n");
        Requirements r = Requirements.find(dir).orElseThrow();
        assertEquals(List.of("numpy>=1.0", "pkg==2"), r.lines());
        assertEquals(64, r.sha256().length());
        assertTrue(Requirements.find(dir.resolve("none")).isEmpty());
    }
}
