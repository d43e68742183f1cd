package dev.mldeploy.local;

import dev.mldeploy.ModelDeployer;
import dev.mldeploy.kit.TargetContractKit;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The target contract, on the local target found by ServiceLoader, with its own MLDEPLOY_HOME. */
class LocalTargetContractIT extends TargetContractKit {
    @TempDir
    Path home;

    @Override
    protected ModelDeployer newDeployer() {
        return ModelDeployer.builder().environment(Map.of(LocalTarget.ENV_HOME, home.toString())).build();
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
