package dev.mldeploy.examples.cli;

import dev.mldeploy.MlDeployException;
import dev.mldeploy.PlacementException;
import dev.mldeploy.CandidateEvaluation;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * How a failure is printed: one line on stderr ({@code mldeploy: ...}); with {@code --output json} also one JSON
 * object {@code {"error": {"type", "message", "exitCode"}}} on stdout (plus {@code "reasons"} per candidate when
 * placement failed); placement's reasons under the first line in text; with {@code --verbose} the whole message
 * and the stack trace. Stateless.
 */
final class ErrorReport {
    private ErrorReport() {
    }

    static void print(Throwable e, int exitCode, List<String> args, PrintWriter out, PrintWriter err) {
        boolean verbose = args.contains("--verbose");
        boolean json = jsonRequested(args);
        String line = firstLine(e);
        err.println("mldeploy: " + (verbose ? fullMessage(e) : line));
        Map<String, List<String>> reasons = reasons(e);
        if (!verbose && !json) {
            reasons.forEach((candidate, why) -> why.forEach(r -> err.println("  " + candidate + ": " + r)));
        }
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        if (json) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("type", type(e));
            error.put("message", line);
            error.put("exitCode", exitCode);
            if (!reasons.isEmpty()) {
                error.put("reasons", reasons);
            }
            out.println(CliJson.compact(Map.of("error", error)));
            out.flush();
        }
    }

    /** Whether the command line asks for JSON output, read from the arguments (a usage error may stop parsing). */
    static boolean jsonRequested(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--output=json") || a.equals("--output") && i + 1 < args.size()
                    && args.get(i + 1).equalsIgnoreCase("json")) {
                return true;
            }
        }
        return false;
    }

    /** The exception's type for programs: its class name, {@code UsageError} for every command-line mistake. */
    static String type(Throwable e) {
        return e instanceof CommandLine.ParameterException ? "UsageError" : e.getClass().getSimpleName();
    }

    /** The message's first line (multi-line messages carry detail for --verbose). */
    static String firstLine(Throwable e) {
        String m = fullMessage(e);
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).strip();
    }

    /** A message for people: the exception's own, else its type and its cause's message. */
    static String fullMessage(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            Throwable cause = e.getCause();
            return e.getClass().getSimpleName() + (cause != null && cause.getMessage() != null
                    ? ": " + cause.getMessage() : "");
        }
        return e instanceof MlDeployException || e instanceof IllegalArgumentException
                || e instanceof CommandLine.ParameterException ? message : e.getClass().getSimpleName() + ": " + message;
    }

    /** Every rejected candidate's reasons when placement failed; empty otherwise. */
    static Map<String, List<String>> reasons(Throwable e) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        if (e instanceof PlacementException p && p.decision() != null) {
            for (CandidateEvaluation c : p.decision().candidates()) {
                if (!c.feasible()) {
                    m.put(c.name(), c.reasons());
                }
            }
        }
        return m;
    }
}
