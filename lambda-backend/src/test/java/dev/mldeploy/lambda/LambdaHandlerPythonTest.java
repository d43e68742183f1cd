package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.bundle.AdapterFiles;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped handler, {@code mldeploy_lambda.py}, run by {@code python3}: the envelope both ways, binary bodies,
 * a plain event, a model error propagating with its Python type, the model loaded once, and serve mode (the local
 * Lambda contract) answering the SageMaker contract through {@code handler()}.
 */
class LambdaHandlerPythonTest {
    private static final String COUNTING_MODEL = LambdaFixtures.ECHO.replace(
            "def model_fn(model_dir):\n",
            "def model_fn(model_dir):\n    open(os.path.join(model_dir, 'loads.txt'), 'a').write('x')\n");

    private static final String SCRIPT = """
            import base64, json, sys
            sys.path.insert(0, sys.argv[1])
            import mldeploy_lambda as h
            out = {}
            out["json"] = h.handler({"body": '{"text": "hi"}', "isBase64Encoded": False,
                                     "contentType": "application/json", "accept": "application/json"}, None)
            raw = bytes([255, 0, 1, 128])
            out["binary"] = h.handler({"body": base64.b64encode(raw).decode(), "isBase64Encoded": True,
                                       "contentType": "application/octet-stream",
                                       "accept": "application/octet-stream"}, None)
            out["plain"] = h.handler({"text": "direct"}, None)
            try:
                h.handler({"body": '{"fail": "on purpose"}', "isBase64Encoded": False,
                           "contentType": "application/json", "accept": "application/json"}, None)
                out["error"] = None
            except Exception as e:
                out["error"] = {"errorType": type(e).__name__, "errorMessage": str(e)}
            out["loads"] = open(sys.argv[1] + "/loads.txt").read()
            print(json.dumps(out))
            """;

    @TempDir
    Path dir;
    Path task;

    @BeforeEach
    void taskRoot() throws IOException {
        task = dir.resolve("task");
        Files.createDirectories(task);
        for (Map.Entry<String, byte[]> f : AdapterFiles.files().entrySet()) {
            Files.write(task.resolve(f.getKey()), f.getValue());
        }
        Files.writeString(task.resolve("inference.py"), COUNTING_MODEL);
    }

    private static String python() {
        return System.getenv().getOrDefault("MLDEPLOY_PYTHON", "python3");
    }

    @Test
    @SuppressWarnings("unchecked")
    void handler_answersTheEnvelope_propagatesModelErrors_andLoadsTheModelOnce() throws Exception {
        Path script = dir.resolve("check.py");
        Files.writeString(script, SCRIPT);
        Process p = new ProcessBuilder(python(), script.toString(), task.toString()).redirectErrorStream(false)
                .start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), stderr);
        Map<String, Object> out = Json.parseObject(stdout.trim());

        Map<String, Object> json = (Map<String, Object>) out.get("json");
        assertEquals(200, ((Number) json.get("statusCode")).intValue());
        assertEquals(false, json.get("isBase64Encoded"));
        assertEquals("application/json", json.get("contentType"));
        assertEquals(Map.of("echo", Map.of("text", "hi"), "version", "1"), Json.parse((String) json.get("body")));

        Map<String, Object> binary = (Map<String, Object>) out.get("binary");
        assertEquals(true, binary.get("isBase64Encoded"));
        assertEquals("application/octet-stream", binary.get("contentType"));
        assertEquals("/wABgA==", binary.get("body"), "the same four bytes back");

        Map<String, Object> plain = (Map<String, Object>) out.get("plain");
        assertEquals(Map.of("echo", Map.of("text", "direct"), "version", "1"),
                Json.parse((String) plain.get("body")));

        assertEquals(Map.of("errorType", "ValueError", "errorMessage", "asked to fail: on purpose"),
                out.get("error"));
        assertEquals("x", out.get("loads"), "model_fn ran once for four invocations");
    }

    @Test
    void serveMode_answersTheSageMakerContractThroughTheHandler() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder(python(), task.resolve("mldeploy_lambda.py").toString(), "serve",
                "--model-dir", task.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(dir.resolve("serve.log").toFile())
                .start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI base = URI.create("http://127.0.0.1:" + port);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int ping = -1;
            while (System.nanoTime() < deadline && ping != 200) {
                try {
                    ping = http.send(HttpRequest.newBuilder(base.resolve("/ping")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException e) {
                    Thread.sleep(50);
                }
            }
            assertEquals(200, ping, Files.readString(dir.resolve("serve.log")));

            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(base.resolve("/invocations"))
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"served\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            assertEquals("application/json", ok.headers().firstValue("Content-Type").orElse(""));
            assertEquals(Map.of("echo", Map.of("text", "served"), "version", "1"), Json.parse(ok.body()));

            HttpResponse<byte[]> bytes = http.send(HttpRequest.newBuilder(base.resolve("/invocations"))
                    .header("Content-Type", "application/octet-stream").header("Accept", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, 0, 7})).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, bytes.statusCode());
            assertEquals(List.of((byte) 0xff, (byte) 0, (byte) 7), List.of(bytes.body()[0], bytes.body()[1],
                    bytes.body()[2]));

            HttpResponse<String> err = http.send(HttpRequest.newBuilder(base.resolve("/invocations"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"fail\": \"served\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(500, err.statusCode());
            assertEquals("model", err.headers().firstValue("X-Mldeploy-Error").orElse(""));
            Map<String, Object> body = Json.parseObject(err.body());
            assertEquals("ValueError", body.get("errorType"));
            assertEquals("asked to fail: served", body.get("errorMessage"));
            assertEquals("x", Files.readString(task.resolve("loads.txt")), "loaded once at start");
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }
}
