package dev.mldeploy.local;

import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.bundle.ModelBundle;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.Waiter;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a model process for the local target and waits until it answers {@code GET /ping}.
 *
 * <p>The process is recorded before it may do anything: it is spawned waiting for its token on stdin, the caller
 * records it (pid, start instant, port, token) in the state, and only then gets the token and starts to bind its port
 * and load the model. A deploying JVM killed before the token was written leaves a process that exits by itself
 * when its stdin ends; killed after, a process the state names, which {@code list} and {@code undeploy} see.
 */
final class LocalStarter {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStarter.class);
    /** The adapter exits with this status when its port was taken before it could bind it. */
    static final int EXIT_PORT_IN_USE = 75;
    static final String ADAPTER_DIR = "adapter";
    /** The adapter's bound on one request (SageMaker's variable); past it the request is answered 504. */
    static final String ENV_SERVER_TIMEOUT = "SAGEMAKER_MODEL_SERVER_TIMEOUT";
    static final String LOG_FILE = "server.log";
    /** The log kept from the previous process, and the one the adapter rotates into. */
    static final String PREVIOUS_LOG_FILE = "server.log.1";
    /** The log is rotated when it grows past this (by the adapter: the Java side may be long gone). */
    static final long LOG_MAX_BYTES = 5L * 1024 * 1024;
    /** AWS variables that are settings, not credentials: the model process keeps them. */
    private static final java.util.Set<String> KEPT_AWS = java.util.Set.of("AWS_REGION", "AWS_DEFAULT_REGION");
    private static final int PORT_ATTEMPTS = 5;
    private static final int TAIL_LINES = 20;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(2);

    private final LocalTarget config;

    LocalStarter(LocalTarget config) {
        this.config = config;
    }

    /**
     * The command that runs the adapter; the one place that knows it, for both contracts. Each contract's script
     * takes {@code serve --model-dir D --host H --port P}.
     */
    List<String> command(Path adapterDir, Path modelDir, int port) {
        return command(config.python(), adapterDir, modelDir, port);
    }

    /** The command, run by {@code python} (the configured one, or a virtual environment's). */
    List<String> command(String python, Path adapterDir, Path modelDir, int port) {
        return List.of(python, "-u", adapterDir.resolve(config.contract().script()).toString(), "serve",
                "--model-dir", modelDir.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port));
    }

    /** What a start produced: the process, its port, its start instant, and the identity it proves. */
    record Started(ProcessHandle process, int port, Instant processStart, Path logFile, AdapterIdentity identity) {
    }

    /**
     * Copies the adapter into {@code dir}, starts the process, has {@code record} record it, and waits for it to
     * answer. On failure the process is killed and the exception carries the reason and the tail of its output;
     * the caller removes the state.
     */
    Started start(ModelSpec spec, Path source, String python, Path dir, DeployContext ctx,
                  java.util.function.Consumer<Started> record) {
        Path adapterDir = dir.resolve(ADAPTER_DIR);
        Path logFile = dir.resolve(LOG_FILE);
        writeAdapter(adapterDir);
        newLog(logFile);
        for (int attempt = 1; ; attempt++) {
            int port = ProcessControl.freePort();
            AdapterIdentity identity = AdapterIdentity.generate();
            Process process = spawn(spec, source, python, adapterDir, logFile, port, ctx);
            Thread killOnExit = new Thread(process::destroyForcibly, "mldeploy-local-start-" + spec.name());
            Runtime.getRuntime().addShutdownHook(killOnExit); // a JVM stopped mid-start leaves no process behind
            try {
                Started started = new Started(process.toHandle(), port,
                        process.toHandle().info().startInstant().orElse(null), logFile, identity);
                record.accept(started);
                ctx.progress("start", "recorded", "pid " + process.pid() + " recorded in " + dir.resolve(LocalState.FILE)
                        + "; handing it its token");
                handOver(process, identity);
                awaitReady(process, port, logFile, identity, ctx);
                return started;
            } catch (PortTaken e) {
                if (attempt == PORT_ATTEMPTS) {
                    throw new DeploymentFailedException("local model '" + spec.name() + "' could not bind a port on "
                            + "127.0.0.1 after " + PORT_ATTEMPTS + " attempts (each free port was taken before "
                            + "the process bound it)", null, true);
                }
                LOG.debug("port {} was taken before the model process bound it; trying another", port);
            } catch (RuntimeException e) {
                kill(process);
                throw e;
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(killOnExit);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down: the hook runs
                }
            }
        }
    }

    /** Keeps the previous process's log as {@code server.log.1} and starts an empty one, 0600. */
    private static void newLog(Path logFile) {
        try {
            if (Files.exists(logFile)) {
                Files.move(logFile, logFile.resolveSibling(PREVIOUS_LOG_FILE),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            PrivateFiles.createEmpty(logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the log " + logFile, e);
        }
    }

    /** Writes the token to the waiting process's stdin and closes it: only now does it bind and load the model. */
    private static void handOver(Process process, AdapterIdentity identity) {
        try (java.io.OutputStream in = process.getOutputStream()) {
            in.write((identity.token() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // it exited already: awaitReady reports how
            LOG.debug("could not hand the token to pid {}: {}", process.pid(), e.toString());
        }
    }

    /**
     * The model process's environment: the deploying process's, without its AWS settings and credentials (except
     * what {@link LocalTarget#passEnvironment()} names) and without {@code MLDEPLOY_*}; then the spec's; then the
     * adapter's own settings, with {@code SAGEMAKER_MODEL_SERVER_TIMEOUT} the spec's maximum inference time unless
     * the deploying process's environment sets it (a spec cannot: the prefix is reserved).
     */
    static void environment(Map<String, String> env, Map<String, String> inherited, LocalTarget config,
                            ModelSpec spec, Path logFile) {
        env.keySet().removeIf(k -> k.startsWith("MLDEPLOY_") || k.startsWith("AWS_") && !KEPT_AWS.contains(k));
        boolean awsPassed = false;
        for (String name : config.passEnvironment()) {
            String value = inherited.get(name);
            if (value != null) {
                env.put(name, value);
            }
            awsPassed |= name.startsWith("AWS_");
        }
        if (!awsPassed) {
            // without this, botocore would read the caller's ~/.aws/credentials
            String empty = File.separatorChar == '/' ? "/dev/null" : "NUL";
            env.put("AWS_SHARED_CREDENTIALS_FILE", empty);
            env.put("AWS_CONFIG_FILE", empty);
        }
        env.putAll(spec.environment());
        env.put("PYTHONUNBUFFERED", "1");
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        env.put("MLDEPLOY_SETSID", "1");
        env.put("MLDEPLOY_TOKEN_STDIN", "1");
        env.put("MLDEPLOY_LOG_FILE", logFile.toString());
        env.put("MLDEPLOY_LOG_MAX_BYTES", Long.toString(LOG_MAX_BYTES));
        env.put("MLDEPLOY_MAX_REQUEST_BYTES", Long.toString(LocalTarget.MAX_REQUEST_BYTES));
        // the target's setting wins over the spec's environment: it is how local runs choose their worker count
        env.put("SAGEMAKER_MODEL_SERVER_WORKERS", Integer.toString(config.workers()));
        String timeout = env.get(ENV_SERVER_TIMEOUT);
        if (timeout == null || timeout.isBlank()) {
            // the server answers 504 past it, as the endpoint would; whole seconds, as SageMaker's variable takes
            env.put(ENV_SERVER_TIMEOUT, Long.toString(serverTimeoutSeconds(spec.resources().maxInferenceTime())));
        }
    }

    /** The spec's maximum inference time in whole seconds, rounded up (so never below it, and at least 1). */
    static long serverTimeoutSeconds(java.time.Duration maxInferenceTime) {
        long millis = maxInferenceTime.toMillis();
        return Math.max(1, (millis + 999) / 1000);
    }

    private Process spawn(ModelSpec spec, Path source, String python, Path adapterDir, Path logFile, int port,
                          DeployContext ctx) {
        List<String> command = command(python, adapterDir, source, port);
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(source.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectErrorStream(true);
        environment(pb.environment(), System.getenv(), config, spec, logFile);
        ctx.progress("start", "", "starting " + python + " " + config.contract().script()
                + " on 127.0.0.1:" + port);
        LOG.debug("starting local model '{}': {}", spec.name(), command);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new InvalidConfigurationException("cannot run '" + python + "' for local model '"
                    + spec.name() + "': " + e.getMessage() + "; install Python 3.9 or later, or name its executable "
                    + "(" + LocalTarget.ENV_PYTHON + ", LocalTarget.builder().python(...))", e);
        }
    }

    private enum Phase { STARTING, READY, EXITED, TIMED_OUT }

    private record Poll(Phase phase, int exitCode, int pingStatus) {
        @Override
        public String toString() {
            return switch (phase) {
                case STARTING -> pingStatus < 0 ? "starting" : "loading (ping " + pingStatus + ")";
                case READY -> "ready";
                case EXITED -> "exited with status " + exitCode;
                case TIMED_OUT -> "timed out";
            };
        }
    }

    private void awaitReady(Process process, int port, Path logFile, AdapterIdentity identity, DeployContext ctx) {
        String name = ctx.deploymentName();
        long startupEnd = System.nanoTime() + config.startupTimeout().toNanos();
        try {
            Waiter.<Poll>forPhase(ctx, "health-check", "local model '" + name + "' to answer GET /ping on port " + port)
                    .interval(POLL)
                    .poll(() -> {
                        if (!process.isAlive()) {
                            return new Poll(Phase.EXITED, process.exitValue(), -1);
                        }
                        ProcessControl.Probe probe = ProcessControl.probe(port, PING_TIMEOUT, identity, process.pid());
                        int status = probe.proven() ? probe.status() : -1; // an answer from another is none
                        if (probe.ready()) {
                            return new Poll(Phase.READY, 0, status);
                        }
                        if (!process.isAlive()) { // it may have died while we pinged
                            return new Poll(Phase.EXITED, waitExit(process), -1);
                        }
                        return System.nanoTime() - startupEnd >= 0 ? new Poll(Phase.TIMED_OUT, 0, status)
                                : new Poll(Phase.STARTING, 0, status);
                    })
                    .until(p -> p.phase() == Phase.READY)
                    .failWhen(p -> switch (p.phase()) {
                        case EXITED -> p.exitCode() == EXIT_PORT_IN_USE ? new PortTaken()
                                : failure(name, "its process exited with status " + p.exitCode()
                                        + " before answering GET /ping", process, logFile);
                        case TIMED_OUT -> failure(name, "its process did not answer GET /ping within the startup "
                                + "timeout of " + config.startupTimeout().toSeconds() + " s (raise it with "
                                + "LocalTarget.builder().startupTimeout(...) if model_fn is slow)", process, logFile);
                        default -> null;
                    })
                    .await();
        } catch (OperationTimeoutException e) {
            kill(process);
            throw new OperationTimeoutException(e.getMessage() + tail(logFile));
        }
    }

    private static int waitExit(Process process) {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private DeploymentFailedException failure(String name, String reason, Process process, Path logFile) {
        kill(process); // so that the log is complete before we read it
        return new DeploymentFailedException("local model '" + name + "' failed to start: " + reason + "."
                + tail(logFile));
    }

    private static String tail(Path logFile) {
        List<String> lines = ProcessControl.tail(logFile, TAIL_LINES);
        if (lines.isEmpty()) {
            return " It wrote nothing to stdout or stderr.";
        }
        return " Last lines of its output:\n  " + String.join("\n  ", lines);
    }

    private static void kill(Process process) {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void writeAdapter(Path adapterDir) {
        try {
            PrivateFiles.createDirectory(adapterDir);
            Map<String, byte[]> adapter = ModelBundle.adapterFiles(ModelBundle.Layout.LOCAL_DIRECTORY);
            for (Map.Entry<String, byte[]> f : adapter.entrySet()) {
                Path file = adapterDir.resolve(f.getKey());
                PrivateFiles.createDirectory(file.getParent()); // the package directory mldeploy_adapter/
                PrivateFiles.write(file, f.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the adapter to " + adapterDir, e);
        }
    }

    /** The process exited because its port was taken: start again on another. */
    private static final class PortTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortTaken() {
            super("port taken", null, false, false);
        }
    }
}
