package dev.mldeploy.examples.cli;

import dev.mldeploy.ModelDeployer;
import dev.mldeploy.examples.QuickStart;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code mldeploy quickstart}: the README's first five minutes, as {@link QuickStart} runs them. */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Deploys the bundled sentiment model to the local target, invokes it, prints the prediction "
                + "and where it would run in AWS at what cost, and undeploys it (the same code as the "
                + "QuickStart example and the README snippet).")
final class QuickstartCommand implements Callable<Integer> {
    @ParentCommand
    MlDeployCli cli;
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", description = "The model directory (default: the bundled "
            + "examples/models/sentiment).")
    Path model;
    @Option(names = "--verbose", description = "On failure, print the stack trace; log at debug level.")
    boolean verbose;

    @Override
    public Integer call() {
        Path dir = model != null ? model : QuickStart.sampleModel();
        PrintWriter out = spec.commandLine().getOut();
        try (ModelDeployer deployer = cli.deployer(ModelDeployer.LOCAL, java.util.Map.of())) {
            QuickStart.run(deployer, dir, out);
        }
        out.flush();
        return 0;
    }
}
