package dev.mldeploy.python;

import dev.mldeploy.Architecture;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

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
}
