package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InvocationException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The invoker against a stand-in model server in this JVM (this JVM's pid and start instant play the recorded
 * process): it proves itself as the adapter does, and every answer is checked too.
 */
class LocalInvokerTest {
    private static final String TOKEN = "c".repeat(64);
    private final AdapterIdentity identity = new AdapterIdentity(TOKEN);
    private final long pid = ProcessHandle.current().pid();
    private final AtomicBoolean forgeAnswers = new AtomicBoolean();
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(ProcessControl.LOOPBACK, 0), 8);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange x) throws IOException {
        x.getRequestBody().readAllBytes();
        String[] auth = Optional.ofNullable(x.getRequestHeaders().getFirst(AdapterIdentity.AUTH_HEADER)).orElse("")
                .split(" ");
        boolean authorized = auth.length == 2 && identity.authorization(auth[0]).equals(auth[0] + " " + auth[1]);
        if (authorized) {
            String proof = forgeAnswers.get() && x.getRequestMethod().equals("POST") ? "0".repeat(64)
                    : proof(auth[0]);
            x.getResponseHeaders().add(AdapterIdentity.PID_HEADER, Long.toString(pid));
            x.getResponseHeaders().add(AdapterIdentity.PROOF_HEADER, proof);
        }
        byte[] body = (authorized ? "{\"ok\": true}" : "{}").getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(authorized ? 200 : 403, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    /** What the adapter answers with (mldeploy_serve.response_proof), computed independently of the invoker. */
    private String proof(String nonce) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(TOKEN.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(("response\n" + nonce + "\n" + pid)
                    .getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private LocalState state(String token) {
        Instant start = ProcessHandle.current().info().startInstant().orElseThrow();
        return new LocalState("m", pid, start, server.getAddress().getPort(), "h", LocalTarget.Contract.SAGEMAKER,
                start, start, Path.of("server.log"), Path.of("."), "python3", 5_000, token);
    }

    @Test
    void invoke_whenServerProvesItself_returnsItsAnswer() {
        LocalState s = state(TOKEN);
        LocalInvoker invoker = new LocalInvoker(s, () -> Optional.of(s));

        assertEquals("{\"ok\": true}", invoker.invoke(InferenceRequest.json("{}")).bodyAsString());
    }

    @Test
    void invoke_whenAnAnswerCarriesNoValidProof_discardsIt() {
        LocalState s = state(TOKEN);
        LocalInvoker invoker = new LocalInvoker(s, () -> Optional.of(s));
        forgeAnswers.set(true);

        InvocationException e = assertThrows(InvocationException.class,
                () -> invoker.invoke(InferenceRequest.json("{}")));

        assertTrue(e.getMessage().contains("did not prove it came from that process, and was discarded"),
                e.getMessage());
    }

    @Test
    void invoke_whenTheStateHoldsAnotherToken_isRefusedAndFailsWithoutSendingAPayload() {
        LocalState s = state("d".repeat(64));
        LocalInvoker invoker = new LocalInvoker(s, () -> Optional.of(s));

        InvocationException e = assertThrows(InvocationException.class,
                () -> invoker.invoke(InferenceRequest.json("{}")));

        assertTrue(e.getMessage().contains("GET /ping answered HTTP 403 without proving"), e.getMessage());
    }
}
