package dev.mldeploy.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidConfigurationException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryCredentialsTest {
    @TempDir
    Path tmp;

    private Path config(String json) throws Exception {
        return Files.writeString(tmp.resolve("config.json"), json);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void dockerConfig_auth_isDecodedForItsRegistryOnly() throws Exception {
        RegistryCredentials c = RegistryCredentials.dockerConfig(config("{\"auths\": {"
                + "\"https://123.dkr.ecr.eu-west-1.amazonaws.com\": {\"auth\": \"" + b64("AWS:tok:en") + "\"},"
                + "\"127.0.0.1:5000\": {\"username\": \"u\", \"password\": \"p\"}}}"));
        assertEquals(Optional.of(new RegistryCredential("AWS", "tok:en")),
                c.lookup("123.dkr.ecr.eu-west-1.amazonaws.com"));
        assertEquals(Optional.of(new RegistryCredential("u", "p")), c.lookup("127.0.0.1:5000"));
        assertEquals(Optional.empty(), c.lookup("other.example.com"));
    }

    @Test
    void dockerConfig_hubEntry_matchesDockerHub() throws Exception {
        RegistryCredentials c = RegistryCredentials.dockerConfig(config("{\"auths\": {"
                + "\"https://index.docker.io/v1/\": {\"auth\": \"" + b64("me:pw") + "\"}}}"));
        assertEquals("me", c.lookup(ImageReference.DOCKER_HUB).orElseThrow().username());
    }

    @Test
    void dockerConfig_missingFile_isAnonymous_malformed_isTyped() throws Exception {
        assertEquals(Optional.empty(), RegistryCredentials.dockerConfig(tmp.resolve("none.json")).lookup("x"));
        RegistryCredentials bad = RegistryCredentials.dockerConfig(config("{not json"));
        assertThrows(InvalidConfigurationException.class, () -> bad.lookup("x"));
        RegistryCredentials badAuth = RegistryCredentials.dockerConfig(config("{\"auths\": {\"x\": {\"auth\": \""
                + b64("nocolon") + "\"}}}"));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> badAuth.lookup("x"));
        assertFalse(e.getMessage().contains("nocolon"), "no credential in a message");
    }

    @Test
    void environment_appliesToTheNamedRegistry_orToAnyWhenUnnamed() {
        RegistryCredentials any = RegistryCredentials.environment(Map.of("MLDEPLOY_REGISTRY_USERNAME", "u",
                "MLDEPLOY_REGISTRY_PASSWORD", "p"));
        assertTrue(any.lookup("a.example.com").isPresent());
        RegistryCredentials one = RegistryCredentials.environment(Map.of("MLDEPLOY_REGISTRY_USERNAME", "u",
                "MLDEPLOY_REGISTRY_PASSWORD", "p", "MLDEPLOY_REGISTRY", "B.example.com"));
        assertTrue(one.lookup("b.example.com").isPresent());
        assertFalse(one.lookup("a.example.com").isPresent());
        assertFalse(RegistryCredentials.environment(Map.of("MLDEPLOY_REGISTRY_USERNAME", "u")).lookup("a")
                .isPresent(), "a user without a password gives nothing");
    }

    @Test
    void firstOf_takesTheFirstSourceThatHasOne_andToStringHidesThePassword() {
        RegistryCredentials c = RegistryCredentials.firstOf(RegistryCredentials.none(),
                RegistryCredentials.basic("u", "secret"));
        RegistryCredential found = c.lookup("x").orElseThrow();
        assertEquals("u", found.username());
        assertFalse(found.toString().contains("secret"));
    }
}
