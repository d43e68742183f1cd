package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.bundle.AdapterNameCollisionException;
import dev.mldeploy.bundle.PackageEntryNames;
import dev.mldeploy.kit.HostileNames;
import dev.mldeploy.kit.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local target applies the same entry-name rule as the archives, before it starts anything. */
class LocalPackageSafetyTest {
    @TempDir
    Path tmp;

    @Test
    void deploy_whenTheModelHasAHostileFileName_isRefusedNamingIt_andLeavesNothing() {
        Path model = TestModels.copy(TestModels.ECHO, tmp);
        List<String> hostile = HostileNames.createJavaNames(model);
        Path home = tmp.resolve("home");

        try (ModelDeployer deployer = ModelDeployer.builder()
                .environment(Map.of(LocalTarget.ENV_HOME, home.toString())).build()) {
            InvalidSpecException e = assertThrows(InvalidSpecException.class,
                    () -> deployer.deploy(ModelSpec.builder("hostile").source(model).build()));

            assertTrue(e.getMessage().contains(PackageEntryNames.display(hostile.get(0))), e.getMessage());
            assertEquals(List.of(), deployer.list());
        }
        assertFalse(Files.exists(home.resolve("local").resolve("hostile")), "no state for the refused deploy");
    }

    @Test
    void deploy_whenTheModelHasAFileNamedLikeAnAdapterFile_isRefusedNamingBoth_andLeavesNothing() throws Exception {
        Path model = TestModels.copy(TestModels.ECHO, tmp);
        Files.createDirectories(model.resolve("mldeploy_adapter"));
        Files.writeString(model.resolve("mldeploy_adapter/hooks.py"), "# would shadow the adapter's");
        Path home = tmp.resolve("home");

        try (ModelDeployer deployer = ModelDeployer.builder()
                .environment(Map.of(LocalTarget.ENV_HOME, home.toString())).build()) {
            AdapterNameCollisionException e = assertThrows(AdapterNameCollisionException.class,
                    () -> deployer.deploy(ModelSpec.builder("collides").source(model).build()));

            assertEquals(model.resolve("mldeploy_adapter/hooks.py").toAbsolutePath().normalize(), e.modelFile());
            assertEquals("mldeploy_adapter/hooks.py", e.adapterEntry());
            assertEquals(List.of(), deployer.list());
        }
        assertFalse(Files.exists(home.resolve("local").resolve("collides")), "no state for the refused deploy");
    }
}
