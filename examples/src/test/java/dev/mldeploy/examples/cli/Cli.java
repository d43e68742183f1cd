package dev.mldeploy.examples.cli;

import dev.mldeploy.spi.TargetProvider;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

/** Runs the CLI in this JVM with captured stdout and stderr. */
final class Cli {
    private final Map<String, String> environment;
    private final List<TargetProvider> providers;

    Cli(Map<String, String> environment, TargetProvider... providers) {
        this.environment = environment;
        this.providers = List.of(providers);
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = MlDeployCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true), environment,
                providers);
        return new Result(status, out.toString(), err.toString());
    }

    record Result(int status, String out, String err) {
        @Override
        public String toString() {
            return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
