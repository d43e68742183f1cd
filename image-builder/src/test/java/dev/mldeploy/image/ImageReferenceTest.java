package dev.mldeploy.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {
    private static final String DIGEST = "sha256:" + "a".repeat(64);

    @Test
    void parse_ecrReferenceWithTag_splitsRegistryRepositoryAndTag() {
        ImageReference r = ImageReference.parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com/models/iris:v1");
        assertEquals("123456789012.dkr.ecr.eu-west-1.amazonaws.com", r.registry());
        assertEquals("models/iris", r.repository());
        assertEquals("v1", r.tag());
        assertEquals("", r.digest());
        assertEquals("123456789012.dkr.ecr.eu-west-1.amazonaws.com/models/iris:v1", r.toString());
    }

    @Test
    void parse_byDigest_keepsNoTag() {
        ImageReference r = ImageReference.parse("public.ecr.aws/lambda/python@" + DIGEST);
        assertEquals("", r.tag());
        assertEquals(DIGEST, r.digest());
        assertEquals("public.ecr.aws/lambda/python@" + DIGEST, r.toString());
    }

    @Test
    void parse_loopbackWithPort_isLoopback() {
        assertTrue(ImageReference.parse("127.0.0.1:5000/a/b:1").isLoopback());
        assertTrue(ImageReference.parse("localhost:5000/a").isLoopback());
        assertTrue(ImageReference.parse("[::1]:5000/a").isLoopback());
        assertEquals("::1", ImageReference.parse("[::1]:5000/a").host());
        assertFalse(ImageReference.parse("127.0.0.2:5000/a").isLoopback());
        assertFalse(ImageReference.parse("registry.example.com/a").isLoopback());
        assertFalse(ImageReference.parse("localhost.example.com/a").isLoopback());
    }

    @Test
    void parse_withoutRegistryOrTag_isDockerHubLatest() {
        ImageReference r = ImageReference.parse("python");
        assertEquals(ImageReference.DOCKER_HUB, r.registry());
        assertEquals("library/python", r.repository());
        assertEquals("latest", r.tag());
    }

    @Test
    void withDigest_dropsTheTag() {
        ImageReference r = ImageReference.parse("127.0.0.1:5000/a:1").withDigest(DIGEST);
        assertEquals("127.0.0.1:5000/a@" + DIGEST, r.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " python", "Upper/case:1", "a//b", "repo:", "repo:-bad", "repo@sha256:short",
            "repo@md5:" + "a", "host:port/x", "a/b c", "a/../b"})
    void parse_malformed_throwsInvalidImageException(String ref) {
        assertThrows(InvalidImageException.class, () -> ImageReference.parse(ref));
    }
}
