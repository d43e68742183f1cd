package dev.mldeploy.python;

import dev.mldeploy.OperationTimeoutException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Runs {@code <python> -m pip ...} (or any {@code <python> -m module ...}) as a child process, bounded by the
 * caller's timeout, streaming each output line to a listener and keeping the last lines for the error.
 *
 * <p>pip's own configuration is left alone on purpose: the child inherits the environment
 * ({@code PIP_INDEX_URL}, {@code PIP_EXTRA_INDEX_URL}, {@code PIP_FIND_LINKS}, {@code PIP_NO_INDEX}) and pip
 * reads {@code pip.conf} itself, so private indexes and offline wheelhouses work unchanged. Lines handed out
 * have credentials in URLs ({@code https://user:secret@host}) redacted. Hand-written because it is a thin
 * wrapper over {@link ProcessBuilder}; no library adds anything here.
 */
public final class Pip {
    /** Lines of output kept for an error message. */
    public static final int TAIL_LINES = 30;
    private static final Pattern URL_CREDENTIALS = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://)[^/@\\s]+@");

    private final Path python;
    private final Path workingDirectory;

    /** @param python the interpreter whose pip runs (an absolute path or a name on the PATH) */
    public Pip(Path python) {
        this(python, null);
    }

    private Pip(Path python, Path workingDirectory) {
        this.python = Objects.requireNonNull(python, "python");
        this.workingDirectory = workingDirectory;
    }

    /**
     * The same runner, with the child's working directory {@code directory}: pip resolves relative paths in a
     * requirements file ({@code ./vendor/pkg.whl}, {@code -e .}) against it, so callers pass the model's directory.
     */
    public Pip in(Path directory) {
        return new Pip(python, Objects.requireNonNull(directory, "directory"));
    }

    /** The interpreter this runs. */
    public Path python() {
        return python;
    }

    /**
     * Runs {@code python -m pip args...}.
     *
     * @param args    pip's arguments, e.g. {@code install --target DIR -r requirements.txt}
     * @param env     variables added to the inherited environment (none removed)
     * @param timeout how long the run may take; the process is killed when it is over
     * @param lines   receives each line pip prints (stdout and stderr merged), redacted
     */
    public Result pip(List<String> args, Map<String, String> env, Duration timeout, Consumer<String> lines) {
        List<String> command = new ArrayList<>();
        command.add("-m");
        command.add("pip");
        command.addAll(args);
        return run(command, env, timeout, lines);
    }

    /** Runs {@code python args...} the same way as {@link #pip}. */
    public Result run(List<String> args, Map<String, String> env, Duration timeout, Consumer<String> lines) {
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(lines, "lines");
        List<String> command = new ArrayList<>();
        command.add(python.toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(nullFile()));
        if (workingDirectory != null) {
            pb.directory(workingDirectory.toFile());
        }
        pb.environment().putAll(env);
        pb.environment().putIfAbsent("PIP_DISABLE_PIP_VERSION_CHECK", "1");  // no network call to check pip itself
        long deadline = System.nanoTime() + timeout.toNanos();
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new DependencyInstallException("cannot run '" + python + "': " + e.getMessage()
                    + "; install Python 3.9 or later or name its executable", List.of(), e);
        }
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String safe = redact(line);
                    synchronized (tail) {
                        tail.addLast(safe);
                        if (tail.size() > TAIL_LINES) {
                            tail.removeFirst();
                        }
                    }
                    lines.accept(safe);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "mldeploy-pip-output");
        reader.setDaemon(true);
        reader.start();
        try {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !process.waitFor(left, TimeUnit.NANOSECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new OperationTimeoutException("'" + python + " " + String.join(" ", args.subList(0,
                        Math.min(3, args.size()))) + " ...' did not finish within " + timeout
                        + "; raise the timeout (--timeout) or use a closer package index");
            }
            reader.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new OperationTimeoutException("interrupted while running " + python + " " + args);
        }
        List<String> kept;
        synchronized (tail) {
            kept = List.copyOf(tail);
        }
        return new Result(process.exitValue(), kept);
    }

    /** {@code https://user:token@host/...} becomes {@code https://***@host/...}. */
    static String redact(String line) {
        return URL_CREDENTIALS.matcher(line).replaceAll("$1***@");
    }

    private static java.io.File nullFile() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    /**
     * How a run ended.
     *
     * @param exitCode the process's exit code
     * @param tail     its last lines of output (at most {@link #TAIL_LINES}), redacted
     */
    public record Result(int exitCode, List<String> tail) {
        public Result {
            tail = List.copyOf(tail);
        }

        public boolean succeeded() {
            return exitCode == 0;
        }

        /** Throws {@link DependencyInstallException} with {@code what} and the tail unless the run succeeded. */
        public Result orThrow(String what) {
            if (!succeeded()) {
                throw new DependencyInstallException(what + " (pip exited with " + exitCode + ")", tail);
            }
            return this;
        }
    }
}
