package dev.mldeploy.local;

import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.spi.AdapterFiles;
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

/** Starts a model process for the local target and waits until it answers {@code GET /ping}. */
final class LocalStarter {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStarter.class);
    /** The adapter exits with this status when its port was taken before it could bind it. */
    static final int EXIT_PORT_IN_USE = 75;
    static final String ADAPTER_DIR = "adapter";
    static final String LOG_FILE = "server.log";
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
        return List.of(config.python(), "-u", adapterDir.resolve(config.contract().script()).toString(), "serve",
                "--model-dir", modelDir.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port));
    }

    /** What a start produced: the process, its port, and its start instant. */
    record Started(ProcessHandle process, int port, Instant processStart, Path logFile) {
    }

    /**
     * Copies the adapter into {@code dir}, starts the process and waits for it to answer. On failure the process
     * is killed and the exception carries the reason and the tail of its output; the caller removes the state.
     */
    Started start(ModelSpec spec, Path source, Path dir, DeployContext ctx) {
        Path adapterDir = dir.resolve(ADAPTER_DIR);
        Path logFile = dir.resolve(LOG_FILE);
        writeAdapter(adapterDir);
        for (int attempt = 1; ; attempt++) {
            int port = ProcessControl.freePort();
            Process process = spawn(spec, source, adapterDir, logFile, port, ctx);
            Thread killOnExit = new Thread(process::destroyForcibly, "mldeploy-local-start-" + spec.name());
            Runtime.getRuntime().addShutdownHook(killOnExit); // a JVM killed mid-start leaves no process behind
            try {
                awaitReady(process, port, logFile, ctx);
                Instant started = process.toHandle().info().startInstant().orElse(null);
                return new Started(process.toHandle(), port, started, logFile);
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

    private Process spawn(ModelSpec spec, Path source, Path adapterDir, Path logFile, int port,
                          DeployContext ctx) {
        List<String> command = command(adapterDir, source, port);
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(source.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File(File.separatorChar == '/' ? "/dev/null" : "NUL")))
                .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()))
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.putAll(spec.environment());
        env.put("PYTHONUNBUFFERED", "1");
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        env.put("MLDEPLOY_SETSID", "1");
        env.put("MLDEPLOY_MAX_REQUEST_BYTES", Long.toString(LocalTarget.MAX_REQUEST_BYTES));
        ctx.progress("start", "", "starting " + config.python() + " " + config.contract().script()
                + " on 127.0.0.1:" + port);
        LOG.debug("starting local model '{}': {}", spec.name(), command);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new InvalidConfigurationException("cannot run '" + config.python() + "' for local model '"
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

    private void awaitReady(Process process, int port, Path logFile, DeployContext ctx) {
        String name = ctx.deploymentName();
        long startupEnd = System.nanoTime() + config.startupTimeout().toNanos();
        try {
            Waiter.<Poll>forPhase(ctx, "health-check", "local model '" + name + "' to answer GET /ping on port " + port)
                    .interval(POLL)
                    .poll(() -> {
                        if (!process.isAlive()) {
                            return new Poll(Phase.EXITED, process.exitValue(), -1);
                        }
                        int status = ProcessControl.ping(port, PING_TIMEOUT);
                        if (status == 200) {
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
            Files.createDirectories(adapterDir);
            for (Map.Entry<String, byte[]> f : AdapterFiles.files().entrySet()) {
                Path tmp = adapterDir.resolve(f.getKey() + ".tmp");
                Files.write(tmp, f.getValue());
                Files.move(tmp, adapterDir.resolve(f.getKey()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
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
