package dev.mldeploy.examples.cli;

import dev.mldeploy.Architecture;
import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.PlacementOptions;
import dev.mldeploy.RolloutPolicy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code mldeploy deploy}: deploys or updates a model; an unchanged model changes nothing. */
@Command(name = "deploy", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Deploys the model in DIR (created, updated in place, or unchanged), showing progress on "
                + "stderr while it waits, and prints where it answers.")
final class DeployCommand implements Callable<Integer> {
    @ParentCommand
    MlDeployCli cli;
    @Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    OutputOptions out;
    @Mixin
    TargetOptions target;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "The model directory: "
            + "inference.py with model_fn and predict_fn, and the model's files.")
    Path model;
    @Option(names = "--name", paramLabel = "NAME", description = "Deployment name (default: the directory's name).")
    String name;
    @Option(names = "--memory-mb", paramLabel = "MB", description = "Memory for the model (Lambda function memory).")
    Integer memoryMb;
    @Option(names = "--ephemeral-mb", paramLabel = "MB", description = "Scratch disk for the model.")
    Integer ephemeralMb;
    @Option(names = "--timeout-s", paramLabel = "S", description = "Longest one request may take, in seconds "
            + "(Lambda function timeout).")
    Integer timeoutS;
    @Option(names = "--arch", paramLabel = "x86_64|arm64", description = "CPU architecture.")
    String arch;
    @Option(names = "--python", paramLabel = "3.N", description = "Python version (default 3.12).")
    String python;
    @Option(names = "--env", paramLabel = "KEY=VALUE", description = "An environment variable for the model "
            + "process (repeatable).")
    Map<String, String> modelEnv = new LinkedHashMap<>();

    @Mixin
    BackendOptions backend;
    @Mixin
    HttpOptions http;
    @Mixin
    ImageOptions images;

    @Option(names = "--alarms", description = "[sagemaker, lambda] Create CloudWatch alarms with the deployment "
            + "(removed by undeploy): error rate and p99 latency, each in ALARM when 3 of 5 one-minute periods breach.")
    boolean alarms;
    @Option(names = "--alarm-error-rate", paramLabel = "PERCENT", description = "With --alarms: the error rate "
            + "(failed / all invocations) above which the error-rate alarm fires (default 5).")
    Double alarmErrorRate;
    @Option(names = "--alarm-p99", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "With --alarms: the p99 latency above which the latency alarm fires (default 1s; e.g. "
                    + "500ms).")
    Duration alarmP99;
    @Option(names = "--rollout", paramLabel = "all[:BAKE]|canary:P:BAKE[:FINAL]|linear:P:INTERVAL[:FINAL]", defaultValue = "all",
            description = "How an update of an existing deployment reaches its traffic: all at once (default; "
                    + "all:BAKE watches the alarms for BAKE after), canary:10:5m (10 %% for 5 minutes, then all), "
                    + "linear:20:2m (20 %% more every 2 minutes); a canary or linear one may end with a final bake "
                    + "with all the traffic, still watched (canary:10:5m:15m). Percent 1-99, waits 1s-1h (SageMaker: "
                    + "canary at most "
                    + "50 %%, linear steps 10-50 %%).")
    String rollout = "all";
    @Option(names = "--rollback-alarm", paramLabel = "NAME", description = "A CloudWatch alarm that rolls the "
            + "update back when it goes into ALARM during the rollout (repeatable, at most 10; it must exist).")
    java.util.List<String> rollbackAlarms = new java.util.ArrayList<>();

    /** The longest --target auto spends resolving the dependencies it counts (plan's default). */
    private static final Duration RESOLVE_TIMEOUT = Duration.ofMinutes(5);

    @Override
    public Integer call() {
        Map<String, String> flags = new LinkedHashMap<>(target.environment());
        try {
            flags.putAll(backend.environment());
            flags.putAll(http.environment());
            flags.putAll(images.environment());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        ModelSpec model = spec();
        // checked before any call: InvalidConfigurationException says what to change (exit 2)
        RolloutPolicy policy = RolloutPolicy.parse(rollout).withRollbackAlarms(rollbackAlarms);
        PrintWriter err = spec.commandLine().getErr();
        ProgressPrinter progress = ProgressPrinter.forConsole(err);
        DeployResult result;
        try (ModelDeployer deployer = cli.deployer(target.target, flags)) {
            PlacementOptions placement = placementOptions(model, flags);
            checkBackendOptions(deployer, model, placement);
            DeployOptions.Builder ob = DeployOptions.builder().progressListener(progress).timeout(target.timeout)
                    .placementOptions(placement).rollout(policy);
            alarmPolicy().ifPresent(ob::alarms);
            DeployOptions options = ob.build();
            try {
                result = deployer.deploy(model, options);
            } finally {
                progress.finish();
            }
        }
        PrintWriter o = spec.commandLine().getOut();
        if (out.json()) {
            o.println(CliJson.pretty(Formats.deployResult(result)));
        } else {
            o.println(result.change().name().toLowerCase(java.util.Locale.ROOT) + ": " + result.message());
            o.print(Formats.deploymentText(result.deployment()));
            result.placementDecision().ifPresent(p -> {
                o.println();
                o.println("placement:");
                o.println(p.explanation());
            });
        }
        o.flush();
        return 0;
    }

    /** The alarms --alarms asks for; a threshold without --alarms is a usage error. */
    private java.util.Optional<dev.mldeploy.AlarmPolicy> alarmPolicy() {
        if (!alarms) {
            if (alarmErrorRate != null || alarmP99 != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), (alarmErrorRate != null
                        ? "--alarm-error-rate" : "--alarm-p99") + " sets an alarm threshold; add --alarms");
            }
            return java.util.Optional.empty();
        }
        dev.mldeploy.AlarmPolicy p = dev.mldeploy.AlarmPolicy.defaults();
        try {
            if (alarmErrorRate != null) {
                p = p.withErrorRatePercent(alarmErrorRate);
            }
            if (alarmP99 != null) {
                p = p.withP99Latency(alarmP99);
            }
        } catch (dev.mldeploy.InvalidConfigurationException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        return java.util.Optional.of(p);
    }

    ModelSpec spec() {
        ModelSpec.Builder b = ModelSpec.builder(name != null ? name : PlanCommand.dirName(model)).source(model);
        if (memoryMb != null) {
            b.memoryMb(memoryMb);
        }
        if (ephemeralMb != null) {
            b.ephemeralStorageMb(ephemeralMb);
        }
        if (timeoutS != null) {
            b.maxInferenceTime(Duration.ofSeconds(timeoutS));
        }
        if (arch != null) {
            b.architecture(Architecture.parse(arch));
        }
        if (python != null) {
            b.pythonVersion(python);
        }
        b.environment(modelEnv);
        return b.build();
    }

    /**
     * Refuses backend options the target does not use, before anything is created; with {@code auto}, the target
     * placement chooses (planning calls nothing remote; a model nothing fits is left to deploy to report).
     */
    private void checkBackendOptions(ModelDeployer deployer, ModelSpec model, PlacementOptions placement) {
        String chosen = target.target;
        String how = "--target " + chosen;
        if (ModelDeployer.AUTO.equals(chosen)) {
            if (backend.given().isEmpty() && http.given().isEmpty() && !images.given()) {
                return;
            }
            var decision = deployer.plan(model, placement).chosen();
            if (decision.isEmpty()) {
                return;
            }
            chosen = decision.get().target();
            how = chosen + " (chosen by --target auto as " + decision.get().name() + ")";
        }
        try {
            backend.checkUsedBy(chosen, how);
            http.checkUsedBy(chosen, how);
            images.checkUsedBy(chosen, how);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * With --target auto, price what the backend options ask for and count the model's dependencies as
     * {@code plan} does (resolved for Lambda's platform, or estimated), so auto never picks {@code lambda:zip} for
     * a model whose dependencies do not fit in one.
     */
    private PlacementOptions placementOptions(ModelSpec model, Map<String, String> flags) {
        PlacementOptions.Builder p = PlacementOptions.builder();
        if (ModelDeployer.AUTO.equals(target.target)) {
            Duration bound = target.timeout.compareTo(RESOLVE_TIMEOUT) < 0 ? target.timeout : RESOLVE_TIMEOUT;
            new DependencyMeasurement(cli.environment(flags), bound).measure(model).ifPresent(p::dependencies);
        }
        if (backend.instanceType != null) {
            p.instanceType(backend.instanceType);
        }
        if (backend.instanceCount != null) {
            p.instanceCount(backend.instanceCount);
        }
        if (backend.provisionedConcurrency != null) {
            p.provisionedConcurrency(backend.provisionedConcurrency);
        }
        return p.build();
    }
}
