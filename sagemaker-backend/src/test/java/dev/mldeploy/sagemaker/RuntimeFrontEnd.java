package dev.mldeploy.sagemaker;

import com.sun.net.httpserver.HttpExchange;
import dev.mldeploy.spi.Json;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * For the tests: what SageMaker's runtime does in front of a serving container, on 127.0.0.1. {@code POST
 * /endpoints/NAME/invocations} is forwarded to the container's {@code POST /invocations} with its body, Content-Type
 * and Accept; a 2xx comes back as InvokeEndpoint's answer (body, Content-Type, {@code x-Amzn-Invoked-Production-
 * Variant}), any other status as the {@code ModelError} SageMaker sends (HTTP 424, the container's status in
 * {@code OriginalStatusCode} and its body in {@code OriginalMessage}, the shape botocore's model gives). moto's
 * InvokeEndpoint answers 200 with queued results whatever the model does, so this is how a test sends a real
 * container's 4xx and 5xx through the real SDK to mldeploy's invoker. Close it to stop it.
 */
final class RuntimeFrontEnd implements AutoCloseable {
    private static final String PREFIX = "/endpoints/";
    private static final String SUFFIX = "/invocations";

    private final HttpServer server;
    private final URI container;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> endpointsCalled = new CopyOnWriteArrayList<>();

    /** Listens on 127.0.0.1 and a free port, in front of the container at {@code container} (its base URI). */
    RuntimeFrontEnd(URI container) throws IOException {
        this.container = container;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
    }

    /** The endpoint override for a {@code SageMakerRuntimeClient}. */
    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The endpoint names of the InvokeEndpoint calls received, in order. */
    List<String> endpointsCalled() {
        return List.copyOf(endpointsCalled);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (!"POST".equals(ex.getRequestMethod()) || !path.startsWith(PREFIX) || !path.endsWith(SUFFIX)) {
                reply(ex, 404, "application/json", "{\"message\": \"not InvokeEndpoint\"}".getBytes(
                        StandardCharsets.UTF_8), null);
                return;
            }
            endpointsCalled.add(path.substring(PREFIX.length(), path.length() - SUFFIX.length()));
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(container.resolve("/invocations"))
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
            String contentType = ex.getRequestHeaders().getFirst("Content-Type");
            String accept = ex.getRequestHeaders().getFirst("Accept");
            if (contentType != null) {
                forward.header("Content-Type", contentType);
            }
            if (accept != null) {
                forward.header("Accept", accept);
            }
            HttpResponse<byte[]> answer;
            try {
                answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            String answerType = answer.headers().firstValue("Content-Type").orElse("application/octet-stream");
            if (answer.statusCode() / 100 == 2) {
                reply(ex, 200, answerType, answer.body(), "AllTraffic");
                return;
            }
            String original = new String(answer.body(), StandardCharsets.UTF_8);
            String kind = answer.statusCode() / 100 == 4 ? "client" : "server";
            String message = "Received " + kind + " error (" + answer.statusCode() + ") from primary with message \""
                    + original + "\". See the endpoint's log in account 123456789012 for more information.";
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("ErrorCode", kind.toUpperCase(java.util.Locale.ROOT) + "_ERROR_FROM_MODEL");
            error.put("LogStreamArn", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/it");
            error.put("Message", message);
            error.put("OriginalMessage", original);
            error.put("OriginalStatusCode", answer.statusCode());
            ex.getResponseHeaders().add("x-amzn-ErrorType", "ModelError");
            reply(ex, 424, "application/json", Json.write(error).getBytes(StandardCharsets.UTF_8), null);
        }
    }

    private static void reply(HttpExchange ex, int status, String contentType, byte[] body, String variant)
            throws IOException {
        ex.getResponseHeaders().add("Content-Type", contentType);
        if (variant != null) {
            ex.getResponseHeaders().add("x-Amzn-Invoked-Production-Variant", variant);
        }
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
