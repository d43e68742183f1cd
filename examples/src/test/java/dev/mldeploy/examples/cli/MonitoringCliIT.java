package dev.mldeploy.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code logs}, {@code metrics} and {@code --alarms} against the real local target: python3 serving a model that
 * prints to its own output, which the local target keeps in its log file.
 */
class MonitoringCliIT {
    @TempDir
    Path home;
    Map<String, String> env;
    Cli cli;
    Path model;

    @BeforeEach
    void setUp() throws Exception {
        env = new HashMap<>(System.getenv());
        env.put("MLDEPLOY_HOME", home.resolve("home").toString());
        env.put("MLDEPLOY_LOCAL_WORKERS", "1");
        env.put("MLDEPLOY_LOCAL_INTERPRETER_PACKAGES", "true");
        cli = new Cli(env);
        model = home.resolve("talker");
        Files.createDirectories(model);
        Files.writeString(model.resolve("inference.py"), """
                def model_fn(model_dir):
                    print("talker model loaded", flush=True)
                    return {}


                def predict_fn(data, model):
                    print("talker predicted " + str(data.get("n")), flush=True)
                    return {"ok": True}
                """);
    }

    @AfterEach
    void tearDown() {
        cli.run("undeploy", "talker");
    }

    private void deploy() {
        Cli.Result r = cli.run("deploy", "--model", model.toString());
        assertEquals(0, r.status(), r::toString);
    }

    @Test
    void logs_onTheLocalTarget_printsTheModelProcesssOwnOutput() {
        deploy();
        Cli.Result invoked = cli.run("invoke", "talker", "--data", "{\"n\": 41}");
        assertEquals(0, invoked.status(), invoked::toString);

        Cli.Result logs = cli.run("logs", "talker", "--since", "10m");
        Cli.Result json = cli.run("logs", "talker", "--output", "json", "--limit", "1");

        assertEquals(0, logs.status(), logs::toString);
        assertTrue(logs.out().contains("server.log talker model loaded"), logs::toString);
        assertTrue(logs.out().indexOf("talker model loaded") < logs.out().indexOf("talker predicted 41"),
                logs::toString);
        assertEquals(0, json.status(), json::toString);
        List<?> events = (List<?>) dev.mldeploy.spi.Json.parse(json.out().trim());
        assertEquals(1, events.size(), json::toString);
        assertEquals("server.log", ((Map<?, ?>) events.get(0)).get("source"));
    }

    @Test
    void logsFollow_printsLinesWrittenAfterItStarted_untilInterrupted() throws Exception {
        deploy();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        AtomicInteger status = new AtomicInteger(-1);
        Thread follower = new Thread(() -> {
            PrintWriter out = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true);
            status.set(MlDeployCli.execute(new String[] {"logs", "talker", "--follow", "--timeout", "10s"}, out,
                    new PrintWriter(new StringWriter(), true), stdout, env, List.of()));
            out.flush();
        });
        follower.start();
        try {
            awaitOutput(stdout, "talker model loaded");
            Cli.Result invoked = cli.run("invoke", "talker", "--data", "{\"n\": 7}");
            assertEquals(0, invoked.status(), invoked::toString);
            awaitOutput(stdout, "talker predicted 7");
        } finally {
            follower.interrupt();
            follower.join(Duration.ofSeconds(20).toMillis());
        }
        assertEquals(0, status.get());
        String out = stdout.toString(StandardCharsets.UTF_8);
        assertEquals(out.indexOf("talker model loaded"), out.lastIndexOf("talker model loaded"),
                "each line once: " + out);
    }

    private static void awaitOutput(ByteArrayOutputStream stdout, String text) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!stdout.toString(StandardCharsets.UTF_8).contains(text)) {
            if (System.nanoTime() > until) {
                throw new AssertionError("no '" + text + "' in: " + stdout.toString(StandardCharsets.UTF_8));
            }
            Thread.sleep(100);
        }
    }

    @Test
    void logs_ofANameNeverDeployed_exits1_sayingDeployItFirst() {
        Cli.Result r = cli.run("logs", "talker");

        assertEquals(1, r.status(), r::toString);
        assertTrue(r.err().contains("no local deployment named 'talker' and no log of one"), r::toString);
    }

    @Test
    void metrics_onTheLocalTarget_exits2_sayingItRecordsNone() {
        deploy();

        Cli.Result r = cli.run("metrics", "talker");

        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("records no metrics"), r::toString);
    }

    @Test
    void deployWithAlarms_onTheLocalTarget_exits2_andDeploysNothing() {
        Cli.Result r = cli.run("deploy", "--model", model.toString(), "--alarms");

        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("no CloudWatch alarms"), r::toString);
        assertEquals(1, cli.run("describe", "talker").status(), "nothing was deployed");
    }

    @Test
    void deploy_withAnAlarmThresholdButNoAlarms_isAUsageError() {
        Cli.Result r = cli.run("deploy", "--model", model.toString(), "--alarm-p99", "500ms");
        Cli.Result bad = cli.run("deploy", "--model", model.toString(), "--alarms", "--alarm-error-rate", "0");

        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("--alarm-p99 sets an alarm threshold; add --alarms"), r::toString);
        assertEquals(2, bad.status(), bad::toString);
        assertTrue(bad.err().contains("error-rate alarm threshold must be above 0"), bad::toString);
    }
}
