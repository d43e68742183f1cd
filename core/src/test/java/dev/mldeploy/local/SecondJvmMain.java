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
 *   <li>{@code deploy HOME NAME MODEL_DIR [KEY=VALUE ...]}: deploys (the spec's environment from the pairs), prints {@code DEPLOYED <change> <pid>} and exits.</li>
 *   <li>{@code invoke-undeploy HOME NAME JSON}: prints {@code ANSWER <json>}, undeploys, prints
 *       {@code UNDEPLOYED <true|false>}.</li>
 *   <li>{@code deploy-stop-at HOME NAME MODEL_DIR POINT [KEY=VALUE ...]}: deploys (the spec's environment from the
 *       pairs) and, at the progress event {@code POINT} names ({@value #BEFORE_SPAWN}, {@value #RECORDED},
 *       {@value #LOADING}, {@value #READY}), prints {@code AT <POINT>} and hangs there, for the test to kill it.</li>
 * </ul>
 * Exits 1 with the exception on stderr when anything fails.
 */
public final class SecondJvmMain {
    /** Just before the python process is spawned. */
    static final String BEFORE_SPAWN = "before-spawn";
    /** The process is spawned and recorded in the state, but has not had its token yet. */
    static final String RECORDED = "recorded";
    /** The process answers GET /ping with 503: model_fn runs. */
    static final String LOADING = "loading";
    /** The process answers GET /ping with 200. */
    static final String READY = "ready";

    private SecondJvmMain() {
    }

    static boolean at(String point, dev.mldeploy.ProgressEvent e) {
        return switch (point) {
            case BEFORE_SPAWN -> e.phase().equals("start") && e.message().startsWith("starting ");
            case RECORDED -> e.phase().equals("start") && e.status().equals("recorded");
            case LOADING -> e.phase().equals("health-check") && e.status().startsWith("loading");
            case READY -> e.phase().equals("start") && e.status().equals("ready");
            default -> throw new IllegalArgumentException("unknown point " + point);
        };
    }

    /**
     * {@code lock-loop ROOT NAME N}: takes and releases the state lock N times; while holding it, creates
     * {@code ROOT/holder} exclusively and deletes it again. Prints {@code OVERLAPS <count>}: how often another
     * process held the lock at the same time.
     */
    static void lockLoop(String[] args) throws java.io.IOException {
        Path root = Path.of(args[1]);
        Path holder = root.resolve("holder");
        int overlaps = 0;
        dev.mldeploy.spi.DeployContext ctx = dev.mldeploy.spi.DeployContext.of(args[2], "local",
                dev.mldeploy.ProgressListener.none(), java.time.Duration.ofMinutes(2));
        for (int i = 0; i < Integer.parseInt(args[3]); i++) {
            try (StateLock lock = StateLock.acquire(root, args[2], ctx)) {
                try {
                    java.nio.file.Files.createFile(holder);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    overlaps++;
                    continue;
                }
                Thread.onSpinWait();
                java.nio.file.Files.delete(holder);
            }
        }
        System.out.println("OVERLAPS " + overlaps);
    }

    public static void main(String[] args) {
        if (args[0].equals("lock-loop")) {
            try {
                lockLoop(args);
            } catch (java.io.IOException | RuntimeException e) {
                e.printStackTrace();
                System.exit(1);
            }
            System.exit(0);
        }
        Map<String, String> env = new java.util.HashMap<>(Map.of(LocalTarget.ENV_HOME, args[1]));
        if (System.getenv(LocalTarget.ENV_PASS_ENV) != null) {
            env.put(LocalTarget.ENV_PASS_ENV, System.getenv(LocalTarget.ENV_PASS_ENV));
        }
        try (ModelDeployer deployer = ModelDeployer.builder().environment(env).build()) {
            switch (args[0]) {
                case "deploy" -> {
                    ModelSpec.Builder spec = ModelSpec.builder(args[2]).source(Path.of(args[3]));
                    for (int i = 4; i < args.length; i++) {
                        String[] kv = args[i].split("=", 2);
                        spec.putEnvironment(kv[0], kv[1]);
                    }
                    DeployResult r = deployer.deploy(spec.build());
                    System.out.println("DEPLOYED " + r.change() + " " + r.deployment().attributes().get("pid"));
                }
                case "invoke-undeploy" -> {
                    try (InferenceClient client = deployer.client(args[2])) {
                        System.out.println("ANSWER " + client.invokeJson(args[3]));
                    }
                    System.out.println("UNDEPLOYED " + deployer.undeploy(args[2]));
                }
                case "deploy-stop-at" -> {
                    ModelSpec.Builder spec = ModelSpec.builder(args[2]).source(Path.of(args[3]));
                    for (int i = 5; i < args.length; i++) {
                        String[] kv = args[i].split("=", 2);
                        spec.putEnvironment(kv[0], kv[1]);
                    }
                    deployer.deploy(spec.build(), dev.mldeploy.DeployOptions.builder().progressListener(e -> {
                        if (at(args[4], e)) {
                            System.out.println("AT " + args[4]);
                            System.out.flush();
                            try {
                                Thread.sleep(Long.MAX_VALUE);
                            } catch (InterruptedException ie) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }).timeout(java.time.Duration.ofMinutes(5)).build());
                    System.out.println("DEPLOYED without stopping at " + args[4]);
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
