package dev.mldeploy.python;

import dev.mldeploy.Architecture;
import dev.mldeploy.InvalidSpecException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PythonPlatformTest {

    @Test
    void lambda312_x86_64_allowsManylinux2_34DownToManylinux2014() {
        PythonPlatform p = PythonPlatform.lambda("3.12", Architecture.X86_64);
        assertEquals("x86_64", p.machine());
        assertEquals("cp312", p.abi());
        List<String> tags = p.platformTags();
        assertEquals("manylinux_2_34_x86_64", tags.get(0));
        assertEquals("manylinux_2_17_x86_64", tags.get(tags.size() - 2));
        assertEquals("manylinux2014_x86_64", tags.get(tags.size() - 1));
        assertEquals(34 - 17 + 2, tags.size());
        assertFalse(tags.contains("manylinux_2_35_x86_64"));
        assertFalse(tags.stream().anyMatch(t -> t.startsWith("linux_")), "a build for one machine is never Lambda's");
    }

    @Test
    void lambda311_arm64_stopsAtAmazonLinux2sGlibc226() {
        PythonPlatform p = PythonPlatform.lambda("3.11", Architecture.ARM64);
        assertEquals("aarch64", p.machine());
        assertEquals("cp311", p.abi());
        assertEquals("manylinux_2_26_aarch64", p.platformTags().get(0));
        assertFalse(p.platformTags().contains("manylinux_2_28_aarch64"));
        assertTrue(p.platformTags().contains("manylinux2014_aarch64"));
    }

    @Test
    void lambda313_runsOnAmazonLinux2023() {
        assertEquals("manylinux_2_34_aarch64", PythonPlatform.lambda("3.13", Architecture.ARM64).platformTags().get(0));
    }

    @Test
    void lambda_whenPythonHasNoLambdaRuntime_isRefused() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> PythonPlatform.lambda("3.8", Architecture.X86_64));
        assertTrue(e.getMessage().contains("3.9 or later"), e.getMessage());
        assertThrows(InvalidSpecException.class, () -> PythonPlatform.lambda("three", Architecture.X86_64));
    }
}
