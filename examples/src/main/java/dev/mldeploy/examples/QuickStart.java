package dev.mldeploy.examples;

import dev.mldeploy.DeployResult;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.PlacementDecision;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The first five minutes: deploys the bundled sentiment model to the local target (a {@code python3} process on
 * 127.0.0.1, no cloud account), invokes it, prints the prediction and where the model would run in AWS at what
 * monthly cost, and undeploys it.
 *
 * <pre>
 * java -cp examples/target/mldeploy-cli.jar dev.mldeploy.examples.QuickStart [MODEL_DIR]
 * ./mldeploy quickstart          # the same flow from the command-line tool
 * </pre>
 *
 * <p>The README's first-five-minutes snippet is the region of {@link #run} between the snippet markers; a test
 * fails when the two differ.
 *
 * <p>Stateless; {@link #run} is as thread-safe as the deployer it is given.
 */
public final class QuickStart {
    /** Where the sample model lives, relative to the repository root. */
    public static final Path SAMPLE_MODEL = Path.of("examples", "models", "sentiment");

    private QuickStart() {
    }

    public static void main(String[] args) {
        Path modelDir = args.length > 0 ? Path.of(args[0]) : sampleModel();
        PrintWriter out = new PrintWriter(System.out, true);
        try (ModelDeployer deployer = ModelDeployer.create()) {
            run(deployer, modelDir, out);
        }
    }

    /**
     * Deploys the model in {@code modelDir} with {@code deployer}, invokes it once, prints the prediction and the
     * placement decision to {@code out}, and undeploys it (also when something fails on the way).
     */
    public static void run(ModelDeployer deployer, Path modelDir, PrintWriter out) {
        try {
            // snippet:first-five-minutes
            ModelSpec spec = ModelSpec.fromDirectory(modelDir);    // examples/models/sentiment: inference.py, weights
            DeployResult deployed = deployer.deploy(spec);         // local target: python3 on 127.0.0.1, a free port
            out.println(deployed.message());

            try (InferenceClient client = deployer.client(spec.name())) {
                String answer = client.invokeJson("{\"text\": \"What a lovely day\"}");
                out.println("prediction: " + answer);              // {"label": "positive", "score": 0.78}
            }

            PlacementDecision placement = deployer.plan(spec);     // where it would run in AWS, at what cost
            out.println(placement.explanation());

            deployer.undeploy(spec.name());                        // stops the process, frees the port
            // end-snippet
        } catch (RuntimeException e) {
            cleanUp(deployer, modelDir, e);
            throw e;
        }
    }

    /** Undeploys what a failed run may have left, keeping {@code failure} as the error to report. */
    private static void cleanUp(ModelDeployer deployer, Path modelDir, RuntimeException failure) {
        Path name = modelDir.toAbsolutePath().normalize().getFileName();
        if (name == null || !ModelSpec.NAME_PATTERN.matcher(name.toString()).matches()) {
            return; // the spec was refused: nothing was deployed
        }
        try {
            deployer.undeploy(name.toString());
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * The sample model: {@code examples/models/sentiment} under the current directory, or under the repository
     * named by the system property {@code mldeploy.repo} (the {@code ./mldeploy} script sets it).
     */
    public static Path sampleModel() {
        String repo = System.getProperty("mldeploy.repo");
        if (repo != null && Files.isDirectory(Path.of(repo).resolve(SAMPLE_MODEL))) {
            return Path.of(repo).resolve(SAMPLE_MODEL);
        }
        return SAMPLE_MODEL;
    }
}
