package dev.mldeploy.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InterpreterIdentityTest {
    private static final String PYTHON = System.getenv().getOrDefault("MLDEPLOY_PYTHON", "python3");

    @Test
    void probe_reportsTheInterpretersOwnResolvedPathVersionAndPlatform() {
        InterpreterIdentity id = InterpreterIdentity.probe(PYTHON, Duration.ofMinutes(1));

        assertTrue(Path.of(id.executable()).isAbsolute() && Files.isExecutable(Path.of(id.executable())),
                id.executable());
        assertTrue(id.version().matches("3\\.\\d+\\.\\d+.*"), id.version());
        assertTrue(id.implementation().startsWith("cpython "), id.implementation());
        assertTrue(id.platform().contains(System.getProperty("os.name").toLowerCase()), id.platform());
        assertEquals(id, InterpreterIdentity.probe(PYTHON, Duration.ofMinutes(1)), "the same interpreter twice");
        assertTrue(id.canonical().contains("executable=" + id.executable() + "\n"), id.canonical());
    }

    @Test
    void probe_whenTheExecutableCannotRun_failsNamingIt() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> InterpreterIdentity.probe("/nonexistent/python3", Duration.ofMinutes(1)));

        assertTrue(e.getMessage().contains("/nonexistent/python3"), e.getMessage());
    }

    @Test
    void probe_whenTheProgramIsNoPython_failsSayingSo() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> InterpreterIdentity.probe("/bin/false", Duration.ofMinutes(1)));

        assertTrue(e.getMessage().contains("did not answer like Python 3"), e.getMessage());
    }
}
