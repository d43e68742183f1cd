package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeploymentNotFoundException;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.NoPreviousVersionException;
import dev.mldeploy.ProgressListener;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.Target;
import dev.mldeploy.spi.TargetContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rollback refusals on the local target, before any process is touched (no Python needed). */
class LocalRollbackTest {
    @TempDir
    Path home;
    @TempDir
    Path models;

    private Target target() {
        return new LocalTargetProvider().create(new TargetContext(Map.of(LocalTarget.ENV_HOME, home.toString())));
    }

    private static DeployContext ctx(String name) {
        return DeployContext.of(name, "local", ProgressListener.none(), DeployOptions.DEFAULT_TIMEOUT);
    }

    /** A recorded deployment whose process (a pid that runs nothing of ours) is not running. */
    private LocalState recorded(String name, LocalState.Version previous) throws Exception {
        Path dir = home.resolve("local").resolve(name);
        Files.createDirectories(dir);
        LocalState s = new LocalState(name, Integer.MAX_VALUE - 7, Instant.parse("2026-01-01T00:00:00Z"), 50123,
                "2".repeat(64), LocalTarget.Contract.SAGEMAKER, Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T00:00:00Z"), dir.resolve("server.log"), models, LocalTarget.DEFAULT_PYTHON,
                20_000, "ab".repeat(32), Map.of(), previous);
        s.write(dir);
        return s;
    }

    @Test
    void rollback_whenNoDeployment_failsWithNotFound() {
        try (Target t = target()) {
            assertThrows(DeploymentNotFoundException.class, () -> t.rollback("none", ctx("none")));
            assertThrows(DeploymentNotFoundException.class, () -> t.rollback("../outside", ctx("x")));
        }
    }

    @Test
    void rollback_whenDeployedOnce_failsWithNoPreviousVersionAndKeepsTheState() throws Exception {
        LocalState s = recorded("once", null);
        try (Target t = target()) {
            NoPreviousVersionException e = assertThrows(NoPreviousVersionException.class,
                    () -> t.rollback("once", ctx("once")));
            assertTrue(e.getMessage().contains("has no previous version recorded"), e.getMessage());
        }
        assertEquals(s, LocalState.read(home.resolve("local").resolve("once")).orElseThrow());
    }

    @Test
    void rollback_whenThePreviousSourceIsGone_failsNamingTheMissingDirectoryAndKeepsTheState() throws Exception {
        Path gone = models.resolve("deleted-model");
        LocalState s = recorded("moved", new LocalState.Version("1".repeat(64), gone, Map.of(), 20_000,
                LocalTarget.Contract.SAGEMAKER, LocalTarget.DEFAULT_PYTHON));
        try (Target t = target()) {
            NoPreviousVersionException e = assertThrows(NoPreviousVersionException.class,
                    () -> t.rollback("moved", ctx("moved")));
            assertTrue(e.getMessage().contains("model directory " + gone + " no longer exists"), e.getMessage());
        }
        assertEquals(s, LocalState.read(home.resolve("local").resolve("moved")).orElseThrow());
    }

    @Test
    void rollback_whenThePreviousSourceIsNoLongerAModel_failsSayingWhy() throws Exception {
        Path empty = Files.createDirectories(models.resolve("emptied"));
        recorded("emptied", new LocalState.Version("1".repeat(64), empty, Map.of(), 20_000,
                LocalTarget.Contract.SAGEMAKER, LocalTarget.DEFAULT_PYTHON));
        try (Target t = target()) {
            NoPreviousVersionException e = assertThrows(NoPreviousVersionException.class,
                    () -> t.rollback("emptied", ctx("emptied")));
            assertTrue(e.getMessage().contains(empty + " can no longer be served"), e.getMessage());
            assertTrue(e.getMessage().contains("inference.py"), e.getMessage());
        }
    }

    @Test
    void rollback_whenThePreviousVersionRanOnAnotherContract_failsSayingHowToConfigure() throws Exception {
        recorded("other", new LocalState.Version("1".repeat(64), models, Map.of(), 20_000,
                LocalTarget.Contract.LAMBDA, LocalTarget.DEFAULT_PYTHON));
        try (Target t = target()) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> t.rollback("other", ctx("other")));
            assertTrue(e.getMessage().contains("ran with contract lambda"), e.getMessage());
        }
    }
}
