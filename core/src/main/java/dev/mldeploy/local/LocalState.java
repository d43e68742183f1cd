package dev.mldeploy.local;

import dev.mldeploy.MlDeployException;
import dev.mldeploy.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
 */
record LocalState(String name, long pid, Instant processStart, int port, String specHash,
                  LocalTarget.Contract contract, Instant createdAt, Instant updatedAt, Path logFile, Path source,
                  String python, long requestTimeoutMs) {
    static final String FILE = "state.json";
    private static final int FORMAT = 1;

    LocalState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(specHash, "specHash");
        Objects.requireNonNull(contract, "contract");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(logFile, "logFile");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(python, "python");
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
        return Json.writePretty(m) + "\n";
    }

    static LocalState fromJson(String json) {
        Map<String, Object> m = Json.parseObject(json);
        Object start = m.get("processStart");
        return new LocalState(str(m, "name"), num(m, "pid"), start == null ? null : Instant.parse(start.toString()),
                (int) num(m, "port"), str(m, "specHash"), LocalTarget.Contract.of(str(m, "contract")),
                Instant.parse(str(m, "createdAt")), Instant.parse(str(m, "updatedAt")), Path.of(str(m, "logFile")),
                Path.of(str(m, "source")), str(m, "python"), num(m, "requestTimeoutMs"));
    }

    /** The state in {@code dir}, or empty when there is none. */
    static Optional<LocalState> read(Path dir) {
        Path file = dir.resolve(FILE);
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new MlDeployException("cannot read local deployment state " + file + ": " + e, e);
        }
        try {
            return Optional.of(fromJson(json));
        } catch (RuntimeException e) {
            throw new MlDeployException("local deployment state " + file + " is damaged (" + e.getMessage()
                    + "); undeploy the deployment or delete " + dir, e);
        }
    }

    /** Writes the state into {@code dir} atomically: a reader sees the old file or the new one, never half. */
    void write(Path dir) {
        Path file = dir.resolve(FILE);
        Path tmp = dir.resolve(FILE + ".tmp");
        try {
            Files.writeString(tmp, toJson(), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new MlDeployException("cannot write local deployment state " + file + ": " + e, e);
        }
    }

    private static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("'" + key + "' is missing");
        }
        return v.toString();
    }

    private static long num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("'" + key + "' is not a number");
        }
        return n.longValue();
    }
}
