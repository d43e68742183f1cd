package dev.mldeploy.examples.cli;

import dev.mldeploy.ModelDeployer;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code mldeploy undeploy}: removes a deployment and everything mldeploy created for it. */
@Command(name = "undeploy", mixinStandardHelpOptions = true,
        description = "Removes the deployment NAME and everything mldeploy created for it. "
        + "Removing what is not there succeeds and says so.")
final class UndeployCommand implements Callable<Integer> {
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
        PrintWriter err = spec.commandLine().getErr();
        ProgressPrinter progress = ProgressPrinter.forConsole(err);
        boolean removed;
        try (ModelDeployer deployer = cli.deployer(target.target, target.environment())) {
            try {
                removed = deployer.undeploy(name, progress, target.timeout);
            } finally {
                progress.finish();
            }
        }
        PrintWriter o = spec.commandLine().getOut();
        if (out.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("removed", removed);
            o.println(CliJson.pretty(m));
        } else {
            o.println(removed ? "undeployed " + name : "no deployment named '" + name + "' on " + target.target
                    + "; nothing to remove");
        }
        o.flush();
        return 0;
    }
}
