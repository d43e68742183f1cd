package dev.mldeploy.local;

import dev.mldeploy.MlDeployException;
import dev.mldeploy.spi.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code <home>/local/<name>/state.json} records about one local deployment.
 *
 * @param name               the deployment's name
 * @param pid                the model process
 * @param processStart       when that process started (guards against a reused pid), when the OS says
 * @param port               the port it listens on, on 127.0.0.1
 * @param specHash           the fingerprint of the spec it runs
 * @param contract           the serving contract
 * @param createdAt          when the deployment was first made
 * @param updatedAt          when its process was last (re)started
 * @param logFile            the process's stdout and stderr
 * @param source             the model directory it serves
 * @param python             the Python executable
 * @param requestTimeoutMs   how long an invocation may take
 * @param token              the secret the process proves its identity with ({@link AdapterIdentity})
 * @param environment        the spec's environment for the process (needed to start this version again); null when
 *                           written by a version of mldeploy that did not record it
 * @param previous           the version it ran before its last change, kept for rollback; null when none
 */
record LocalState(String name, long pid, Instant processStart, int port, String specHash,
                  LocalTarget.Contract contract, Instant createdAt, Instant updatedAt, Path logFile, Path source,
                  String python, long requestTimeoutMs, String token, Map<String, String> environment,
                  Version previous) {
    static final String FILE = "state.json";
    /** 2: with the token. Format 1 (no token) is read as damaged: its process cannot prove it is ours. */
    static final int FORMAT = 2;
    private static final Pattern PID = Pattern.compile("\"pid\"\\s*:\\s*(\\d{1,10})\\s*[,}\\s]");
    private static final Pattern START = Pattern.compile("\"processStart\"\\s*:\\s*\"([0-9TZ:.+-]{10,40})\"");

    LocalState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(specHash, "specHash");
        Objects.requireNonNull(contract, "contract");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(logFile, "logFile");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(python, "python");
        Objects.requireNonNull(token, "token");
        environment = environment == null ? null : Map.copyOf(environment);
    }

    /** A state with no environment and no previous version recorded. */
    LocalState(String name, long pid, Instant processStart, int port, String specHash, LocalTarget.Contract contract,
               Instant createdAt, Instant updatedAt, Path logFile, Path source, String python, long requestTimeoutMs,
               String token) {
        this(name, pid, processStart, port, specHash, contract, createdAt, updatedAt, logFile, source, python,
                requestTimeoutMs, token, null, null);
    }

    /**
     * What it takes to start one version of a deployment again: its spec's fingerprint, model directory, environment
     * and request timeout, and the contract and Python it ran with.
     */
    record Version(String specHash, Path source, Map<String, String> environment, long requestTimeoutMs,
                   LocalTarget.Contract contract, String python) {
        Version {
            Objects.requireNonNull(specHash, "specHash");
            Objects.requireNonNull(source, "source");
            environment = environment == null ? null : Map.copyOf(environment);
            Objects.requireNonNull(contract, "contract");
            Objects.requireNonNull(python, "python");
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("specHash", specHash);
            m.put("source", source.toString());
            m.put("environment", environment == null ? null : new java.util.TreeMap<>(environment));
            m.put("requestTimeoutMs", requestTimeoutMs);
            m.put("contract", contract.id());
            m.put("python", python);
            return m;
        }

        static Version fromMap(Map<String, Object> m) {
            return new Version(str(m, "specHash"), Path.of(str(m, "source")), strings(m, "environment"),
                    num(m, "requestTimeoutMs"), LocalTarget.Contract.of(str(m, "contract")), str(m, "python"));
        }
    }

    /** The version this state runs, to keep as the previous one when it is replaced. */
    Version version() {
        return new Version(specHash, source, environment, requestTimeoutMs, contract, python);
    }

    LocalState withPrevious(Version v) {
        return new LocalState(name, pid, processStart, port, specHash, contract, createdAt, updatedAt, logFile,
                source, python, requestTimeoutMs, token, environment, v);
    }

    AdapterIdentity identity() {
        return new AdapterIdentity(token);
    }

    /** Hides the token. */
    @Override
    public String toString() {
        return "LocalState[name=" + name + ", pid=" + pid + ", port=" + port + ", specHash=" + specHash + "]";
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("name", name);
        m.put("pid", pid);
        m.put("processStart", processStart == null ? null : processStart.toString());
        m.put("port", port);
        m.put("specHash", specHash);
        m.put("contract", contract.id());
        m.put("createdAt", createdAt.toString());
        m.put("updatedAt", updatedAt.toString());
        m.put("logFile", logFile.toString());
        m.put("source", source.toString());
        m.put("python", python);
        m.put("requestTimeoutMs", requestTimeoutMs);
        m.put("token", token);
        m.put("environment", environment == null ? null : new java.util.TreeMap<>(environment));
        m.put("previous", previous == null ? null : previous.toMap());
        return Json.writePretty(m) + "\n";
    }

    static LocalState fromJson(String json) {
        Map<String, Object> m = Json.parseObject(json);
        Object format = m.get("format");
        if (!(format instanceof Number f) || f.longValue() != FORMAT) {
            throw new IllegalArgumentException("format " + format + " is not " + FORMAT + " (written by "
                    + (format instanceof Number f && f.longValue() < FORMAT ? "an earlier" : "another")
                    + " version of mldeploy)");
        }
        String start = optionalStr(m, "processStart");
        long port = num(m, "port");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'port' " + port + " is not a port");
        }
        return new LocalState(str(m, "name"), num(m, "pid"), start == null ? null : Instant.parse(start), (int) port,
                str(m, "specHash"), LocalTarget.Contract.of(str(m, "contract")), Instant.parse(str(m, "createdAt")),
                Instant.parse(str(m, "updatedAt")), Path.of(str(m, "logFile")), Path.of(str(m, "source")),
                str(m, "python"), num(m, "requestTimeoutMs"), str(m, "token"), strings(m, "environment"),
                previous(m));
    }

    private static Version previous(Map<String, Object> m) {
        Object v = m.get("previous");
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("'previous' is not an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) v;
        return Version.fromMap(map);
    }

    /** A map of strings, or null when absent. */
    private static Map<String, String> strings(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("'" + key + "' is not an object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String value)) {
                throw new IllegalArgumentException("'" + key + "." + e.getKey() + "' is not a string");
            }
            out.put(String.valueOf(e.getKey()), value);
        }
        return out;
    }

    /**
     * The state in {@code dir}, or empty when there is none.
     *
     * @throws DamagedStateException the file is there but cannot be used: what could be read of it comes along
     */
    static Optional<LocalState> read(Path dir) {
        Path file = dir.resolve(FILE);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new DamagedStateException(file, "cannot be read: " + e, 0, null, e);
        }
        String json = new String(bytes, StandardCharsets.UTF_8);
        try {
            return Optional.of(fromJson(json));
        } catch (RuntimeException | StackOverflowError e) {
            long pid = 0;
            Instant start = null;
            Matcher p = PID.matcher(json);
            if (p.find()) {
                pid = Long.parseLong(p.group(1));
            }
            Matcher st = START.matcher(json);
            if (st.find()) {
                try {
                    start = Instant.parse(st.group(1));
                } catch (RuntimeException ignored) {
                    // unknown: the process is then recognised by its command line alone
                }
            }
            throw new DamagedStateException(file, "is damaged (" + e.getMessage() + ")", pid, start, e);
        }
    }

    /** Writes the state into {@code dir} atomically (0600): a reader sees the old file or the new one, never half. */
    void write(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            PrivateFiles.write(file, toJson().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new MlDeployException("cannot write local deployment state " + file + ": " + e, e);
        }
    }

    private static String optionalStr(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v != null && !(v instanceof String)) {
            throw new IllegalArgumentException("'" + key + "' is not a string");
        }
        return (String) v;
    }

    private static String str(Map<String, Object> m, String key) {
        String v = optionalStr(m, key);
        if (v == null) {
            throw new IllegalArgumentException("'" + key + "' is missing");
        }
        return v;
    }

    private static long num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number n) || n.doubleValue() != n.longValue()) {
            throw new IllegalArgumentException("'" + key + "' is not a whole number");
        }
        return n.longValue();
    }

    /** A state file that is there but cannot be used; carries the pid and start instant if they could be read. */
    static final class DamagedStateException extends MlDeployException {
        private static final long serialVersionUID = 1L;
        private final String reason;
        private final long pid;
        private final transient Instant processStart;

        DamagedStateException(Path file, String reason, long pid, Instant processStart, Throwable cause) {
            super("local deployment state " + file + " " + reason + "; undeploy the deployment to stop its process "
                    + "and remove its state, then deploy again", cause);
            this.reason = reason;
            this.pid = pid;
            this.processStart = processStart;
        }

        /** Why the file cannot be used. */
        String reason() {
            return reason;
        }

        /** The pid the file names, 0 when it could not be read. */
        long pid() {
            return pid;
        }

        /** The start instant the file names, null when it could not be read. */
        Instant processStart() {
            return processStart;
        }
    }
}
