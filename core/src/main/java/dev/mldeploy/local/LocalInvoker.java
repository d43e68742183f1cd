package dev.mldeploy.local;

import dev.mldeploy.DeploymentNotFoundException;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.InvocationException;
import dev.mldeploy.spi.Invoker;
import dev.mldeploy.spi.ModelErrorPayload;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Sends requests to a local model process over one shared HTTP/1.1 client (kept-alive connections).
 * Thread-safe. When the process refuses the connection it re-reads the state once: a redeploy may have moved it
 * to another port. When the JDK client closed a pooled connection as it handed it out (its idle-connection cleanup
 * racing the request, seen as "connection closed locally") the request is sent once more.
 */
final class LocalInvoker implements Invoker {
    static final String MODEL_ERROR_HEADER = "X-Mldeploy-Error";

    private final String name;
    private final Supplier<Optional<LocalState>> reread;
    private final HttpClient http;
    private volatile LocalState state;
    private volatile URI uri;

    LocalInvoker(LocalState state, Supplier<Optional<LocalState>> reread) {
        this.name = state.name();
        this.reread = reread;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .proxy(HttpClient.Builder.NO_PROXY)
                .build();
        use(state);
    }

    private void use(LocalState s) {
        this.state = s;
        this.uri = URI.create(s.endpoint() + "/invocations");
    }

    @Override
    public long maxRequestBytes() {
        return LocalTarget.MAX_REQUEST_BYTES;
    }

    @Override
    public InferenceResponse invoke(InferenceRequest request) {
        LocalState s = state;
        try {
            return send(s, request);
        } catch (IOException e) {
            IOException last = e;
            if (closedLocally(e)) {
                // java.net.http's pool closed a kept-alive connection just as it handed it out, before the request
                // reached the server (which saw only the close): send once more on a fresh connection
                try {
                    return send(s, request);
                } catch (IOException e2) {
                    last = e2;
                }
            }
            // nothing listens, or the process behind a kept-alive connection died: find out where the model went
            if (last instanceof ConnectException || ProcessControl.live(s.pid(), s.processStart()).isEmpty()) {
                return unreachable(s, request, last);
            }
            throw failed(s, last);
        }
    }

    /** The process at {@code s} cannot be reached: follow a redeploy, or say it was removed or is not running. */
    private InferenceResponse unreachable(LocalState s, InferenceRequest request, IOException cause) {
        Optional<LocalState> now = reread.get();
        if (now.isEmpty()) {
            throw new DeploymentNotFoundException(name, "local deployment '" + name + "' was undeployed; "
                    + "deploy it again");
        }
        if (now.get().port() != s.port() || now.get().pid() != s.pid()) {
            use(now.get()); // redeployed meanwhile: follow it
            try {
                return send(now.get(), request);
            } catch (ConnectException e2) {
                throw notRunning(now.get(), e2);
            } catch (IOException e2) {
                throw failed(now.get(), e2);
            }
        }
        throw notRunning(s, cause);
    }

    /** Whether the client itself closed the connection: the request never reached the model. */
    private static boolean closedLocally(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException && "connection closed locally".equals(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    private InferenceResponse send(LocalState s, InferenceRequest request) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(s == state ? uri : URI.create(s.endpoint() + "/invocations"))
                .timeout(Duration.ofMillis(s.requestTimeoutMs()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.bodyUnsafe()));
        if (request.contentType() != null) {
            b.header("Content-Type", request.contentType());
        }
        if (request.accept() != null) {
            b.header("Accept", request.accept());
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InvocationException("interrupted while invoking local model '" + name + "'", e);
        }
        int status = response.statusCode();
        byte[] body = response.body();
        if (status == 200) {
            return new InferenceResponse(body, response.headers().firstValue("Content-Type").orElse(null),
                    LocalTarget.NAME, null, null);
        }
        if (status == 500 && response.headers().firstValue(MODEL_ERROR_HEADER).isPresent()) {
            Optional<? extends InvocationException> modelError = ModelErrorPayload.parse(LocalTarget.NAME, status,
                    body, s.logFile().toString(), null);
            throw modelError.isPresent() ? modelError.get() : new InvocationException("local model '" + name + "' reported a model error "
                            + "without the error body; see its log " + s.logFile(), null, status, false);
        }
        String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
        throw new InvocationException("local model '" + name + "' answered HTTP " + status
                + (text.isBlank() ? "" : ": " + text) + (status == 503 ? " (it is still loading)" : "")
                + "; its log: " + s.logFile(), null, status, status == 503);
    }

    private InvocationException notRunning(LocalState s, IOException e) {
        return new InvocationException("local model '" + name + "' is not running: nothing listens on "
                + s.endpoint() + " (process pid " + s.pid() + "); deploy it again to restart it (its log: "
                + s.logFile() + ")", e);
    }

    private InvocationException failed(LocalState s, IOException e) {
        if (e instanceof HttpTimeoutException) {
            return new InvocationException("local model '" + name + "' did not answer within "
                    + s.requestTimeoutMs() + " ms (the spec's maximum inference time plus a margin); its log: "
                    + s.logFile(), e, -1, true);
        }
        return new InvocationException("invoking local model '" + name + "' on " + s.endpoint() + " failed: " + e
                + "; its log: " + s.logFile(), e, -1, true);
    }
}
