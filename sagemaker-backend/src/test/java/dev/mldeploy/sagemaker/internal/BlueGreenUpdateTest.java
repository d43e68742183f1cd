package dev.mldeploy.sagemaker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.RolloutPolicy;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.sagemaker.SageMakerTarget;
import dev.mldeploy.sagemaker.ServerlessSettings;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.Json;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.BlueGreenUpdatePolicy;
import software.amazon.awssdk.services.sagemaker.model.CapacitySizeType;
import software.amazon.awssdk.services.sagemaker.model.DeploymentConfig;
import software.amazon.awssdk.services.sagemaker.model.TrafficRoutingConfigType;

/** The SageMaker DeploymentConfig for each rollout policy, and the UpdateEndpoint request checked against botocore. */
class BlueGreenUpdateTest {
    @TempDir
    Path tmp;

    private static DeploymentConfig config(RolloutPolicy p, Duration remaining) {
        return BlueGreenUpdate.deploymentConfig(p, remaining).orElseThrow();
    }

    @Test
    void deploymentConfig_forTheDefault_isNone() {
        assertTrue(BlueGreenUpdate.deploymentConfig(RolloutPolicy.allAtOnce(), Duration.ofHours(1)).isEmpty());
    }

    @Test
    void deploymentConfig_forCanary_setsCanarySizeWaitAndAlarms() {
        DeploymentConfig c = config(RolloutPolicy.canary(10, Duration.ofMinutes(5))
                .withRollbackAlarms("errors", "p99"), Duration.ofMinutes(30));
        BlueGreenUpdatePolicy bg = c.blueGreenUpdatePolicy();
        assertEquals(TrafficRoutingConfigType.CANARY, bg.trafficRoutingConfiguration().type());
        assertEquals(CapacitySizeType.CAPACITY_PERCENT, bg.trafficRoutingConfiguration().canarySize().type());
        assertEquals(10, bg.trafficRoutingConfiguration().canarySize().value());
        assertNull(bg.trafficRoutingConfiguration().linearStepSize());
        assertEquals(300, bg.trafficRoutingConfiguration().waitIntervalInSeconds());
        assertEquals(0, bg.terminationWaitInSeconds());
        assertEquals(1800, bg.maximumExecutionTimeoutInSeconds(), "the deploy's time left");
        assertEquals(List.of("errors", "p99"), c.autoRollbackConfiguration().alarms().stream()
                .map(a -> a.alarmName()).toList());
        assertNull(c.rollingUpdatePolicy());
    }

    @Test
    void deploymentConfig_withAFinalBake_keepsTheOldFleetThatLongAsTheTerminationWait() {
        DeploymentConfig c = config(RolloutPolicy.parse("canary:10:5m:15m").withRollbackAlarms("errors"),
                Duration.ofHours(1));
        assertEquals(900, c.blueGreenUpdatePolicy().terminationWaitInSeconds(),
                "SageMaker watches the rollback alarms during the termination wait, the old fleet still there");
        assertEquals(300, c.blueGreenUpdatePolicy().trafficRoutingConfiguration().waitIntervalInSeconds());
    }

    @Test
    void deploymentConfig_forLinearAndAll_setsTheirTypeAndClampsTheExecutionTimeout() {
        DeploymentConfig linear = config(RolloutPolicy.linear(20, Duration.ofSeconds(60)), Duration.ofMinutes(2));
        assertEquals(TrafficRoutingConfigType.LINEAR, linear.blueGreenUpdatePolicy().trafficRoutingConfiguration()
                .type());
        assertEquals(20, linear.blueGreenUpdatePolicy().trafficRoutingConfiguration().linearStepSize().value());
        assertEquals(600, linear.blueGreenUpdatePolicy().maximumExecutionTimeoutInSeconds(), "SageMaker's minimum");
        assertNull(linear.autoRollbackConfiguration(), "no alarms: no AutoRollbackConfiguration (its list needs one)");
        DeploymentConfig all = config(RolloutPolicy.allAtOnce(Duration.ofSeconds(90)).withRollbackAlarms("e"),
                Duration.ofHours(10));
        assertEquals(TrafficRoutingConfigType.ALL_AT_ONCE, all.blueGreenUpdatePolicy().trafficRoutingConfiguration()
                .type());
        assertEquals(90, all.blueGreenUpdatePolicy().trafficRoutingConfiguration().waitIntervalInSeconds());
        assertEquals(28800, all.blueGreenUpdatePolicy().maximumExecutionTimeoutInSeconds(), "SageMaker's maximum");
    }

    private DeploymentPlan plan(SageMakerTarget.Builder target) throws Exception {
        Path model = tmp.resolve("m");
        Files.createDirectories(model);
        Files.writeString(model.resolve("inference.py"), "def model_fn(d):\n    return 1\n\n\ndef predict_fn(x, m):\n    return x\n");
        ModelSpec spec = ModelSpec.builder("m").source(model).build();
        return DeploymentPlan.resolve(Fixtures.settings(target.roleArn(Fixtures.ROLE).bucket("models").image("img:1")
                .build()), spec, Optional.empty(), () -> "us-east-1");
    }

    @Test
    void check_refusesWhatSageMakerDoesNotTakeBeforeAnyCall() throws Exception {
        DeploymentPlan realtime = plan(SageMakerTarget.builder());
        DeployContext ctx = DeployContext.of("m", "sagemaker", e -> { }, Duration.ofMinutes(30));
        BlueGreenUpdate.check(RolloutPolicy.canary(50, Duration.ofMinutes(5)), realtime, ctx);
        BlueGreenUpdate.check(RolloutPolicy.linear(10, Duration.ofMinutes(1)), realtime, ctx);
        String canary = assertThrows(InvalidConfigurationException.class, () -> BlueGreenUpdate.check(
                RolloutPolicy.canary(60, Duration.ofMinutes(5)), realtime, ctx)).getMessage();
        assertTrue(canary.contains("at most 50 %"), canary);
        String step = assertThrows(InvalidConfigurationException.class, () -> BlueGreenUpdate.check(
                RolloutPolicy.linear(5, Duration.ofSeconds(10)), realtime, ctx)).getMessage();
        assertTrue(step.contains("10 to 50 %"), step);
        String longer = assertThrows(InvalidConfigurationException.class, () -> BlueGreenUpdate.check(
                RolloutPolicy.linear(20, Duration.ofMinutes(10)), realtime, ctx)).getMessage();
        assertTrue(longer.contains("raise --timeout"), longer);
        DeploymentPlan serverless = plan(SageMakerTarget.builder().serverless(ServerlessSettings.of(2048)));
        String sl = assertThrows(InvalidConfigurationException.class, () -> BlueGreenUpdate.check(
                RolloutPolicy.canary(10, Duration.ofMinutes(1)), serverless, ctx)).getMessage();
        assertTrue(sl.contains("serverless"), sl);
        BlueGreenUpdate.check(RolloutPolicy.allAtOnce(), serverless, ctx); // the default is always fine
    }

    /**
     * The UpdateEndpoint requests the SDK sends for each policy, captured on a stub server on 127.0.0.1, are ones
     * AWS's model accepts (every field, range and length), including the limits: ten alarms of 255 characters,
     * the shortest and longest waits and execution timeouts. The capture is also written in the conformance
     * checker's format (target/bluegreen-capture.jsonl) for its full check.
     */
    @Test
    void updateEndpoint_withEachPolicy_sendsARequestBotocoresModelAccepts() throws Exception {
        List<Map<String, Object>> captured = new ArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("method", ex.getRequestMethod());
            rec.put("path", ex.getRequestURI().getRawPath());
            rec.put("query", "");
            Map<String, String> headers = new LinkedHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            rec.put("headers", headers);
            rec.put("body_b64", Base64.getEncoder().encodeToString(body));
            rec.put("body_len", body.length);
            rec.put("status", 200);
            rec.put("admin", false);
            synchronized (captured) {
                captured.add(rec);
            }
            byte[] answer = "{\"EndpointArn\":\"arn:aws:sagemaker:us-east-1:123456789012:endpoint/m\"}"
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            ex.sendResponseHeaders(200, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        server.start();
        List<String> longAlarms = IntStream.range(0, RolloutPolicy.MAX_ALARMS)
                .mapToObj(i -> (i + "-").repeat(200).substring(0, RolloutPolicy.MAX_ALARM_NAME)).toList();
        List<Map.Entry<RolloutPolicy, Duration>> cases = List.of(
                Map.entry(RolloutPolicy.canary(10, Duration.ofMinutes(5)).withRollbackAlarms("errors"),
                        Duration.ofMinutes(30)),
                Map.entry(RolloutPolicy.canary(50, Duration.ofHours(1)).withRollbackAlarms(longAlarms),
                        Duration.ofHours(9)),
                Map.entry(RolloutPolicy.linear(10, Duration.ofSeconds(1)), Duration.ofSeconds(30)),
                Map.entry(RolloutPolicy.linear(25, Duration.ofMinutes(1)).thenBake(Duration.ofHours(1))
                        .withRollbackAlarms("e"), Duration.ofHours(2)),
                Map.entry(RolloutPolicy.allAtOnce(Duration.ofSeconds(1)).withRollbackAlarms("e"), Duration.ofHours(1)),
                Map.entry(RolloutPolicy.allAtOnce().withRollbackAlarms("only-alarms"), Duration.ofMinutes(20)));
        try (SageMakerClient client = SageMakerClient.builder().region(Region.US_EAST_1)
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build()) {
            SageMakerApi api = new SageMakerApi(client);
            try (CallBudget.Scope b = CallBudget.open(CallBudget.of(Duration.ofSeconds(30), "test"))) {
                int i = 0;
                for (var c : cases) { // one endpoint each: a second update of one endpoint would be refused as busy
                    api.updateEndpoint("m" + i, "m" + i + "-0123456789ab", config(c.getKey(), c.getValue()));
                    i++;
                }
            }
        } finally {
            server.stop(0);
        }
        assertEquals(cases.size(), captured.size());
        BotocoreShapes model = BotocoreShapes.load("sagemaker");
        StringBuilder jsonl = new StringBuilder();
        for (Map<String, Object> rec : captured) {
            @SuppressWarnings("unchecked")
            Map<String, String> headers = (Map<String, String>) rec.get("headers");
            assertEquals("SageMaker.UpdateEndpoint", headers.get("x-amz-target"));
            Object body = Json.parse(new String(Base64.getDecoder().decode((String) rec.get("body_b64")),
                    StandardCharsets.UTF_8));
            assertEquals(List.of(), model.violations(body, "UpdateEndpointInput"), String.valueOf(body));
            assertTrue(((Map<?, ?>) body).containsKey("DeploymentConfig"), String.valueOf(body));
            jsonl.append(Json.write(rec)).append('\n');
        }
        // the check itself can fail: a wait SageMaker refuses is found
        assertEquals(1, model.violations(Map.of("Type", "CANARY", "WaitIntervalInSeconds", 3601,
                "CanarySize", Map.of("Type", "CAPACITY_PERCENT", "Value", 10)), "TrafficRoutingConfig").size());
        Path out = Path.of("target", "bluegreen-capture.jsonl");
        Files.createDirectories(out.getParent());
        Files.writeString(out, jsonl);
        assertFalse(jsonl.isEmpty());
    }
}
