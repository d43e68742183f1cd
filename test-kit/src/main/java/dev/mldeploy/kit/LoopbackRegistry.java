package dev.mldeploy.kit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real registry on loopback for image tests: Debian's {@code docker-registry} (the distribution registry 2.8)
 * serving plain HTTP on {@code 127.0.0.1} and a free port, storing in a temporary directory. {@link #start()} skips
 * the test (a JUnit assumption) when the binary is missing, waits for {@code GET /v2/} to answer 200 within
 * {@link #START_TIMEOUT}, and {@link #close()} stops it and deletes its storage. Its access log counts requests,
 * so a test can assert that a push uploaded nothing ({@link #blobUploads()}). No Docker involved.
 */
public final class LoopbackRegistry implements AutoCloseable {
    /** Where Debian's package puts the registry. */
    public static final Path BINARY = Path.of("/usr/bin/docker-registry");
    /** How long the registry may take to answer {@code GET /v2/}. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    /** An access-log line of a blob upload's start ({@code POST /v2/<name>/blobs/uploads/}, mounts included). */
    private static final Pattern UPLOAD = Pattern.compile("\"POST /v2/\\S+/blobs/uploads/\\S* HTTP");
    private static final Pattern MANIFEST_PUT = Pattern.compile("\"PUT /v2/\\S+/manifests/\\S+ HTTP");

    private final Process process;
    private final Path home;
    private final Path log;
    private final int port;
    private final RegistryApi api;

    private LoopbackRegistry(Process process, Path home, Path log, int port) {
        this.process = process;
        this.home = home;
        this.log = log;
        this.port = port;
        this.api = new RegistryApi(URI.create("http://127.0.0.1:" + port));
    }

    /**
     * Starts a registry, or skips the calling test when {@link #BINARY} is not installed.
     *
     * @throws IllegalStateException when it does not answer within {@link #START_TIMEOUT}
     */
    public static LoopbackRegistry start() {
        assumeTrue(Files.isExecutable(BINARY), "install Debian's docker-registry (apt-get install docker-registry): "
                + BINARY + " is missing");
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // a free port may be taken between probe and bind
            try {
                return startOnce();
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    private static LoopbackRegistry startOnce() {
        Path home;
        int port;
        try {
            home = Files.createTempDirectory("mldeploy-registry-");
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path storage = Files.createDirectories(home.resolve("storage"));
            Path config = home.resolve("config.yml");
            Files.writeString(config, String.join("\n",
                    "version: 0.1",
                    "log:",
                    "  level: info",
                    "storage:",
                    "  filesystem:",
                    "    rootdirectory: " + storage.toAbsolutePath(),
                    "  delete:",
                    "    enabled: true",
                    "http:",
                    "  addr: 127.0.0.1:" + port,
                    ""), StandardCharsets.UTF_8);
            Path log = home.resolve("registry.log");
            Process p = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            LoopbackRegistry r = new LoopbackRegistry(p, home, log, port);
            try {
                r.awaitReady();
            } catch (RuntimeException e) {
                r.close();
                throw e;
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + BINARY, e);
        }
    }

    private void awaitReady() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited with " + process.exitValue() + ": "
                        + tail());
            }
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(url() + "/v2/"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for docker-registry", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for docker-registry", e);
            }
        }
        throw new IllegalStateException("docker-registry did not answer GET /v2/ within " + START_TIMEOUT + ": "
                + tail());
    }

    /** {@code 127.0.0.1:<port>}: the registry part of an image reference. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://" + host();
    }

    /** {@code 127.0.0.1:<port>/<repositoryAndTag>}. */
    public String reference(String repositoryAndTag) {
        return host() + "/" + repositoryAndTag;
    }

    /** A client of this registry's HTTP API. */
    public RegistryApi api() {
        return api;
    }

    /** The registry's storage directory. */
    public Path storage() {
        return home.resolve("storage");
    }

    /** Blob uploads started so far (each {@code POST .../blobs/uploads/}, cross-repository mounts included). */
    public int blobUploads() {
        return count(UPLOAD);
    }

    /** Manifests put so far. */
    public int manifestPuts() {
        return count(MANIFEST_PUT);
    }

    /** The access log's lines so far. */
    public List<String> accessLog() {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("127.0.0.1 "))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int count(Pattern p) {
        return (int) accessLog().stream().filter(l -> p.matcher(l).find()).count();
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Stops the registry and deletes its storage. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try (Stream<Path> s = Files.walk(home)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + home, e);
        }
    }
}
