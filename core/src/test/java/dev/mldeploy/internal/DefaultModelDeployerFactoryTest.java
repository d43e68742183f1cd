package dev.mldeploy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelDeployerFactory;
import dev.mldeploy.TargetPlugin;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class DefaultModelDeployerFactoryTest {

    @Test
    void serviceLoader_findsCoresFactory_andNoOther() {
        List<Class<?>> found = ServiceLoader.load(ModelDeployerFactory.class).stream()
                .<Class<?>>map(ServiceLoader.Provider::type).toList();

        assertEquals(List.of(DefaultModelDeployerFactory.class), found);
    }

    @Test
    void build_returnsTheDeployerTheFactoryMakes_withTheBuildersSettings() {
        try (ModelDeployer d = ModelDeployer.builder().defaultTarget(ModelDeployer.AUTO).discoverProviders(false)
                .environment(Map.of()).build()) {
            assertInstanceOf(DefaultModelDeployer.class, d);
            assertEquals(ModelDeployer.AUTO, d.defaultTarget());
        }
    }

    @Test
    void build_withAPluginThatIsNoTargetProvider_isRefusedNamingIt() {
        TargetPlugin stranger = new TargetPlugin() {
            @Override
            public String name() {
                return "stranger";
            }

            @Override
            public String description() {
                return "not a provider";
            }
        };
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () ->
                ModelDeployer.builder().discoverProviders(false).environment(Map.of()).provider(stranger).build());
        assertTrue(e.getMessage().contains("'stranger'") && e.getMessage().contains("TargetProvider"),
                e.getMessage());
    }
}
