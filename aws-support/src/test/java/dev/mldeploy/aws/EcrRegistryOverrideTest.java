package dev.mldeploy.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.spi.TargetContext;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EcrRegistryOverrideTest {
    @Test
    void from_whenUnset_isEmpty() {
        assertEquals(Optional.empty(), EcrRegistryOverride.from(new TargetContext(Map.of())));
    }

    @Test
    void parse_whenLoopback_keepsSchemeHostAndPort() {
        assertEquals(URI.create("http://127.0.0.1:5000"), EcrRegistryOverride.parse("http://127.0.0.1:5000/"));
        assertEquals(URI.create("http://localhost:80"), EcrRegistryOverride.parse(" http://localhost:80 "));
        assertEquals(URI.create("https://[::1]:443"), EcrRegistryOverride.parse("https://[::1]:443"));
    }

    @Test
    void parse_whenRemoteHost_refusesNamingTheKey() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> EcrRegistryOverride.parse("http://registry.example.com:5000"));
        assertTrue(e.getMessage().startsWith(EcrRegistryOverride.KEY + "="), e.getMessage());
        assertTrue(e.getMessage().contains("tests only"), e.getMessage());
        assertThrows(InvalidConfigurationException.class, () -> EcrRegistryOverride.parse("http://10.0.0.1:5000"));
    }

    @Test
    void parse_whenNotAnHttpUrl_refuses() {
        assertThrows(InvalidConfigurationException.class, () -> EcrRegistryOverride.parse("127.0.0.1:5000"));
        assertThrows(InvalidConfigurationException.class, () -> EcrRegistryOverride.parse("ftp://127.0.0.1"));
        assertThrows(InvalidConfigurationException.class, () -> EcrRegistryOverride.parse("http://127.0.0.1/v2/"));
        assertThrows(InvalidConfigurationException.class, () -> EcrRegistryOverride.parse("http://[bad"));
    }
}
