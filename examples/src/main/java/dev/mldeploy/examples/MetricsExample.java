package dev.mldeploy.examples;

import dev.mldeploy.InferenceClient;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelErrorException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.micrometer.MeteredInferenceClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Inference metrics with the optional {@code mldeploy-micrometer} module: deploys the sample sentiment model to the
 * local target, invokes it through {@link MeteredInferenceClient} (three answers and one model error), prints what
 * the registry recorded, and undeploys it. Any {@link MeterRegistry} works the same (Prometheus, CloudWatch, ...).
 *
 * <pre>
 * java -cp examples/target/mldeploy-cli.jar dev.mldeploy.examples.MetricsExample [MODEL_DIR]
 * </pre>
 *
 * <p>Stateless; {@link #run} is as thread-safe as the deployer and registry it is given.
 */
public final class MetricsExample {
    private MetricsExample() {
    }

    public static void main(String[] args) {
        Path modelDir = args.length > 0 ? Path.of(args[0]) : QuickStart.sampleModel();
        try (ModelDeployer deployer = ModelDeployer.create()) {
            run(deployer, modelDir, new SimpleMeterRegistry(), new PrintWriter(System.out, true));
        }
    }

    /** Deploys the model in {@code modelDir}, invokes it through a metered client, prints the meters, undeploys. */
    public static void run(ModelDeployer deployer, Path modelDir, MeterRegistry registry, PrintWriter out) {
        ModelSpec spec = ModelSpec.fromDirectory(modelDir);
        deployer.deploy(spec);
        try {
            try (InferenceClient client = MeteredInferenceClient.wrap(deployer.client(spec.name()), registry,
                    Tags.of("application", "metrics-example"))) {
                for (String text : new String[] {"What a lovely day", "Awful service", "Fine"}) {
                    client.invokeJson("{\"text\": \"" + text + "\"}");
                }
                try {
                    client.invokeJson("{\"words\": 3}"); // the model's input_fn raises ValueError
                } catch (ModelErrorException expected) {
                    out.println("model error, counted: " + expected.errorType());
                }
            }
            Timer ok = registry.get(MeteredInferenceClient.TIMER).tag("outcome", "success").timer();
            out.printf("%s{outcome=success}: %d calls, mean %.1f ms%n", MeteredInferenceClient.TIMER, ok.count(),
                    ok.mean(TimeUnit.MILLISECONDS));
            registry.get(MeteredInferenceClient.ERRORS).counters().forEach(c -> out.printf("%s{error=%s}: %.0f%n",
                    MeteredInferenceClient.ERRORS, c.getId().getTag("error"), c.count()));
        } finally {
            deployer.undeploy(spec.name());
        }
    }
}
