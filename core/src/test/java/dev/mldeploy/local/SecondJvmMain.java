package dev.mldeploy.local;

import dev.mldeploy.DeployResult;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import java.nio.file.Path;
import java.util.Map;

/**
 * Run by {@link LocalTargetIT} in a second JVM, to show that local deployments outlive the JVM that made them:
 * <ul>
 *   <li>{@code deploy HOME NAME MODEL_DIR}: deploys, prints {@code DEPLOYED <change> <pid>} and exits.</li>
 *   <li>{@code invoke-undeploy HOME NAME JSON}: prints {@code ANSWER <json>}, undeploys, prints
 *       {@code UNDEPLOYED <true|false>}.</li>
 * </ul>
 * Exits 1 with the exception on stderr when anything fails.
 */
public final class SecondJvmMain {
    private SecondJvmMain() {
    }

    public static void main(String[] args) {
        try (ModelDeployer deployer = ModelDeployer.builder()
                .environment(Map.of(LocalTarget.ENV_HOME, args[1])).build()) {
            switch (args[0]) {
                case "deploy" -> {
                    DeployResult r = deployer.deploy(ModelSpec.builder(args[2]).source(Path.of(args[3])).build());
                    System.out.println("DEPLOYED " + r.change() + " " + r.deployment().attributes().get("pid"));
                }
                case "invoke-undeploy" -> {
                    try (InferenceClient client = deployer.client(args[2])) {
                        System.out.println("ANSWER " + client.invokeJson(args[3]));
                    }
                    System.out.println("UNDEPLOYED " + deployer.undeploy(args[2]));
                }
                default -> throw new IllegalArgumentException("unknown mode " + args[0]);
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }
}
