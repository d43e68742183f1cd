package dev.mldeploy.examples.cli;

import dev.mldeploy.Deployment;
import dev.mldeploy.ModelDeployer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code mldeploy describe}: a deployment as its target reports it. */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Prints the deployment NAME as its target reports it.")
final class DescribeCommand implements Callable<Integer> {
    @ParentCommand
    MlDeployCli cli;
    @Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    OutputOptions out;
    @Mixin
    TargetOptions target;

    @Parameters(index = "0", paramLabel = "NAME", description = "The deployment.")
    String name;

    @Override
    public Integer call() {
        Deployment d;
        try (ModelDeployer deployer = cli.deployer(target.target, target.environment())) {
            d = deployer.describe(name); // bounded by --timeout as a whole (BoundedExecution)
        }
        PrintWriter o = spec.commandLine().getOut();
        o.print(out.json() ? CliJson.pretty(Formats.deployment(d)) + System.lineSeparator()
                : Formats.deploymentText(d));
        o.flush();
        return 0;
    }
}
