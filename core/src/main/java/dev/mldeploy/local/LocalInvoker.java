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
 * Sends requests to a local model process over one shared HTTP/1.1 client (kept-alive connections). Thread-safe.
 *
 * <p>A payload goes only to the process mldeploy started: before each request the recorded process must run (its pid
 * with its start instant: a reused pid is another process), and before the first request to a process it must prove
 * that it holds the deployment's token ({@link AdapterIdentity}) in answer to a {@code GET /ping} that carries no
 * payload. Every answer must carry that proof too, or it is discarded. While the process runs it holds its port, so
 * nothing else can take it; once it is gone nothing is sent to the port. When the process is not running the state
 * is read again: a redeploy may have started another. When the JDK client closed a pooled connection as it handed it
 * out (its idle-connection cleanup racing the request, seen as "connection closed locally") the request is sent once
 * more.
 */
final class LocalInvoker implements Invoker {
    static final String MODEL_ERROR_HEADER = "X-Mldeploy-Error";
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);

    /**
     * The state requests go to, whether its process proved its identity, and (once it did) its start time in clock
     * ticks, which one read of {@code /proc/<pid>/stat} checks before each request (null: no {@code /proc}).
     */
    private record Target(LocalState state, AdapterIdentity identity, URI uri, boolean verified, String ticks) {
        static Target of(LocalState s) {
            return new Target(s, s.identity(), URI.create(s.endpoint() + "/invocations"), false, null);
        }

        Target verifiedTarget(String ticks) {
            return new Target(state, identity, uri, true, ticks);
        }

        /** Whether the recorded process still runs: the pid with its start instant, not a reused pid. */
        boolean running() {
            if (ticks != null) {
                return ticks.equals(ProcessControl.startTicks(state.pid()));
            }
            return ProcessControl.live(state.pid(), state.processStart()).isPresent();
        }
    }

    private final String name;
    private final Supplier<Optional<LocalState>> reread;
    private final HttpClient http;
    private volatile Target target;

    LocalInvoker(LocalState state, Supplier<Optional<LocalState>> reread) {
        this.name = state.name();
        this.reread = reread;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .proxy(HttpClient.Builder.NO_PROXY)
                .build();
        this.target = Target.of(state);
    }

    @Override
    public long maxRequestBytes() {
        return LocalTarget.MAX_REQUEST_BYTES;
    }

    @Override
    public InferenceResponse invoke(InferenceRequest request) {
        Target t = trusted();
        try {
            return send(t, request);
        } catch (IOException e) {
            IOException last = e;
            if (closedLocally(e)) {
                // java.net.http's pool closed a kept-alive connection just as it handed it out, before the request
                // reached the server (which saw only the close): send once more on a fresh connection
                try {
                    return send(trusted(), request);
                } catch (IOException e2) {
                    last = e2;
                }
            }
            LocalState s = t.state();
            if (last instanceof ConnectException || ProcessControl.live(s.pid(), s.processStart()).isEmpty()) {
                // the process died (behind a kept-alive connection, or before we connected): a redeploy may have
                // started another; trusted() checks it before anything is sent
                Target now = trusted();
                if (now.state() == s) {
                    throw notRunning(s, last);
                }
                try {
                    return send(now, request);
                } catch (IOException e2) {
                    throw failed(now.state(), e2);
                }
            }
            throw failed(s, last);
        }
    }

    /**
     * The target to send to, checked: its recorded process runs (pid and start instant) and has proved its identity.
     * Follows a redeploy; throws when the deployment is gone, is not running, or its port answers for another.
     */
    private Target trusted() {
        Target t = target;
        LocalState s = t.state();
        if (!t.running()) {
            Optional<LocalState> now = reread.get();
            if (now.isEmpty()) {
                throw new DeploymentNotFoundException(name, "local deployment '" + name + "' was undeployed; "
                        + "deploy it again");
            }
            LocalState n = now.get();
            if (n.pid() == s.pid() && n.port() == s.port() && n.token().equals(s.token())
                    || ProcessControl.live(n.pid(), n.processStart()).isEmpty()) {
                throw notRunning(n, null);
            }
            t = Target.of(n); // redeployed meanwhile: follow it
        }
        if (!t.verified() || t.state().processStart() == null) {
            t = handshake(t);
            target = t;
        }
        return t;
    }

    /** Asks the process to prove its identity, with no payload; throws when it cannot. */
    private Target handshake(Target t) {
        LocalState s = t.state();
        ProcessControl.Probe probe = ProcessControl.probe(s.port(), HANDSHAKE_TIMEOUT, t.identity(), s.pid());
        if (probe.proven()) {
            // the full check (pid and start instant) passed just before; from now on its start ticks stand for it
            String ticks = ProcessControl.startTicks(s.pid());
            return t.verifiedTarget(ProcessControl.live(s.pid(), s.processStart()).isPresent() ? ticks : null);
        }
        if (probe.status() < 0) {
            throw notRunning(s, null);
        }
        throw notOurs(s, "GET /ping answered HTTP " + probe.status() + " without proving it is that process; "
                + "nothing was sent to it");
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

    private InferenceResponse send(Target t, InferenceRequest request) throws IOException {
        LocalState s = t.state();
        String nonce = AdapterIdentity.nonce();
        HttpRequest.Builder b = HttpRequest.newBuilder(t.uri())
                .timeout(Duration.ofMillis(s.requestTimeoutMs()))
                .header(AdapterIdentity.AUTH_HEADER, t.identity().authorization(nonce))
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
        if (!t.identity().proves(nonce, s.pid(), response.headers().firstValue(AdapterIdentity.PID_HEADER).orElse(null),
                response.headers().firstValue(AdapterIdentity.PROOF_HEADER).orElse(null))) {
            target = Target.of(s); // prove again before the next request
            throw notOurs(s, "its answer (HTTP " + status + ") did not prove it came from that process, and was "
                    + "discarded");
        }
        byte[] body = response.body();
        if (status == 200) {
            return new InferenceResponse(body, response.headers().firstValue("Content-Type").orElse(null),
                    LocalTarget.NAME, null, null);
        }
        String errorKind = response.headers().firstValue(MODEL_ERROR_HEADER).orElse(null);
        if (status >= 400 && status < 500 && "request".equals(errorKind)) {
            // refused before the model ran (malformed body, unsupported content type or accept)
            Optional<InvocationException> refused = ModelErrorPayload.translate(LocalTarget.NAME, status, body,
                    s.logFile().toString(), null);
            if (refused.isPresent()) {
                throw refused.get();
            }
        }
        if (status == 504 && "timeout".equals(errorKind)) {
            throw new InvocationException("local model '" + name + "' did not answer within its maximum inference "
                    + "time, so its server answered 504 and replaces the worker that ran it (its limit is the "
                    + "spec's maxInferenceTime, rounded up to whole seconds, passed as "
                    + LocalStarter.ENV_SERVER_TIMEOUT + "); raise maxInferenceTime or make the model faster; "
                    + "its log: " + s.logFile(), null, status, false);
        }
        if (status == 500 && errorKind != null) {
            Optional<? extends InvocationException> modelError = ModelErrorPayload.parse(LocalTarget.NAME, status,
                    body, s.logFile().toString(), null);
            throw modelError.isPresent() ? modelError.get() : new InvocationException("local model '" + name
                    + "' reported a model error without the error body; see its log " + s.logFile(), null, status,
                    false);
        }
        String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
        throw new InvocationException("local model '" + name + "' answered HTTP " + status
                + (text.isBlank() ? "" : ": " + text) + (status == 503 ? " (it is still loading)" : "")
                + "; its log: " + s.logFile(), null, status, status == 503);
    }

    private InvocationException notRunning(LocalState s, IOException e) {
        return new InvocationException("local model '" + name + "' is not running: its process (pid " + s.pid()
                + ") is gone, so nothing was sent to " + s.endpoint() + "; deploy it again to restart it (its log: "
                + s.logFile() + ")", e);
    }

    private InvocationException notOurs(LocalState s, String why) {
        return new InvocationException("local model '" + name + "' is not running as mldeploy started it: "
                + "the server on " + s.endpoint() + " is not its process (pid " + s.pid() + "): " + why
                + ". Deploy it again to restart it (its log: " + s.logFile() + ")", null, -1,
                false);
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
