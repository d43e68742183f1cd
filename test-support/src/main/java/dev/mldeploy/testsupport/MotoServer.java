package dev.mldeploy.testsupport;

import dev.mldeploy.aws.AwsEnvironment;
import dev.mldeploy.spi.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a moto server: starts {@code python3 -m moto.server} on 127.0.0.1 and a free port (installing
 * {@code moto[server]} with pip only when it is missing), talks to its {@code /moto-api}, and stops it.
 * Also wraps a moto server someone else started ({@link #attach(URI)}).
 */
public final class MotoServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MotoServer.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final String MOTO_VERSION = "5.2.1";

    private final URI endpoint;
    private final Process process;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    private MotoServer(URI endpoint, Process process, Path log) {
        this.endpoint = endpoint;
        this.process = process;
        this.log = log;
    }

    /** Wraps a server already running at {@code endpoint}. */
    public static MotoServer attach(URI endpoint) {
        return new MotoServer(endpoint, null, null);
    }

    /**
     * Whether {@code endpoint} answers moto's admin API. Asks {@code GET /moto-api/config} (small, answers 201),
     * not {@code data.json}, which dumps every resource and answers 500 once a Lambda function exists.
     */
    public static boolean isMoto(URI endpoint) {
        try {
            return attach(endpoint).get("/moto-api/config").statusCode() / 100 == 2;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether this machine can start moto: python3 with the moto package (after a pip install if needed). */
    public static String python() {
        return System.getenv().getOrDefault("MLDEPLOY_PYTHON", "python3");
    }

    /**
     * Starts moto on 127.0.0.1 and a free port, with AWS managed IAM policies loaded and Lambda configured to run
     * without Docker.
     *
     * @throws IllegalStateException python3 or moto cannot be had, or the server does not come up
     */
    public static MotoServer start() {
        ensureMotoInstalled();
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            Path log;
            try {
                log = Files.createTempFile("moto-" + port + "-", ".log");
            } catch (IOException e) {
                throw new IllegalStateException("cannot create a log file for moto", e);
            }
            ProcessBuilder pb = new ProcessBuilder(python(), "-m", "moto.server", "-H", "127.0.0.1", "-p",
                    Integer.toString(port));
            pb.environment().put("MOTO_IAM_LOAD_MANAGED_POLICIES", "true");
            pb.environment().remove(AwsEnvironment.ENDPOINT_URL);
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start " + python() + " -m moto.server: " + e.getMessage(), e);
            }
            MotoServer server = new MotoServer(URI.create("http://127.0.0.1:" + port), p, log);
            try {
                server.awaitReady();
                server.configureLambdaWithoutDocker();
                LOG.info("moto {} started at {} (log {})", MOTO_VERSION, server.endpoint, log);
                return server;
            } catch (IllegalStateException e) {
                server.close();
                last = e;
            }
        }
        throw last;
    }

    private static void ensureMotoInstalled() {
        if (runQuietly(python(), "-c", "import moto.server") == 0) {
            return;
        }
        LOG.warn("moto is not importable by {}; installing moto[server]=={} with pip", python(), MOTO_VERSION);
        int rc = runQuietly(python(), "-m", "pip", "install", "--quiet", "moto[server]==" + MOTO_VERSION);
        if (rc != 0 || runQuietly(python(), "-c", "import moto.server") != 0) {
            throw new IllegalStateException("moto is not installed and 'pip install moto[server]==" + MOTO_VERSION
                    + "' failed (exit " + rc + "); install it, or set AWS_ENDPOINT_URL to a running emulator");
        }
    }

    private static int runQuietly(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port on 127.0.0.1", e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto exited with " + process.exitValue() + ": " + logTail());
            }
            try {
                if (get("/moto-api/config").statusCode() / 100 == 2) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for moto", e);
            }
        }
        throw new IllegalStateException("moto did not answer within " + START_TIMEOUT.toSeconds() + " s: "
                + logTail());
    }

    private String logTail() {
        if (log == null) {
            return "";
        }
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Forgets every resource, then configures Lambda without Docker again. */
    public void reset() {
        post("/moto-api/reset", "");
        configureLambdaWithoutDocker();
    }

    public void configureLambdaWithoutDocker() {
        post("/moto-api/config", "{\"lambda\":{\"use_docker\":false}}");
    }

    public void queueSageMakerResults(List<Map<String, String>> results, String region) {
        List<String> items = new ArrayList<>();
        for (Map<String, String> r : results) {
            List<String> fields = new ArrayList<>();
            r.forEach((k, v) -> fields.add(quote(k) + ":" + quote(v)));
            items.add("{" + String.join(",", fields) + "}");
        }
        post("/moto-api/static/sagemaker/endpoint-results",
                "{\"results\":[" + String.join(",", items) + "],\"region\":" + quote(region) + "}");
    }

    public void queueLambdaResults(List<String> results, String region) {
        List<String> items = results.stream().map(MotoServer::quote).toList();
        post("/moto-api/static/lambda-simple/response",
                "{\"results\":[" + String.join(",", items) + "],\"region\":" + quote(region) + "}");
    }

    private HttpResponse<String> get(String path) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(endpoint.resolve(path)).timeout(Duration.ofSeconds(10)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private void post(String path, String body) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint.resolve(path))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException("moto " + path + " answered " + r.statusCode() + ": " + r.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("moto " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String quote(String s) {
        return Json.quote(s);
    }

    /** Whether this object started the server (and so stops it on close). */
    public boolean owned() {
        return process != null;
    }

    /** Stops the server if this object started it: SIGTERM, then SIGKILL after 5 s. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
