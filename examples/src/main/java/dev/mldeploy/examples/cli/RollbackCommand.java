package dev.mldeploy.examples.cli;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.RollbackResult;
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

/** {@code mldeploy rollback}: moves a deployment back to the version it ran before its last change. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Moves the deployment NAME back to the version it ran before its last change: Lambda moves "
                + "its alias back one version; SageMaker updates the endpoint back to the config it kept; local "
                + "restarts the previous spec if its model directory is still there. During a Lambda rollout "
                + "(deploy --rollout) it ends the rollout: every request back to the previous version, and the "
                + "deploy fails saying so. During a SageMaker rollout it refuses (SageMaker cannot stop an update; "
                + "its rollback alarms undo it): run it again once the endpoint is InService. Says from which "
                + "version to which.")
final class RollbackCommand implements Callable<Integer> {
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
        RollbackResult r;
        try (ModelDeployer deployer = cli.deployer(target.target, target.environment())) {
            try {
                r = deployer.rollback(name, DeployOptions.builder().progressListener(progress)
                        .timeout(target.timeout).build());
            } finally {
                progress.finish();
            }
        }
        PrintWriter o = spec.commandLine().getOut();
        if (out.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("target", r.deployment().target());
            m.put("fromVersion", r.fromVersion());
            m.put("toVersion", r.toVersion());
            m.put("message", r.message());
            m.put("deployment", Formats.deployment(r.deployment()));
            o.println(CliJson.pretty(m));
        } else {
            o.println(r.message());
        }
        o.flush();
        return 0;
    }
}
