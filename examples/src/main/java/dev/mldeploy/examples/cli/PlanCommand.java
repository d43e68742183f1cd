package dev.mldeploy.examples.cli;

import dev.mldeploy.Architecture;
import dev.mldeploy.Features;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.bundle.SourceTree;
import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.DependencySizes;
import dev.mldeploy.PlacementDecision;
import dev.mldeploy.PlacementOptions;
import dev.mldeploy.python.Requirements;
import dev.mldeploy.spi.TargetContext;
import dev.mldeploy.spi.TargetProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code mldeploy plan}: evaluates every cloud target for a model, with reasons and monthly cost. Changes nothing. */
@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Says where the model would run in AWS and what it would cost a month: every target with the "
                + "limits it breaks and its cost breakdown, and the cheapest one that fits. Calls nothing remote.",
        footer = {"", "Exit status: 0 a target fits, 3 none fits, 2 bad usage, 1 other failure."})
final class PlanCommand implements Callable<Integer> {
    private static final long MB = 1024L * 1024L;

    @ParentCommand
    MlDeployCli cli;
    @Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    OutputOptions out;

    static final class Size {
        @Option(names = "--model", paramLabel = "DIR",
                description = "The model directory (with inference.py); its files, plus its requirements.txt "
                        + "resolved for Lambda's platform, are the package size.")
        Path model;
        @Option(names = "--model-size-mb", paramLabel = "N", description = "The unpacked package size, in MB.")
        Double sizeMb;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Size size = new Size();

    @Option(names = "--name", paramLabel = "NAME", description = "Model name (default: the directory's name, or "
            + "'model').")
    String name;
    @Option(names = "--target", paramLabel = "TARGET", description = "Consider only this target's variants "
            + "(sagemaker, lambda); local or auto (default) consider every cloud target.")
    String target;
    @Option(names = "--memory-mb", paramLabel = "MB", description = "Memory one copy of the model needs (default 1024).")
    Integer memoryMb;
    @Option(names = "--ephemeral-mb", paramLabel = "MB", description = "Scratch disk (default 512).")
    Integer ephemeralMb;
    @Option(names = "--max-inference-ms", paramLabel = "MS", description = "Longest one request may take "
            + "(default 10000).")
    Long maxInferenceMs;
    @Option(names = "--avg-inference-ms", paramLabel = "MS", description = "Average request time (default 100).")
    Long avgInferenceMs;
    @Option(names = "--requests-per-month", paramLabel = "N", description = "Requests a month (default 100000).")
    Long requestsPerMonth;
    @Option(names = "--peak-rps", paramLabel = "N", description = "Requests in the busiest second (default 1).")
    Double peakRps;
    @Option(names = "--payload-kb", paramLabel = "KB", description = "Largest request or response body (default 16).")
    Long payloadKb;
    @Option(names = "--gpu", description = "The model needs a GPU.")
    boolean gpu;
    @Option(names = "--variants", paramLabel = "N", description = "Production variants to A/B test (default 1).")
    Integer variants;
    @Option(names = "--data-capture", description = "Capture requests and responses for monitoring.")
    boolean dataCapture;
    @Option(names = "--arch", paramLabel = "x86_64|arm64", description = "CPU architecture (default x86_64).")
    String arch;
    @Option(names = "--free-tier", description = "Subtract the Lambda free tier (off by default).")
    boolean freeTier;
    @Option(names = "--provisioned-concurrency", paramLabel = "N", description = "Lambda provisioned concurrency "
            + "to price.")
    Integer provisionedConcurrency;
    @Option(names = "--provisioned-hours", paramLabel = "H", description = "Hours a month it is on (default 730).")
    Double provisionedHours;
    @Option(names = "--instance-type", paramLabel = "TYPE", description = "SageMaker instance type to price "
            + "(default: the cheapest that fits).")
    String instanceType;
    @Option(names = "--instance-count", paramLabel = "N", description = "SageMaker instance count to price "
            + "(default: sized from peak traffic).")
    Integer instanceCount;
    @Mixin
    FrameworkOptions framework;
    @Option(names = "--no-resolve", description = "Do not install the model's requirements.txt for Lambda's "
            + "platform to measure it; the dependencies' size is then estimated from the packages installed for "
            + "the interpreter (MLDEPLOY_PYTHON, else python3), or reported unknown.")
    boolean noResolve;
    @Option(names = "--resolve-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Longest the dependency resolution may take (default 5m).")
    Duration resolveTimeout = Duration.ofMinutes(5);

    @Override
    public Integer call() {
        checkFramework();
        ModelSpec model = spec();
        Optional<DependencySizes> dependencies = dependencies(model);
        PlacementOptions options = placementOptions(dependencies);
        PlacementDecision shown;
        // the deployer builds placement from its providers' profiles; local (no profiles) means every cloud target
        try (ModelDeployer deployer = cli.deployer(ModelDeployer.AUTO, Map.of())) {
            shown = deployer.plan(model, options, target == null || isAll(target) ? ModelDeployer.AUTO : target);
        }
        Optional<CandidateEvaluation> chosen = shown.chosen();
        CommandLine cl = spec.commandLine();
        String nothingFits = "no target can hold '" + model.name() + "'"
                + (target != null && !isAll(target) ? " on " + target : "");
        if (out.json()) {
            Map<String, Object> json = Formats.placement(shown, chosen);
            json.put("model", model.name());
            json.put("packageSizeBytes", packageBytes(model));
            json.put("dependencies", dependencies.map(PlanCommand::dependenciesJson).orElse(null));
            if (chosen.isEmpty()) {
                // the plan is the one JSON object; it carries the failure as every other command's error does
                Map<String, Object> error = new java.util.LinkedHashMap<>();
                error.put("type", "PlacementException");
                error.put("message", nothingFits);
                error.put("exitCode", MlDeployCli.EXIT_PLACEMENT);
                json.put("error", error);
            }
            cl.getOut().println(CliJson.pretty(json));
        } else {
            cl.getOut().println("plan for '" + model.name() + "': " + (model.source().isPresent() ? "model directory "
                    : "package ") + megabytes(packageBytes(model))
                    + ", " + model.resources().memoryMb() + " MB memory, at most "
                    + model.resources().maxInferenceTime().toMillis() + " ms a request, "
                    + model.traffic().requestsPerMonth() + " requests a month, peak "
                    + model.traffic().peakRequestsPerSecond() + " requests a second");
            dependencies.ifPresent(d -> cl.getOut().println(dependenciesText(d)));
            cl.getOut().println();
            cl.getOut().println(Formats.placementText(shown, chosen));
        }
        cl.getOut().flush();
        if (chosen.isEmpty()) {
            cl.getErr().println("mldeploy: " + nothingFits
                    + (out.json() ? "; see the reasons in \"targets\"" : "; see the reasons above"));
            return MlDeployCli.EXIT_PLACEMENT;
        }
        return 0;
    }

    private static boolean isAll(String t) {
        return ModelDeployer.AUTO.equals(t) || ModelDeployer.LOCAL.equals(t);
    }

    ModelSpec spec() {
        ModelSpec.Builder b;
        if (size.model != null) {
            b = ModelSpec.builder(name != null ? name : dirName(size.model)).source(size.model);
        } else {
            b = ModelSpec.builder(name != null ? name : "model");
            if (size.sizeMb != null) {
                if (!(size.sizeMb >= 0) || size.sizeMb.isInfinite()) {
                    throw usage("--model-size-mb must be a number at least 0, was " + size.sizeMb);
                }
                b.packageSizeBytes(Math.round(size.sizeMb * MB));
            }
        }
        if (memoryMb != null) {
            b.memoryMb(memoryMb);
        }
        if (ephemeralMb != null) {
            b.ephemeralStorageMb(ephemeralMb);
        }
        if (maxInferenceMs != null) {
            b.maxInferenceTime(Duration.ofMillis(maxInferenceMs));
        }
        b.gpu(gpu);
        if (arch != null) {
            b.architecture(Architecture.parse(arch));
        }
        b.traffic(t -> {
            if (avgInferenceMs != null) {
                t.averageInferenceTime(Duration.ofMillis(avgInferenceMs));
            }
            if (requestsPerMonth != null) {
                t.requestsPerMonth(requestsPerMonth);
            }
            if (peakRps != null) {
                t.peakRequestsPerSecond(peakRps);
            }
            if (payloadKb != null) {
                t.payloadBytes(payloadBytes(payloadKb));
            }
        });
        b.features(new Features(variants == null ? 1 : variants, dataCapture));
        return b.build();
    }

    private long payloadBytes(long kb) {
        if (kb < 0 || kb > Long.MAX_VALUE / 1024) {
            throw usage("--payload-kb must be 0 to " + Long.MAX_VALUE / 1024 + ", was " + kb);
        }
        return kb * 1024;
    }

    /**
     * The model's dependencies for Lambda: measured by resolving requirements.txt (unless {@code --no-resolve}),
     * else estimated from the interpreter's installed packages or unknown; empty without a requirements.txt or
     * when Lambda is not planned.
     */
    private Optional<DependencySizes> dependencies(ModelSpec model) {
        boolean lambdaConsidered = target == null || isAll(target) || "lambda".equals(target);
        if (!lambdaConsidered || model.source().flatMap(Requirements::find).isEmpty()) {
            return Optional.empty();  // only Lambda's package limits count them; SageMaker installs them at start
        }
        DependencyMeasurement measurement = new DependencyMeasurement(cli.environment(Map.of()), resolveTimeout);
        return noResolve ? measurement.estimate(model, "not resolved: --no-resolve") : measurement.measure(model);
    }

    static String dependenciesText(DependencySizes d) {
        return switch (d.basis()) {
            case MEASURED, ESTIMATED -> "dependencies: " + megabytes(d.bytes()) + " " + d.basis().word() + " ("
                    + d.detail() + ")" + (d.packages().isEmpty() ? "" : "; largest: "
                    + d.describeLargest(DependencySizes.NAMED_IN_REASONS));
            case UNKNOWN -> "dependencies: size unknown (" + d.detail() + "); Lambda's package size counts the code "
                    + "alone";
            case REFUSED -> "dependencies: cannot be built for Lambda's platform: " + d.detail();
        };
    }

    static Map<String, Object> dependenciesJson(DependencySizes d) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("basis", d.basis().word());
        m.put("bytes", d.knownBytes().isPresent() ? d.bytes() : null);
        m.put("detail", d.detail());
        m.put("packages", d.packages().stream().map(e -> {
            Map<String, Object> p = new java.util.LinkedHashMap<>();
            p.put("name", e.name());
            p.put("version", e.version());
            p.put("bytes", e.bytes());
            return p;
        }).toList());
        return m;
    }

    PlacementOptions placementOptions() {
        return placementOptions(Optional.empty());
    }

    PlacementOptions placementOptions(Optional<DependencySizes> dependencies) {
        try {
            PlacementOptions.Builder b = PlacementOptions.builder().freeTier(freeTier);
            dependencies.ifPresent(b::dependencies);
            if (provisionedConcurrency != null) {
                b.provisionedConcurrency(provisionedConcurrency);
            }
            if (provisionedHours != null) {
                b.provisionedHoursPerMonth(provisionedHours);
            }
            if (instanceType != null) {
                b.instanceType(instanceType);
            }
            if (instanceCount != null) {
                b.instanceCount(instanceCount);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    /**
     * {@code --framework} and {@code --framework-version}: for sagemaker only, and checked by its provider as a
     * deploy's configuration is (an unknown framework, or a version that framework does not have, exits 2 naming
     * the known ones); a version given alone is checked against the model's default framework at deploy.
     */
    private void checkFramework() {
        if (!framework.given()) {
            return;
        }
        try {
            framework.checkUsedBy(target, "--target " + target);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        TargetProvider sagemaker = cli.provider("sagemaker").orElseThrow(() -> usage("--framework and "
                + "--framework-version are for the sagemaker target, which is not on the class path"));
        sagemaker.packager(new TargetContext(cli.environment(framework.environment())));
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    static String dirName(Path dir) {
        Path f = dir.toAbsolutePath().normalize().getFileName();
        return f == null ? "" : f.toString();
    }

    static long packageBytes(ModelSpec model) {
        return model.source().map(dir -> SourceTree.of(dir).totalBytes())
                .orElse(model.declaredPackageBytes().orElse(0L));
    }

    static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.2f MB", bytes / (double) MB);
    }
}
