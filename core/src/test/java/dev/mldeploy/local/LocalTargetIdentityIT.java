package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.mldeploy.DeployResult;
import dev.mldeploy.DeploymentStatus;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.InvocationException;
import dev.mldeploy.ModelErrorException;
import dev.mldeploy.spi.Json;
import dev.mldeploy.kit.TestModels;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A payload goes only to the process mldeploy started: neither a reused port nor a reused pid is trusted. */
class LocalTargetIdentityIT extends LocalItBase {
    private static final String PAYLOAD = "{\"text\": \"secret payload\"}";

    /** An HTTP server on 127.0.0.1 that answers 200 to everything and records what it was sent. */
    static final class Impostor implements AutoCloseable {
        final HttpServer server;
        final List<String> requests = new CopyOnWriteArrayList<>();
        final AtomicLong bodyBytes = new AtomicLong();

        Impostor(int port) throws IOException, InterruptedException {
            HttpServer s = null;
            for (int i = 0; s == null; i++) {
                try {
                    s = HttpServer.create(new InetSocketAddress(ProcessControl.LOOPBACK, port), 16);
                } catch (BindException e) {
                    if (i == 50) {
                        throw e;
                    }
                    Thread.sleep(100); // the killed process's socket is still closing
                }
            }
            server = s;
            server.createContext("/", exchange -> {
                requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
                try (InputStream in = exchange.getRequestBody()) {
                    bodyBytes.addAndGet(in.readAllBytes().length);
                }
                byte[] answer = "{\"echo\": \"from the impostor\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, answer.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            });
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeImpostors() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private Impostor impostor(int port) throws Exception {
        Impostor i = new Impostor(port);
        open.add(i);
        return i;
    }

    private static void kill(long pid) {
        ProcessHandle p = ProcessHandle.of(pid).orElseThrow();
        p.destroyForcibly();
        ProcessControl.waitForExit(p, Duration.ofSeconds(10));
    }

    @Test
    void invoke_whenProcessDiedAndAnotherServerTookItsPort_failsNotRunningAndSendsItNoPayload() throws Exception {
        DeployResult r = deploy(spec("taken", TestModels.ECHO).build());
        InferenceClient open = deployer.client("taken");
        assertEquals(Json.parse(TestModels.echoAnswer("a", "1")), Json.parse(open.invokeJson("{\"text\": \"a\"}")));
        kill(pid(r));
        Impostor impostor = impostor(port(r));

        InvocationException e = assertThrows(InvocationException.class, () -> open.invokeJson(PAYLOAD));
        InvocationException fresh;
        try (InferenceClient client = deployer.client("taken")) {
            fresh = assertThrows(InvocationException.class, () -> client.invokeJson(PAYLOAD));
        }
        open.close();

        for (InvocationException x : List.of(e, fresh)) {
            assertFalse(x instanceof ModelErrorException);
            assertTrue(x.getMessage().contains("is not running"), x.getMessage());
            assertTrue(x.getMessage().contains("nothing was sent"), x.getMessage());
            assertFalse(x.retryable());
        }
        assertEquals(0, impostor.bodyBytes.get(), "the impostor received no payload byte");
        assertEquals(List.of(), impostor.requests, "the impostor received no request at all");
        assertEquals(DeploymentStatus.STOPPED, deployer.describe("taken").status());
    }

    @Test
    void invoke_whenThePortAnswersWithoutProof_sendsItNoPayload() throws Exception {
        DeployResult r = deploy(spec("proof", TestModels.ECHO).build());
        Impostor impostor = impostor(0);
        LocalState real = state("proof").orElseThrow();
        // the recorded process runs, but its port now leads to another server: only the proof can tell
        withPort(real, impostor.port()).write(stateDir("proof"));

        try (InferenceClient client = deployer.client("proof")) {
            InvocationException e = assertThrows(InvocationException.class, () -> client.invokeJson(PAYLOAD));
            assertTrue(e.getMessage().contains("not running as mldeploy started it"), e.getMessage());
            assertTrue(e.getMessage().contains("without proving"), e.getMessage());
        }
        assertEquals(0, impostor.bodyBytes.get(), "no payload byte reached the impostor");
        assertFalse(impostor.requests.isEmpty());
        assertTrue(impostor.requests.stream().allMatch("GET /ping"::equals),
                "only handshakes, which carry no payload: " + impostor.requests);
        assertEquals(DeploymentStatus.FAILED, deployer.describe("proof").status());

        real.write(stateDir("proof"));
        assertTrue(LocalTestSupport.running(pid(r)));
    }

    @Test
    void invoke_whenRecordedStartTimeIsNotThePidsOwn_doesNotTrustThePid() throws Exception {
        DeployResult r = deploy(spec("reused", TestModels.ECHO).build());
        LocalState real = state("reused").orElseThrow();
        // the pid now stands for another process: one that started an hour after the recorded one
        withStart(real, real.processStart().minusSeconds(3600)).write(stateDir("reused"));

        assertEquals(DeploymentStatus.STOPPED, deployer.describe("reused").status());
        try (InferenceClient client = deployer.client("reused")) {
            InvocationException e = assertThrows(InvocationException.class, () -> client.invokeJson(PAYLOAD));
            assertTrue(e.getMessage().contains("is not running"), e.getMessage());
        }
        assertTrue(deployer.undeploy("reused"));
        assertTrue(LocalTestSupport.running(pid(r)), "undeploy did not stop a process that is not the recorded one");
        kill(pid(r));
    }

    private static LocalState withPort(LocalState s, int port) {
        return new LocalState(s.name(), s.pid(), s.processStart(), port, s.specHash(), s.contract(), s.createdAt(),
                s.updatedAt(), s.logFile(), s.source(), s.python(), s.requestTimeoutMs(), s.token());
    }

    private static LocalState withStart(LocalState s, Instant start) {
        return new LocalState(s.name(), s.pid(), start, s.port(), s.specHash(), s.contract(), s.createdAt(),
                s.updatedAt(), s.logFile(), s.source(), s.python(), s.requestTimeoutMs(), s.token());
    }
}
