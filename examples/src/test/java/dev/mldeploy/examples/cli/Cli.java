package dev.mldeploy.examples.cli;

import dev.mldeploy.spi.TargetProvider;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Runs the CLI in this JVM with captured stdout (as bytes, as the terminal gets them) and stderr. */
final class Cli {
    private final Map<String, String> environment;
    private final List<TargetProvider> providers;
    private final boolean discover;

    Cli(Map<String, String> environment, TargetProvider... providers) {
        this(environment, true, providers);
    }

    /** With {@code discover} false, only {@code providers}: no target found on the class path. */
    Cli(Map<String, String> environment, boolean discover, TargetProvider... providers) {
        this.environment = environment;
        this.providers = List.of(providers);
        this.discover = discover;
    }

    Result run(String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true);
        int status = MlDeployCli.execute(args, out, new PrintWriter(err, true), stdout, environment, providers,
                discover);
        out.flush();
        return new Result(status, stdout.toByteArray(), err.toString());
    }

    record Result(int status, byte[] outBytes, String err) {
        String out() {
            return new String(outBytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + status + "\n--- stdout\n" + out() + "--- stderr\n" + err;
        }
    }
}
