package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentNotFoundException;
import dev.mldeploy.DeploymentStatus;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.bundle.AdapterFiles;
import dev.mldeploy.spi.Json;
import dev.mldeploy.kit.TestModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The local target end to end: a real python3 process per deployment. */
class LocalTargetIT extends LocalItBase {

    @Test
    void deploy_thenPingAndInvoke_answersThroughTheAdapter() throws Exception {
        DeployResult r = deploy(spec("echo", TestModels.ECHO).build());

        assertEquals(DeployResult.Change.CREATED, r.change(), r.message());
        Deployment d = r.deployment();
        assertEquals(DeploymentStatus.IN_SERVICE, d.status());
        assertEquals("http://127.0.0.1:" + port(r), d.endpoint());
        assertTrue(LocalTestSupport.running(pid(r)));
        LocalState s = state("echo").orElseThrow();
        assertEquals(pid(r), s.pid());
        assertEquals(port(r), s.port());
        assertEquals(d.specHash(), s.specHash());
        assertEquals(stateDir("echo").resolve("server.log"), s.logFile());
        for (String f : AdapterFiles.NAMES) {
            assertArrayEquals(AdapterFiles.file(f), Files.readAllBytes(stateDir("echo").resolve("adapter").resolve(f)),
                    "the adapter is copied next to the state: " + f);
        }
        assertTrue(events.stream().anyMatch(e -> e.phase().equals("start")), "progress: " + events);
        assertTrue(events.stream().anyMatch(e -> e.phase().equals("health-check")), "progress: " + events);

        HttpResponse<String> stranger = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                d.endpoint() + "/ping")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, stranger.statusCode(), "a client without the deployment's token is refused");
        String nonce = AdapterIdentity.nonce();
        HttpResponse<String> ping = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(d.endpoint()
                + "/ping")).header(AdapterIdentity.AUTH_HEADER, s.identity().authorization(nonce)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ping.statusCode());
        assertEquals("", ping.body());
        assertTrue(s.identity().proves(nonce, pid(r), ping.headers().firstValue(AdapterIdentity.PID_HEADER)
                .orElse(null), ping.headers().firstValue(AdapterIdentity.PROOF_HEADER).orElse(null)));

        try (InferenceClient client = deployer.client("echo")) {
            InferenceResponse json = client.invoke(InferenceRequest.json("{\"text\": \"hi\"}"));
            assertEquals(Json.parse(TestModels.echoAnswer("hi", "1")), Json.parse(json.bodyAsString()));
            assertEquals("application/json", json.contentType());
            assertEquals("local", json.target());
            assertTrue(json.latency().toNanos() > 0);

            assertEquals("grüß dich", client.invokeText("grüß dich"));

            byte[] bytes = {0, 1, 2, (byte) 0xff, 10, 13};
            InferenceResponse raw = client.invoke(InferenceRequest.builder().body(bytes)
                    .contentType("application/octet-stream").accept("application/octet-stream").build());
            assertArrayEquals(bytes, raw.body());
            assertEquals("application/octet-stream", raw.contentType());
        }
    }

    @Test
    void invoke_whenModelDefinesEveryHook_usesItsHooksAndFiles() {
        deploy(spec("shout", TestModels.SHOUT).build());
        try (InferenceClient client = deployer.client("shout")) {
            InferenceResponse r = client.invoke(InferenceRequest.of("hello".getBytes(StandardCharsets.UTF_8),
                    "text/plain"));
            assertEquals("HELLO!", r.bodyAsString());
            assertEquals("text/plain; charset=utf-8", r.contentType());
        }
    }

    @Test
    void invoke_whenPayloadExactlyAtLimit_isAcceptedByTheServer() {
        deploy(spec("big", TestModels.ECHO).build());
        byte[] body = new byte[(int) LocalTarget.MAX_REQUEST_BYTES];
        Arrays.fill(body, (byte) 'a');
        try (InferenceClient client = deployer.client("big")) {
            assertEquals(6L * 1024 * 1024, client.maxRequestBytes());
            InferenceResponse r = client.invoke(InferenceRequest.of(body, "application/octet-stream"));
            assertArrayEquals(body, r.body());
        }
    }

    @Test
    void deploy_whenSpecUnchanged_keepsTheSameProcessAndWritesNothing() throws Exception {
        DeployResult first = deploy(spec("same", TestModels.ECHO).build());
        Path stateFile = stateDir("same").resolve(LocalState.FILE);
        String before = Files.readString(stateFile);
        FileTime modified = Files.getLastModifiedTime(stateFile);
        events.clear();

        DeployResult second = deploy(spec("same", TestModels.ECHO).build());

        assertEquals(DeployResult.Change.UNCHANGED, second.change(), second.message());
        assertEquals(pid(first), pid(second), "no restart");
        assertEquals(first.deployment().specHash(), second.deployment().specHash());
        assertEquals(first.deployment().updatedAt(), second.deployment().updatedAt());
        assertEquals(before, Files.readString(stateFile));
        assertEquals(modified, Files.getLastModifiedTime(stateFile), "no write");
        assertTrue(events.stream().noneMatch(e -> e.phase().equals("start")), "nothing started: " + events);
        assertTrue(LocalTestSupport.running(pid(first)));
    }

    @Test
    void deploy_whenSpecChanged_restartsOnTheNewSpec() throws Exception {
        DeployResult first = deploy(spec("changing", TestModels.ECHO).build());

        DeployResult second = deploy(spec("changing", TestModels.ECHO).putEnvironment("ECHO_VERSION", "2").build());

        assertEquals(DeployResult.Change.UPDATED, second.change(), second.message());
        assertNotEquals(pid(first), pid(second));
        assertFalse(LocalTestSupport.running(pid(first)), "the old process is stopped");
        assertNotEquals(first.deployment().specHash(), second.deployment().specHash());
        assertEquals(second.deployment().specHash(), state("changing").orElseThrow().specHash());
        assertEquals(first.deployment().createdAt(), second.deployment().createdAt());
        assertTrue(second.deployment().updatedAt().isAfter(first.deployment().updatedAt()));
        try (InferenceClient client = deployer.client("changing")) {
            assertEquals(Json.parse(TestModels.echoAnswer("x", "2")), Json.parse(client.invokeJson("{\"text\":\"x\"}")));
        }

        // a change to a file of the model is a change too
        Path source = Path.of(second.deployment().attributes().get("source"));
        Files.writeString(source.resolve("notes.txt"), "new file");
        DeployResult third = deploy(spec("changing", TestModels.ECHO).putEnvironment("ECHO_VERSION", "2")
                .source(source).build());
        assertEquals(DeployResult.Change.UPDATED, third.change(), third.message());
        assertNotEquals(pid(second), pid(third));
    }

    @Test
    void undeploy_stopsTheProcessFreesThePortAndRemovesTheState() {
        DeployResult r = deploy(spec("bye", TestModels.ECHO).build());
        InferenceClient client = deployer.client("bye");
        assertEquals(Json.parse(TestModels.echoAnswer("a", "1")), Json.parse(client.invokeJson("{\"text\":\"a\"}")));

        assertTrue(deployer.undeploy("bye"));

        assertFalse(LocalTestSupport.running(pid(r)), "process gone");
        assertTrue(ProcessControl.portFree(port(r)), "port free");
        assertFalse(Files.exists(stateDir("bye")), "state removed");
        assertThrows(DeploymentNotFoundException.class, () -> deployer.describe("bye"));
        assertTrue(deployer.list().isEmpty());
        DeploymentNotFoundException e = assertThrows(DeploymentNotFoundException.class,
                () -> client.invokeJson("{\"text\":\"a\"}"), "an open client finds the deployment gone");
        assertTrue(e.getMessage().contains("undeployed"), e.getMessage());
        assertFalse(deployer.undeploy("bye"));
        client.close();
    }

    @Test
    void list_showsEveryDeploymentSortedByName() {
        deploy(spec("zeta", TestModels.ECHO).build());
        deploy(spec("alpha", TestModels.SHOUT).build());

        assertEquals(java.util.List.of("alpha", "zeta"), deployer.list().stream().map(Deployment::name).toList());
        assertTrue(deployer.list().stream().allMatch(d -> d.status() == DeploymentStatus.IN_SERVICE));
    }
}
