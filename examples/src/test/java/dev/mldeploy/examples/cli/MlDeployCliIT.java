package dev.mldeploy.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.spi.Json;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line tool against the real local target: python3 serving the sample model on 127.0.0.1. */
class MlDeployCliIT {
    static final Path SAMPLE = Path.of("models/sentiment");
    static final Path JAR = Path.of("target/mldeploy-cli.jar");

    @TempDir
    Path home;
    Map<String, String> env;
    Cli cli;

    @BeforeEach
    void setUp() {
        env = new HashMap<>(System.getenv());
        env.put("MLDEPLOY_HOME", home.toString());
        cli = new Cli(env);
    }

    @AfterEach
    void tearDown() {
        // every name a test deploys: a local model server runs in a session of its own and outlives this JVM
        for (String name : List.of("sentiment", "sentiment-lambda", "plain")) {
            cli.run("undeploy", name);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> obj(String json) {
        return (Map<String, Object>) Json.parse(json.trim());
    }

    @Test
    void lifecycle_deployInvokeDescribeListUndeploy_onTheLocalTarget() throws IOException {
        Cli.Result deployed = cli.run("deploy", "--model", SAMPLE.toString());
        assertEquals(0, deployed.status(), deployed::toString);
        assertTrue(deployed.out().startsWith("created: "), deployed::toString);
        assertTrue(deployed.err().lines().findAny().isPresent(), "progress was shown: " + deployed);

        Cli.Result again = cli.run("deploy", "--model", SAMPLE.toString(), "--output", "json");
        assertEquals(0, again.status(), again::toString);
        assertEquals("UNCHANGED", obj(again.out()).get("change"));

        Cli.Result positive = cli.run("invoke", "sentiment", "--data", "{\"text\": \"What a lovely day\"}");
        assertEquals(0, positive.status(), positive::toString);
        assertEquals("positive", obj(positive.out()).get("label"), positive::toString);

        Cli.Result list = cli.run("invoke", "sentiment", "--data", "{\"texts\": [\"great\", \"awful service\"]}",
                "--output", "json");
        assertEquals(0, list.status(), list::toString);
        Map<String, Object> answer = obj(list.out());
        assertEquals("local", answer.get("target"));
        List<?> predictions = (List<?>) answer.get("body");
        assertEquals("positive", ((Map<?, ?>) predictions.get(0)).get("label"));
        assertEquals("negative", ((Map<?, ?>) predictions.get(1)).get("label"));

        Path body = Files.writeString(home.resolve("body.txt"), "Terrible food and rude staff");
        Cli.Result text = cli.run("invoke", "sentiment", "--file", body.toString(), "--content-type", "text/plain");
        assertEquals("negative", obj(text.out()).get("label"), text::toString);

        Cli.Result described = cli.run("describe", "sentiment", "--output", "json");
        assertEquals(0, described.status(), described::toString);
        Map<String, Object> d = obj(described.out());
        assertEquals("IN_SERVICE", d.get("status"));
        String endpoint = (String) d.get("endpoint");
        assertTrue(endpoint.startsWith("http://127.0.0.1:"), endpoint);

        Cli.Result listed = cli.run("list");
        assertTrue(listed.out().lines().anyMatch(l -> l.startsWith("sentiment ") && l.contains("IN_SERVICE")),
                listed::toString);

        Cli.Result undeployed = cli.run("undeploy", "sentiment");
        assertEquals(0, undeployed.status(), undeployed::toString);
        assertEquals("undeployed sentiment", undeployed.out().trim());
        assertEquals("no deployments on local", cli.run("list").out().trim());
        assertTrue(!answers(endpoint), "the model server is gone after undeploy");
    }

    @Test
    void invoke_whenTheModelRejectsTheInput_exits1_withThePythonError() {
        assertEquals(0, cli.run("deploy", "--model", SAMPLE.toString()).status());
        Cli.Result r = cli.run("invoke", "sentiment", "--data", "{\"words\": 1}");
        assertEquals(1, r.status(), r::toString);
        assertTrue(r.err().startsWith("mldeploy: model raised ValueError: expected a JSON object"), r::toString);
        assertEquals(1, r.err().lines().count(), r::toString);
    }

    @Test
    void invoke_whenTheServerRefusesTheRequest_exits2_withTheReason_onAServerWithTwoWorkers() throws Exception {
        Path plain = Files.createDirectories(home.resolve("plain"));
        Files.writeString(plain.resolve("inference.py"), "def model_fn(model_dir):\n    return None\n\n"
                + "def predict_fn(data, model):\n    return data\n");
        Cli.Result deployed = cli.run("deploy", "--model", plain.toString(), "--name", "plain", "--workers", "2");
        assertEquals(0, deployed.status(), deployed::toString);
        assertEquals(0, cli.run("invoke", "plain", "--data", "{\"a\": 1}").status());

        Cli.Result r = cli.run("invoke", "plain", "--data", "x", "--content-type", "image/png");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().startsWith("mldeploy: the model server refused the request (HTTP 415 "
                + "UnsupportedContentType): no default decoder for content type 'image/png'"), r::toString);
        Cli.Result malformed = cli.run("invoke", "plain", "--data", "{oops");
        assertEquals(2, malformed.status(), malformed::toString);
        assertTrue(malformed.err().contains("HTTP 400 MalformedRequest"), malformed::toString);
    }

    @Test
    void invoke_ofAMissingDeployment_exits1_sayingDeployItFirst() {
        Cli.Result r = cli.run("invoke", "sentiment", "--data", "{}");
        assertEquals(1, r.status(), r::toString);
        assertTrue(r.err().contains("no deployment named 'sentiment'"), r::toString);
    }

    @Test
    void deploy_withTheLambdaContract_runsTheLambdaHandler_andGivesTheSameAnswers() {
        Cli.Result r = cli.run("deploy", "--model", SAMPLE.toString(), "--name", "sentiment-lambda", "--contract",
                "lambda");
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.err().contains("mldeploy_lambda.py"), "the Lambda handler serves it: " + r);
        Cli.Result described = cli.run("describe", "sentiment-lambda", "--output", "json");
        assertEquals("lambda", obj(described.out()).get("variant"), described::toString);
        Cli.Result answer = cli.run("invoke", "sentiment-lambda", "--data", "{\"text\": \"I love it\"}");
        assertEquals("positive", obj(answer.out()).get("label"), answer::toString);
    }

    @Test
    void quickstart_deploysInvokesPlansAndUndeploys() {
        Cli.Result r = cli.run("quickstart", "--model", SAMPLE.toString());
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.out().contains("prediction: {\"label\": \"positive\""), r::toString);
        assertTrue(r.out().contains("lambda") && r.out().contains("sagemaker"), "the placement decision: " + r);
        assertEquals("no deployments on local", cli.run("list").out().trim());
    }

    @Test
    void aSecondProcess_invokesAndUndeploysWhatThisOneDeployed() throws Exception {
        assertEquals(0, cli.run("deploy", "--model", SAMPLE.toString()).status());
        Process invoke = jar("invoke", "sentiment", "--data", "{\"text\": \"What a lovely day\"}");
        String out = new String(invoke.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(invoke.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, invoke.exitValue(), out);
        assertEquals("positive", obj(out).get("label"), out);
        Process undeploy = jar("undeploy", "sentiment");
        String gone = new String(undeploy.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(undeploy.waitFor(60, TimeUnit.SECONDS));
        assertEquals("undeployed sentiment", gone.trim());
        assertEquals("no deployments on local", cli.run("list").out().trim());
    }

    /**
     * An endpoint that accepts connections and never answers: before, {@code invoke --timeout 10s} took 93 to 123 s
     * (the SDK's three 30 s read attempts at the lookup before the invoke). The process must exit, on its own, with
     * the timeout's message; the 60 s bound only keeps a regression from hanging the build.
     */
    @Test
    void awsCommands_againstAnEndpointThatNeverAnswers_exitAtTheirTimeout() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-endpoint");
            acceptor.setDaemon(true);
            acceptor.start();
            String url = "http://127.0.0.1:" + silent.getLocalPort();
            for (String[] args : List.of(
                    new String[] {"invoke", "m", "--target", "sagemaker", "--data", "{}"},
                    new String[] {"invoke", "m", "--target", "lambda", "--data", "{}"},
                    new String[] {"describe", "m", "--target", "sagemaker"},
                    new String[] {"list", "--target", "lambda"})) {
                List<String> all = new ArrayList<>(List.of(args));
                all.addAll(List.of("--endpoint-url", url, "--region", "us-east-1", "--timeout", "3s"));
                Process p = jar(Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test"),
                        ProcessBuilder.Redirect.PIPE, all.toArray(String[]::new));
                p.getOutputStream().close();
                boolean exited = p.waitFor(60, TimeUnit.SECONDS);
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!exited) {
                    p.destroyForcibly();
                }
                assertTrue(exited, "the process did not exit: " + all);
                assertEquals(1, p.exitValue(), err);
                assertEquals("mldeploy: mldeploy " + args[0] + " did not finish within 3 s; raise --timeout",
                        err.trim(), String.join(" ", all));
            }
            for (java.net.Socket s : held) {
                s.close();
            }
        }
    }

    private Process jar(String... args) throws IOException {
        return jar(Map.of(), ProcessBuilder.Redirect.INHERIT, args);
    }

    private Process jar(Map<String, String> extraEnv, ProcessBuilder.Redirect stderr, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(stderr);
        pb.environment().put("MLDEPLOY_HOME", home.toString());
        pb.environment().remove("AWS_ENDPOINT_URL");
        pb.environment().putAll(extraEnv);
        return pb.start();
    }

    private static boolean answers(String endpoint) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(endpoint + "/ping").toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(1000);
            return c.getResponseCode() > 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void rollback_onTheLocalTarget_restartsThePreviousSpec_sayingFromWhichToWhich() {
        Cli.Result v1 = cli.run("deploy", "--model", SAMPLE.toString(), "--output", "json");
        assertEquals(0, v1.status(), v1::toString);
        Cli.Result none = cli.run("rollback", "sentiment");
        assertEquals(1, none.status(), none::toString);
        assertTrue(none.err().contains("has no previous version recorded"), none::toString);
        Cli.Result v2 = cli.run("deploy", "--model", SAMPLE.toString(), "--env", "MARKER=2", "--output", "json");
        assertEquals("UPDATED", obj(v2.out()).get("change"), v2::toString);
        String v1Hash = (String) ((Map<?, ?>) obj(v1.out()).get("deployment")).get("specHash");
        String v2Hash = (String) ((Map<?, ?>) obj(v2.out()).get("deployment")).get("specHash");

        Cli.Result back = cli.run("rollback", "sentiment", "--output", "json");

        assertEquals(0, back.status(), back::toString);
        Map<String, Object> r = obj(back.out());
        assertEquals(v2Hash, r.get("fromVersion"));
        assertEquals(v1Hash, r.get("toVersion"));
        assertEquals("local", r.get("target"));
        Cli.Result described = cli.run("describe", "sentiment", "--output", "json");
        assertEquals(v1Hash, obj(described.out()).get("specHash"), described::toString);
        Cli.Result positive = cli.run("invoke", "sentiment", "--data", "{\"text\": \"What a lovely day\"}");
        assertEquals("positive", obj(positive.out()).get("label"), positive::toString);

        Cli.Result text = cli.run("rollback", "sentiment");
        assertEquals(0, text.status(), text::toString);
        assertTrue(text.out().startsWith("rolled local model 'sentiment' back from spec "), text::toString);
    }
}
