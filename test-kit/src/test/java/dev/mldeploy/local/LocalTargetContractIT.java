package dev.mldeploy.local;

import dev.mldeploy.ModelDeployer;
import dev.mldeploy.kit.TargetContractKit;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compatibility kit on core's local target, found by ServiceLoader, with its own MLDEPLOY_HOME. It lives in the
 * kit's module because core's tests cannot depend on the kit, which depends on core. The local target runs the
 * model, so it serves every case.
 */
class LocalTargetContractIT extends TargetContractKit {
    @TempDir
    Path home;

    /** The deployer's environment besides MLDEPLOY_HOME. */
    Map<String, String> environment() {
        return Map.of();
    }

    @Override
    protected ModelDeployer newDeployer() {
        Map<String, String> env = new HashMap<>(environment());
        env.put(LocalTarget.ENV_HOME, home.toString());
        return ModelDeployer.builder().environment(env).build();
    }

    @Override
    protected String targetName() {
        return LocalTarget.NAME;
    }

    @Override
    protected void assertNothingLeft() {
        LocalTestSupport.assertNoProcessUnder(home);
    }
}
