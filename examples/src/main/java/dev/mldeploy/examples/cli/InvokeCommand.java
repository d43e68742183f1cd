package dev.mldeploy.examples.cli;

import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.ModelDeployer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code mldeploy invoke}: sends one request to a deployment and writes the answer. In text mode the answer's bytes
 * go to stdout (or {@code --out FILE}) exactly as the model sent them, whatever their content type; with
 * {@code --output json} a JSON answer is embedded as JSON, text as a string, anything else as base64.
 */
@Command(name = "invoke", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Sends one request to the deployment NAME and writes the model's answer to stdout, byte for "
                + "byte (or to --out FILE).")
final class InvokeCommand implements Callable<Integer> {
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

    static final class Body {
        @Option(names = "--data", paramLabel = "BODY", description = "The request body, e.g. '{\"text\": \"great\"}'.")
        String data;
        @Option(names = "--file", paramLabel = "FILE", description = "Read the request body from FILE ('-' for "
                + "stdin).")
        String file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Body body;

    @Option(names = "--content-type", defaultValue = "application/json", paramLabel = "TYPE",
            description = "The body's content type (default application/json).")
    String contentType;
    @Option(names = "--accept", defaultValue = "application/json", paramLabel = "TYPE",
            description = "The answer's content type to ask for (default application/json).")
    String accept;
    @Option(names = "--variant", paramLabel = "VARIANT", description = "Send to this production variant (A/B).")
    String variant;
    @Option(names = "--out", paramLabel = "FILE", description = "Write the answer's body to FILE, byte for byte "
            + "(stdout then says what was written).")
    Path bodyFile;

    @Override
    public Integer call() {
        if (bodyFile != null && !Files.isDirectory(bodyFile.toAbsolutePath().getParent())) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out " + bodyFile + ": its directory "
                    + "does not exist");
        }
        InferenceRequest.Builder request = InferenceRequest.builder().body(readBody()).contentType(contentType)
                .accept(accept);
        if (variant != null) {
            request.targetVariant(variant);
        }
        InferenceResponse response;
        // the lookup in client(name) is a remote call too: --timeout bounds this whole block (BoundedExecution)
        try (ModelDeployer deployer = cli.deployer(target.target, target.environment());
             InferenceClient client = deployer.client(name)) {
            response = client.invoke(request.build());
        }
        if (bodyFile != null) {
            writeBodyFile(response.body());
        }
        PrintWriter o = spec.commandLine().getOut();
        if (out.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("deployment", name);
            m.put("target", response.target());
            m.put("variant", response.variant().orElse(null));
            m.put("contentType", response.contentType());
            m.put("latencyMs", response.latency().toMillis());
            if (bodyFile != null) {
                m.put("bodyFile", bodyFile.toString());
                m.put("bodyBytes", response.body().length);
            } else {
                m.put("body", bodyValue(response));
            }
            o.println(CliJson.pretty(m));
        } else if (bodyFile != null) {
            o.println("wrote " + response.body().length + " bytes (" + response.contentType() + ") to " + bodyFile);
        } else {
            writeExactly(o, response.body());
        }
        o.flush();
        return 0;
    }

    /** The answer's bytes on stdout as they came: no decoding, no added newline (a pipe gets the model's bytes). */
    private void writeExactly(PrintWriter o, byte[] body) {
        o.flush();
        try {
            cli.rawOut().write(body);
            cli.rawOut().flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the answer to stdout: " + e.getMessage(), e);
        }
    }

    private void writeBodyFile(byte[] body) {
        try {
            Path parent = bodyFile.toAbsolutePath().getParent();
            // a temporary file next to it, then a move: an interrupted write never leaves half an answer in FILE
            Path tmp = Files.createTempFile(parent, ".mldeploy-answer-", ".tmp");
            try {
                Files.write(tmp, body);
                Files.move(tmp, bodyFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (NoSuchFileException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out " + bodyFile + ": its directory "
                    + "does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + bodyFile + ": " + e.getMessage(), e);
        }
    }

    private byte[] readBody() {
        if (body.data != null) {
            return body.data.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return "-".equals(body.file) ? System.in.readAllBytes() : Files.readAllBytes(Path.of(body.file));
        } catch (NoSuchFileException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--file " + body.file + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + body.file + ": " + e.getMessage(), e);
        }
    }

    /** A JSON answer embedded as JSON, text as a string, anything else as base64. */
    private static Object bodyValue(InferenceResponse r) {
        String type = r.contentType().toLowerCase(Locale.ROOT);
        if (type.startsWith("application/json") || type.contains("+json")) {
            try {
                return CliJson.parse(r.bodyAsString());
            } catch (IllegalArgumentException e) {
                return r.bodyAsString();
            }
        }
        if (type.startsWith("text/")) {
            return r.bodyAsString();
        }
        return java.util.Base64.getEncoder().encodeToString(r.body());
    }
}
