package dev.mldeploy.examples.cli;

import dev.mldeploy.Deployment;
import dev.mldeploy.ModelDeployer;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code mldeploy list}: every deployment on the target. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Lists the deployments on the target (on every target with --target auto).")
final class ListCommand implements Callable<Integer> {
    @ParentCommand
    MlDeployCli cli;
    @Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    OutputOptions out;
    @Mixin
    TargetOptions target;

    @Override
    public Integer call() {
        List<Deployment> all;
        try (ModelDeployer deployer = cli.deployer(target.target, target.environment())) {
            all = deployer.list(); // bounded by --timeout as a whole (BoundedExecution)
        }
        PrintWriter o = spec.commandLine().getOut();
        if (out.json()) {
            o.println(CliJson.pretty(Map.of("deployments", all.stream().map(Formats::deployment).toList())));
        } else if (all.isEmpty()) {
            o.println("no deployments on " + target.target);
        } else {
            String format = "%-24s %-10s %-12s %-11s %s%n";
            o.printf(format, "NAME", "TARGET", "VARIANT", "STATUS", "ENDPOINT");
            for (Deployment d : all) {
                o.printf(format, d.name(), d.target(), d.variant(), d.status(), d.endpoint());
            }
        }
        o.flush();
        return 0;
    }
}
