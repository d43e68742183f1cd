package dev.mldeploy.python;

import dev.mldeploy.Architecture;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResolutionCacheTest {
    private static Requirements req(String text) {
        return new Requirements(Path.of("requirements.txt"), text.getBytes());
    }

    @Test
    void key_dependsOnTheRequirementsBytesAndThePlatform() {
        PythonPlatform x86 = PythonPlatform.lambda("3.12", Architecture.X86_64);
        String k = ResolutionCache.key(req("numpy==2.1\n"), x86);
        assertTrue(k.matches("[0-9a-f]{64}"), k);
        assertEquals(k, ResolutionCache.key(new Requirements(Path.of("elsewhere/requirements.txt"),
                "numpy==2.1\n".getBytes()), x86), "the file's place does not matter, its bytes do");
        assertNotEquals(k, ResolutionCache.key(req("numpy==2.2\n"), x86));
        assertNotEquals(k, ResolutionCache.key(req("numpy==2.1\n"), PythonPlatform.lambda("3.12", Architecture.ARM64)));
        assertNotEquals(k, ResolutionCache.key(req("numpy==2.1\n"), PythonPlatform.lambda("3.11", Architecture.X86_64)));
    }

    @TempDir
    Path tmp;

    @Test
    void resolve_whenAnotherProcessFinishedTheSameKeyFirst_keepsItsEntry() throws Exception {
        PythonPlatform x86 = PythonPlatform.lambda("3.12", Architecture.X86_64);
        Path file = tmp.resolve("requirements.txt");
        Files.writeString(file, "fake==1.0\n");
        Requirements req = new Requirements(file, Files.readAllBytes(file));
        ResolutionCache cache = new ResolutionCache(tmp.resolve("cache"));
        Path entry = cache.directory().resolve(ResolutionCache.key(req, x86));
        // a stand-in for pip: while it "installs", the other process's finished entry appears
        Path python = tmp.resolve("python");
        Files.writeString(python, "#!/bin/sh\n"
                + "mkdir -p '" + entry + "/theirs'\n"
                + "t=''\nwhile [ $# -gt 0 ]; do if [ \"$1\" = --target ]; then t=\"$2\"; fi; shift; done\n"
                + "mkdir -p \"$t/ours\"\necho 1 > \"$t/ours/x.py\"\n");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwx------"));

        ResolvedDependencies r = cache.resolve(new PlatformResolver(new Pip(python)), req, x86, Duration.ofMinutes(1),
                l -> { });

        assertEquals(entry, r.directory());
        assertTrue(Files.isDirectory(entry.resolve("theirs")), "the first entry stays");
        try (var left = Files.list(cache.directory())) {
            assertEquals(java.util.List.of(entry), left.toList(), "our partial directory is gone");
        }
    }
}
