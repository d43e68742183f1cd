package dev.mldeploy.examples.cli;

import dev.mldeploy.DeploymentMetrics;
import dev.mldeploy.Metric;
import dev.mldeploy.MetricsQuery;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.VariantMetrics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code mldeploy metrics}: what CloudWatch recorded for a deployment, per variant or version. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = "Prints what CloudWatch recorded for the deployment NAME over the last --since: invocations, "
                + "errors (4xx/5xx on SageMaker, function errors on Lambda), latency p50/p90/p99 in ms (SageMaker "
                + "ModelLatency and OverheadLatency, Lambda Duration), throttles and concurrency (Lambda), per "
                + "variant (SageMaker) or alias and version (Lambda). CloudWatch publishes a minute or so after the "
                + "invocations.")
final class MetricsCommand implements Callable<Integer> {
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

    @Option(names = "--since", defaultValue = "1h", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "The window, up to now (default 1h; at most 15 days).")
    Duration since = Duration.ofHours(1);

    @Override
    public Integer call() {
        MetricsQuery query = MetricsQuery.last(since).withTimeout(target.timeout);
        DeploymentMetrics m;
        try (ModelDeployer deployer = cli.deployer(target.target, target.environment())) {
            m = deployer.metrics(name, query);
        }
        PrintWriter o = spec.commandLine().getOut();
        o.print(out.json() ? CliJson.pretty(json(m)) + System.lineSeparator() : text(m));
        o.flush();
        return 0;
    }

    static Map<String, Object> json(DeploymentMetrics m) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("name", m.name());
        j.put("target", m.target());
        j.put("start", m.start().toString());
        j.put("end", m.end().toString());
        List<Object> variants = new ArrayList<>();
        for (VariantMetrics v : m.variants()) {
            Map<String, Object> values = new LinkedHashMap<>();
            v.values().forEach((k, x) -> values.put(k.key(), x));
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("variant", v.variant());
            e.put("metrics", values);
            variants.add(e);
        }
        j.put("variants", variants);
        return j;
    }

    /** One block per variant, one line per figure it has; a variant without data says so. */
    static String text(DeploymentMetrics m) {
        StringBuilder sb = new StringBuilder();
        String nl = System.lineSeparator();
        sb.append(m.target()).append(" deployment '").append(m.name()).append("', ").append(m.start()).append(" to ")
                .append(m.end()).append(nl);
        for (VariantMetrics v : m.variants()) {
            sb.append(nl).append(v.variant()).append(':').append(nl);
            if (v.values().isEmpty()) {
                sb.append("  no data points in this window").append(nl);
            }
            for (Map.Entry<Metric, Double> e : v.values().entrySet()) {
                sb.append(String.format("  %-16s %s%s%n", e.getKey().key(), number(e.getValue()),
                        e.getKey().unit().equals("ms") ? " ms" : ""));
            }
        }
        return sb.toString();
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format("%.2f", v);
    }
}
