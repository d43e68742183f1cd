package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.spi.Target;
import dev.mldeploy.spi.TargetContext;
import dev.mldeploy.spi.TargetProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** ServiceLoader discovery and configuration from the environment keys the CLI sets. */
class LambdaTargetProviderTest {

    @Test
    void serviceLoader_findsTheLambdaProvider() {
        List<TargetProvider> found = ServiceLoader.load(TargetProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("lambda")).toList();
        assertEquals(1, found.size());
        assertTrue(found.get(0) instanceof LambdaTargetProvider);
        assertTrue(found.get(0).packager().isPresent(), "'mldeploy package --target lambda' works");
        try (ModelDeployer d = ModelDeployer.builder().defaultTarget("lambda").environment(Map.of()).build()) {
            assertTrue(d.targets().contains("lambda"), d.targets().toString());
        }
    }

    @Test
    void serviceLoader_andOf_areTheOneProviderClass_andTheTargetIsConfigurationOnly() {
        TargetProvider found = ServiceLoader.load(TargetProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("lambda")).findFirst().orElseThrow();
        TargetProvider explicit = LambdaTargetProvider.of(LambdaTarget.builder().build());
        assertEquals(found.getClass(), explicit.getClass());
        assertEquals(found.name(), explicit.name());
        assertEquals(found.placementProfiles().toString(), explicit.placementProfiles().toString());
        assertTrue(explicit.packager().isPresent());
        assertFalse(TargetProvider.class.isAssignableFrom(LambdaTarget.class), "LambdaTarget is configuration");
    }

    @Test
    void of_createsWithTheGivenConfiguration_notTheEnvironmentsKeys() {
        // the environment asks for a role ARN and a new role at once: the discovered provider refuses, the
        // explicit one deploys with its own configuration and takes only the clients' region from the environment
        TargetContext env = new TargetContext(Map.of("MLDEPLOY_ROLE_ARN", "arn:aws:iam::123456789012:role/x",
                "MLDEPLOY_LAMBDA_CREATE_ROLE", "true", "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "k",
                "AWS_SECRET_ACCESS_KEY", "s", "AWS_ENDPOINT_URL", "http://127.0.0.1:9"));
        assertThrows(InvalidConfigurationException.class, () -> new LambdaTargetProvider().create(env));
        try (Target t = LambdaTargetProvider.of(LambdaTarget.builder().createRole(true).build()).create(env)) {
            assertEquals("lambda", t.name());
        }
    }

    @Test
    void of_deployerTakesTheExplicitProvider_withoutDiscovery() {
        try (ModelDeployer d = ModelDeployer.builder().discoverProviders(false)
                .provider(LambdaTargetProvider.of(LambdaTarget.builder().region("us-east-1").build()))
                .defaultTarget("lambda").environment(Map.of()).build()) {
            assertTrue(d.targets().contains("lambda"), d.targets().toString());
        }
    }

    @Test
    void configure_readsEveryEnvironmentKey() {
        LambdaTarget t = LambdaTargetProvider.configure(new TargetContext(Map.of(
                "MLDEPLOY_ROLE_ARN", "arn:aws:iam::123456789012:role/exec", "MLDEPLOY_BUCKET", "pkgs",
                "MLDEPLOY_CREATE_BUCKET", "true", "MLDEPLOY_LAMBDA_PROVISIONED_CONCURRENCY", "2",
                "MLDEPLOY_LAMBDA_RUNTIME", "python3.13")));
        assertEquals("arn:aws:iam::123456789012:role/exec", t.roleArn().orElseThrow());
        assertFalse(t.createRole());
        assertEquals("pkgs", t.bucket().orElseThrow());
        assertTrue(t.createBucket());
        assertEquals(2, t.provisionedConcurrency());
        assertEquals("python3.13", t.runtime().orElseThrow());

        LambdaTarget created = LambdaTargetProvider.configure(new TargetContext(Map.of(
                "MLDEPLOY_LAMBDA_CREATE_ROLE", "true")));
        assertTrue(created.createRole());
        assertTrue(created.roleArn().isEmpty());
        assertEquals(0, created.provisionedConcurrency());
        assertTrue(created.runtime().isEmpty(), "the spec's Python version decides");
    }

    @Test
    void configure_readsThePythonAndPipKeys_forTheDependencyLayer() {
        LambdaTarget t = LambdaTargetProvider.configure(new TargetContext(Map.of("MLDEPLOY_PYTHON", "/opt/py/bin/python3",
                "PIP_FIND_LINKS", "/wheels", "PIP_NO_INDEX", "1", "HOME", "/root")));
        assertEquals("/opt/py/bin/python3", t.python().orElseThrow());
        assertEquals(Map.of("PIP_FIND_LINKS", "/wheels", "PIP_NO_INDEX", "1"), t.pipEnvironment(),
                "only pip's keys go to pip");
        assertTrue(LambdaTargetProvider.configure(new TargetContext(Map.of())).python().isEmpty(), "python3 then");
    }

    @Test
    void configure_readsTheHome_whoseResolutionsDirectoryCachesTheLayers() {
        LambdaTarget t = LambdaTargetProvider.configure(new TargetContext(Map.of("MLDEPLOY_HOME", "/srv/mldeploy")));
        assertEquals(java.nio.file.Path.of("/srv/mldeploy"), t.home());
        assertEquals(java.nio.file.Path.of("/srv/mldeploy/resolutions"), t.dependencyCache());
        assertEquals(java.nio.file.Path.of(System.getProperty("user.home"), ".mldeploy", "resolutions"),
                LambdaTargetProvider.configure(new TargetContext(Map.of())).dependencyCache(), "~/.mldeploy then");
        assertEquals(t.home(), t.toBuilder().build().home(), "toBuilder keeps it");
    }

    @Test
    void build_whenPythonBlankOrPipKeyForeign_refusesNamingTheSetting() {
        InvalidConfigurationException blank = assertThrows(InvalidConfigurationException.class,
                () -> LambdaTarget.builder().python(" ").build());
        assertTrue(blank.getMessage().contains("MLDEPLOY_PYTHON"), blank.getMessage());
        InvalidConfigurationException foreign = assertThrows(InvalidConfigurationException.class,
                () -> LambdaTarget.builder().pipEnvironment(Map.of("PATH", "/bin")).build());
        assertTrue(foreign.getMessage().contains("only PIP_* keys"), foreign.getMessage());
    }

    @Test
    void configure_rejectsMalformedValues() {
        assertThrows(InvalidConfigurationException.class, () -> LambdaTargetProvider.configure(new TargetContext(
                Map.of("MLDEPLOY_LAMBDA_PROVISIONED_CONCURRENCY", "many"))));
        assertThrows(InvalidConfigurationException.class, () -> LambdaTargetProvider.configure(new TargetContext(
                Map.of("MLDEPLOY_LAMBDA_CREATE_ROLE", "perhaps"))));
        assertThrows(InvalidConfigurationException.class, () -> LambdaTargetProvider.configure(new TargetContext(
                Map.of("MLDEPLOY_ROLE_ARN", "arn:aws:iam::123456789012:role/x", "MLDEPLOY_LAMBDA_CREATE_ROLE",
                        "true"))));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> new LambdaTargetProvider().create(new TargetContext(Map.of("MLDEPLOY_ROLE_ARN", "role",
                        "AWS_REGION", "us-east-1"))));
        assertTrue(e.getMessage().contains("MLDEPLOY_ROLE_ARN"), e.getMessage());
    }

    @Test
    void configure_readsTheCliTimeoutKeys_intoCallAndOperationTimeouts() {
        LambdaTarget t = LambdaTargetProvider.configure(new TargetContext(Map.of(
                TargetContext.CALL_TIMEOUT, "PT10S", TargetContext.TIMEOUT, "2m")));
        assertEquals(Duration.ofSeconds(10), t.callTimeout().orElseThrow());
        assertEquals(Duration.ofMinutes(2), t.operationTimeout().orElseThrow());

        LambdaTarget unset = LambdaTargetProvider.configure(new TargetContext(Map.of()));
        assertTrue(unset.callTimeout().isEmpty());
        assertTrue(unset.operationTimeout().isEmpty());

        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> LambdaTargetProvider.configure(new TargetContext(Map.of(TargetContext.CALL_TIMEOUT, "soon"))));
        assertTrue(e.getMessage().contains("MLDEPLOY_CALL_TIMEOUT"), e.getMessage());
    }
}
