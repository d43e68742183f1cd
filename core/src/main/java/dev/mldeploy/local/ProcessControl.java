package dev.mldeploy.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Processes, ports and logs of the local target: liveness, health checks, stopping. Stateless. */
final class ProcessControl {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** A recorded start instant and the OS's may differ by rounding; a reused pid differs by far more. */
    private static final Duration START_TOLERANCE = Duration.ofSeconds(1);

    private ProcessControl() {
    }

    /** The process {@code pid} if it runs and is the one that started at {@code start} (null: not checked). */
    static Optional<ProcessHandle> live(long pid, Instant start) {
        if (pid <= 0) {
            return Optional.empty();
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessControl::running);
        if (handle.isEmpty() || start == null) {
            return handle;
        }
        Optional<Instant> actual = handle.get().info().startInstant();
        if (actual.isPresent() && Duration.between(actual.get(), start).abs().compareTo(START_TOLERANCE) > 0) {
            return Optional.empty(); // the pid was reused by another process
        }
        return handle;
    }

    /**
     * The start time of {@code pid} in clock ticks since boot (field 22 of {@code /proc/<pid>/stat}) while it runs
     * and is no zombie; null when it does not run or there is no {@code /proc}. One small read: the check the invoker
     * repeats before every request, once {@link #live} made the full one.
     */
    static String startTicks(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            int close = s.lastIndexOf(')');
            String[] f = s.substring(close + 2).split(" ");
            // f[0] is field 3 (the state), so field 22 is f[19]
            return f.length > 19 && !f[0].equals("Z") && !f[0].equals("X") ? f[19] : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Alive and not a zombie (a zombie keeps its /proc entry, and Java calls it alive, until it is reaped). */
    static boolean running(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        Path stat = Path.of("/proc", Long.toString(p.pid()), "stat");
        try {
            String s = Files.readString(stat, StandardCharsets.US_ASCII);
            int close = s.lastIndexOf(')');
            if (close > 0 && close + 2 < s.length()) {
                char state = s.charAt(close + 2);
                return state != 'Z' && state != 'X';
            }
            return true;
        } catch (IOException e) {
            return p.isAlive(); // no /proc (not Linux), or the process just went away
        }
    }

    /**
     * The process {@code pid} if it runs, started at {@code start} (when known) and runs the adapter in
     * {@code adapterDir}: for a damaged state, whose start instant may be unreadable, the command line is the proof
     * that the pid was not reused by another program.
     */
    static Optional<ProcessHandle> ours(long pid, Instant start, Path adapterDir) {
        return live(pid, start).filter(p -> runsAdapter(p, adapterDir));
    }

    /** Running processes whose command line runs the adapter in {@code adapterDir} (only a deployment's own do). */
    static List<ProcessHandle> runningAdapter(Path adapterDir) {
        return ProcessHandle.allProcesses().filter(ProcessControl::running).filter(p -> runsAdapter(p, adapterDir))
                .toList();
    }

    private static boolean runsAdapter(ProcessHandle p, Path adapterDir) {
        String prefix = adapterDir.toAbsolutePath().normalize() + java.io.File.separator;
        return p.info().arguments().map(args -> java.util.Arrays.stream(args).anyMatch(a -> a.startsWith(prefix)))
                .orElse(false);
    }

    /** What {@code GET /ping} answered: the HTTP status (-1: nothing) and whether the answer proved its identity. */
    record Probe(int status, boolean proven) {
        static final Probe NOTHING = new Probe(-1, false);

        boolean ready() {
            return proven && status == 200;
        }
    }

    /**
     * Sends {@code GET /ping} to 127.0.0.1:{@code port}, without identity.
     *
     * @return the HTTP status, or -1 when nothing answered (refused, reset, timed out)
     */
    static int ping(int port, Duration timeout) {
        return probe(port, timeout, null, -1).status();
    }

    /**
     * Sends {@code GET /ping} to 127.0.0.1:{@code port} with a fresh nonce authorized by {@code identity}, and checks
     * that the answer proves it comes from process {@code pid} holding the same token. No body is sent.
     */
    static Probe probe(int port, Duration timeout, AdapterIdentity identity, long pid) {
        int ms = (int) Math.max(1, timeout.toMillis());
        String nonce = AdapterIdentity.nonce();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LOOPBACK, port), ms);
            s.setSoTimeout(ms);
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            String auth = identity == null ? "" : AdapterIdentity.AUTH_HEADER + ": " + identity.authorization(nonce)
                    + "\r\n";
            out.write(("GET /ping HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n" + auth + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String[] parts = readLine(in).trim().split(" ");
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                return Probe.NOTHING;
            }
            int status = Integer.parseInt(parts[1]);
            String pidHeader = null;
            String proof = null;
            for (int i = 0; i < 50; i++) {
                String line = readLine(in);
                if (line.isBlank()) {
                    break;
                }
                int colon = line.indexOf(':');
                if (colon > 0) {
                    String key = line.substring(0, colon).trim();
                    String value = line.substring(colon + 1).trim();
                    if (key.equalsIgnoreCase(AdapterIdentity.PID_HEADER)) {
                        pidHeader = value;
                    } else if (key.equalsIgnoreCase(AdapterIdentity.PROOF_HEADER)) {
                        proof = value;
                    }
                }
            }
            return new Probe(status, identity != null && identity.proves(nonce, pid, pidHeader, proof));
        } catch (IOException | NumberFormatException e) {
            return Probe.NOTHING;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n' && line.length() < 500) {
            line.append((char) c);
        }
        return line.toString();
    }

    /** A port that is free on 127.0.0.1 right now (another process may still take it before we bind it). */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot find a free port on 127.0.0.1", e);
        }
    }

    /** Whether nothing listens on 127.0.0.1:{@code port}: we can bind it. */
    static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(LOOPBACK, port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Stops {@code p}: SIGTERM, up to {@code grace} for it to exit, then SIGKILL.
     *
     * @return whether it was killed forcibly
     */
    static boolean stop(ProcessHandle p, Duration grace) {
        if (!running(p)) {
            return false;
        }
        p.destroy();
        if (waitForExit(p, grace)) {
            return false;
        }
        p.destroyForcibly();
        waitForExit(p, Duration.ofSeconds(10));
        return true;
    }

    /** Waits until {@code p} is gone; returns whether it is. */
    static boolean waitForExit(ProcessHandle p, Duration max) {
        long end = System.nanoTime() + max.toNanos();
        while (running(p)) {
            if (System.nanoTime() - end >= 0) {
                return false;
            }
            sleep(25);
        }
        return true;
    }

    /** Waits until the port is free; returns whether it is. */
    static boolean waitForPortFree(int port, Duration max) {
        long end = System.nanoTime() + max.toNanos();
        while (!portFree(port)) {
            if (System.nanoTime() - end >= 0) {
                return false;
            }
            sleep(25);
        }
        return true;
    }

    /** The last {@code n} lines of {@code file} (at most the last 64 KB of it); empty when unreadable. */
    static List<String> tail(Path file, int n) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            int chunk = (int) Math.min(len, 64 * 1024);
            byte[] buf = new byte[chunk];
            f.seek(len - chunk);
            f.readFully(buf);
            String[] lines = new String(buf, StandardCharsets.UTF_8).split("\r?\n");
            List<String> out = new ArrayList<>();
            for (int i = Math.max(0, lines.length - n); i < lines.length; i++) {
                out.add(lines[i]);
            }
            while (!out.isEmpty() && out.get(out.size() - 1).isBlank()) {
                out.remove(out.size() - 1);
            }
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.mldeploy.MlDeployException("interrupted while waiting for a local model process", e);
        }
    }
}
