package dev.mldeploy.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.internal.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlDeployCliTest {
    @TempDir
    Path tmp;
    FakeCloud cloud;
    Cli cli;
    Path model;

    @BeforeEach
    void setUp() throws IOException {
        cloud = new FakeCloud();
        cli = new Cli(Map.of("MLDEPLOY_HOME", tmp.resolve("home").toString(), "MLDEPLOY_BUCKET", "from-env"), cloud);
        model = Files.createDirectories(tmp.resolve("tiny-model"));
        Files.writeString(model.resolve("inference.py"), "def model_fn(d):\n    return 1\n\n"
                + "def predict_fn(x, m):\n    return x\n");
        Files.write(model.resolve("weights.bin"), new byte[1000]);
    }

    private static Object parse(String json) {
        return Json.parse(json.trim());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> obj(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    @Test
    void noArguments_printsUsage_exits2() {
        Cli.Result r = cli.run();
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("Usage: mldeploy"), r::toString);
        assertTrue(r.err().contains("deploy"), r::toString);
    }

    @Test
    void unknownOption_exits2_withOneLineReason() {
        Cli.Result r = cli.run("plan", "--no-such-flag");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().startsWith("mldeploy: Unknown option: '--no-such-flag'"), r::toString);
        assertFalse(r.err().contains("\tat "), r::toString);
    }

    @Test
    void plan_withMalformedNumber_exits2_namingTheOption() {
        Cli.Result r = cli.run("plan", "--memory-mb", "lots");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("--memory-mb") && r.err().contains("lots"), r::toString);
    }

    @Test
    void plan_withModelAndModelSize_exits2() {
        Cli.Result r = cli.run("plan", "--model", model.toString(), "--model-size-mb", "3");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("mutually exclusive"), r::toString);
    }

    @Test
    void plan_withNegativeMemory_exits2_withTheSpecRule() {
        Cli.Result r = cli.run("plan", "--memory-mb", "0");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("memoryMb must be at least 1, was 0"), r::toString);
    }

    @Test
    void plan_outputJson_isOneObjectWithChosenTargetAndEveryCandidate() {
        Cli.Result r = cli.run("plan", "--target", "fakecloud", "--model-size-mb", "2", "--max-inference-ms",
                "120000", "--output", "json");
        assertEquals(0, r.status(), r::toString);
        Map<String, Object> plan = obj(parse(r.out()));
        assertEquals("fakecloud", plan.get("target"));
        assertEquals("large", plan.get("variant"));
        assertEquals(2L * 1024 * 1024, plan.get("packageSizeBytes"));
        List<Object> targets = list(plan.get("targets"));
        assertEquals(2, targets.size());
        Map<String, Object> small = obj(targets.get(0));
        assertEquals("fakecloud", small.get("name"));
        assertEquals(false, small.get("feasible"));
        assertEquals(List.of("a request may take 120000 ms, over the 60000 ms limit"), small.get("reasons"));
        Map<String, Object> large = obj(targets.get(1));
        assertEquals(true, large.get("feasible"));
        assertEquals(true, large.get("chosen"));
        assertEquals(List.of(), large.get("reasons"));
        assertEquals(new BigDecimal("12.26"), large.get("monthlyCostUsd"));
        List<Object> items = list(large.get("costItems"));
        assertEquals(Map.of("name", "compute", "usd", new BigDecimal("12.25")), items.get(0));
        assertEquals(Map.of("name", "requests", "usd", new BigDecimal("0.01")), items.get(1));
    }

    @Test
    void plan_withModelDirectory_measuresThePackageSize() throws IOException {
        Cli.Result r = cli.run("plan", "--target", "fakecloud", "--model", model.toString(), "--output", "json");
        assertEquals(0, r.status(), r::toString);
        Map<String, Object> plan = obj(parse(r.out()));
        long expected = Files.size(model.resolve("inference.py")) + Files.size(model.resolve("weights.bin"));
        assertEquals(expected, plan.get("packageSizeBytes"));
        assertEquals("tiny-model", plan.get("model"));
        assertEquals("small", plan.get("variant"), "the cheapest feasible candidate is chosen");
    }

    @Test
    void plan_whenNothingFits_exits3_andJsonHasNullTargetAndEveryReason() {
        Cli.Result r = cli.run("plan", "--max-inference-ms", "1200000", "--output", "json");
        assertEquals(3, r.status(), r::toString);
        Map<String, Object> plan = obj(parse(r.out()));
        assertTrue(plan.containsKey("target"));
        assertNull(plan.get("target"));
        for (Object t : list(plan.get("targets"))) {
            assertEquals(false, obj(t).get("feasible"));
            assertEquals(1, list(obj(t).get("reasons")).size());
        }
        assertTrue(r.err().startsWith("mldeploy: no target can hold 'model'"), r::toString);
    }

    @Test
    void plan_withTheBuiltInProfiles_choosesTheCheapestCloudTarget_andListsEveryOne() {
        Cli.Result r = new Cli(Map.of()).run("plan", "--model-size-mb", "1", "--output", "json");
        assertEquals(0, r.status(), r::toString);
        Map<String, Object> plan = obj(parse(r.out()));
        List<Object> targets = list(plan.get("targets"));
        List<Object> names = targets.stream().map(t -> obj(t).get("name")).distinct().toList();
        assertEquals(List.of("lambda", "sagemaker"), names);
        Map<String, Object> chosen = targets.stream().map(MlDeployCliTest::obj)
                .filter(t -> Boolean.TRUE.equals(t.get("chosen"))).findFirst().orElseThrow();
        assertEquals(plan.get("target"), chosen.get("name"));
        BigDecimal cheapest = targets.stream().map(MlDeployCliTest::obj).filter(t -> (Boolean) t.get("feasible"))
                .map(t -> (BigDecimal) t.get("monthlyCostUsd")).min(BigDecimal::compareTo).orElseThrow();
        assertEquals(0, cheapest.compareTo((BigDecimal) chosen.get("monthlyCostUsd")), r::toString);
        for (Object t : targets) {
            BigDecimal sum = list(obj(t).get("costItems")).stream().map(i -> (BigDecimal) obj(i).get("usd"))
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            assertEquals(0, sum.compareTo((BigDecimal) obj(t).get("monthlyCostUsd")), "items add up: " + t);
        }
    }

    @Test
    void plan_withTheBuiltInProfiles_aGpuModel_goesToSageMakerRealTime() {
        Cli.Result r = new Cli(Map.of()).run("plan", "--model-size-mb", "500", "--gpu", "--output", "json");
        assertEquals(0, r.status(), r::toString);
        Map<String, Object> plan = obj(parse(r.out()));
        assertEquals("sagemaker", plan.get("target"));
        assertEquals("realtime", plan.get("variant"));
    }

    @Test
    void plan_withTheBuiltInProfiles_aTwentyMinuteInference_exits3_withEveryTargetsReason() {
        Cli.Result r = new Cli(Map.of()).run("plan", "--max-inference-ms", "1200000", "--output", "json");
        assertEquals(3, r.status(), r::toString);
        Map<String, Object> plan = obj(parse(r.out()));
        assertNull(plan.get("target"));
        assertEquals(4, list(plan.get("targets")).size(), r::toString);
        for (Object t : list(plan.get("targets"))) {
            assertEquals(false, obj(t).get("feasible"), t::toString);
            assertFalse(list(obj(t).get("reasons")).isEmpty(), t::toString);
        }
        assertTrue(((String) plan.get("explanation")).contains("asynchronous inference"), r::toString);
    }

    @Test
    void plan_text_showsTableChoiceAndCostBreakdown() {
        Cli.Result r = cli.run("plan", "--target", "fakecloud", "--model-size-mb", "1");
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.out().contains("TARGET"), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.matches("fakecloud +small +yes \\* +1\\.51 *")), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.matches("fakecloud +large +yes +12\\.26 *")), r::toString);
        assertTrue(r.out().contains("chose fakecloud:small"), "the checker's explanation follows: " + r);
    }

    @Test
    void plan_restrictedToUnknownTarget_exits2_namingTheKnownOnes() {
        Cli.Result r = cli.run("plan", "--target", "mainframe");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("placement knows no target 'mainframe'") && r.err().contains("fakecloud"),
                r::toString);
    }

    @Test
    void deploy_withMissingModelDirectory_exits2_sayingItIsNotADirectory() {
        Cli.Result r = cli.run("deploy", "--target", "fakecloud", "--model", tmp.resolve("nope").toString());
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("is not a directory"), r::toString);
        assertEquals(1, r.err().lines().count(), r::toString);
    }

    @Test
    void deploy_withDirectoryWithoutInferencePy_exits2_namingTheFile() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Cli.Result r = cli.run("deploy", "--target", "fakecloud", "--model", empty.toString());
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("has no inference.py"), r::toString);
    }

    @Test
    void deploy_withoutModel_exits2() {
        Cli.Result r = cli.run("deploy");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("--model"), r::toString);
    }

    @Test
    void deploy_withUnknownTarget_exits2_listingTheKnownTargets() {
        Cli.Result r = cli.run("deploy", "--target", "mainframe", "--model", model.toString());
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("unknown target 'mainframe'") && r.err().contains("fakecloud"), r::toString);
    }

    @Test
    void deploy_withRoleArnAndCreateRole_exits2() {
        Cli.Result r = cli.run("deploy", "--target", "fakecloud", "--model", model.toString(),
                "--role-arn", "arn:aws:iam::123456789012:role/x", "--create-role");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("--role-arn or --create-role, not both"), r::toString);
        assertTrue(cloud.deployments.isEmpty());
    }

    @Test
    void deploy_mapsBackendOptionsToEnvironmentKeys_andResourceOptionsToTheSpec() {
        Cli.Result r = cli.run("deploy", "--target", "fakecloud", "--model", model.toString(), "--name", "m1",
                "--role-arn", "arn:aws:iam::123456789012:role/r", "--bucket", "b1", "--create-bucket",
                "--image", "img:1", "--instance-type", "ml.c5.large", "--instance-count", "2",
                "--serverless-memory-mb", "2048", "--provisioned-concurrency", "3", "--runtime", "python3.11",
                "--contract", "lambda", "--endpoint-url", "http://127.0.0.1:5000", "--region", "eu-west-1",
                "--memory-mb", "2048", "--timeout-s", "30", "--arch", "arm64");
        assertEquals(0, r.status(), r::toString);
        Map<String, String> env = cloud.environments.get(cloud.environments.size() - 1);
        assertEquals("arn:aws:iam::123456789012:role/r", env.get("MLDEPLOY_ROLE_ARN"));
        assertEquals("b1", env.get("MLDEPLOY_BUCKET"), "a flag wins over the process environment");
        assertEquals("true", env.get("MLDEPLOY_CREATE_BUCKET"));
        assertEquals("img:1", env.get("MLDEPLOY_IMAGE"));
        assertEquals("ml.c5.large", env.get("MLDEPLOY_SAGEMAKER_INSTANCE_TYPE"));
        assertEquals("2", env.get("MLDEPLOY_SAGEMAKER_INSTANCE_COUNT"));
        assertEquals("2048", env.get("MLDEPLOY_SAGEMAKER_SERVERLESS_MEMORY_MB"));
        assertEquals("3", env.get("MLDEPLOY_LAMBDA_PROVISIONED_CONCURRENCY"));
        assertEquals("python3.11", env.get("MLDEPLOY_LAMBDA_RUNTIME"));
        assertEquals("lambda", env.get("MLDEPLOY_LOCAL_CONTRACT"));
        assertEquals("http://127.0.0.1:5000", env.get("AWS_ENDPOINT_URL"));
        assertEquals("eu-west-1", env.get("AWS_REGION"));
        assertEquals(tmp.resolve("home").toString(), env.get("MLDEPLOY_HOME"), "the process environment is kept");
        var spec = cloud.specs.get("m1");
        assertEquals(2048, spec.resources().memoryMb());
        assertEquals(30_000, spec.resources().maxInferenceTime().toMillis());
        assertEquals(dev.mldeploy.Architecture.ARM64, spec.resources().architecture());
    }

    @Test
    void deploy_withoutBackendOptions_keepsTheProcessEnvironment() {
        Cli.Result r = cli.run("deploy", "--target", "fakecloud", "--model", model.toString());
        assertEquals(0, r.status(), r::toString);
        Map<String, String> env = cloud.environments.get(cloud.environments.size() - 1);
        assertEquals("from-env", env.get("MLDEPLOY_BUCKET"));
        assertFalse(env.containsKey("MLDEPLOY_ROLE_ARN"));
    }

    @Test
    void deploy_namesTheDeploymentAfterTheDirectory_printsResultAndProgress_thenUnchanged() {
        Cli.Result first = cli.run("deploy", "--target", "fakecloud", "--model", model.toString());
        assertEquals(0, first.status(), first::toString);
        assertTrue(first.out().startsWith("created: tiny-model created"), first::toString);
        assertTrue(first.out().contains("fake://tiny-model"), first::toString);
        assertTrue(first.out().contains("placement:"), "the target was checked against placement: " + first);
        List<String> progress = first.err().lines().toList();
        assertEquals(2, progress.size(), "one line per progress event when stderr is no terminal: " + first);
        assertTrue(progress.get(0).contains("fakecloud create: Creating creating tiny-model"), first::toString);

        Cli.Result second = cli.run("deploy", "--target", "fakecloud", "--model", model.toString(), "--output",
                "json");
        assertEquals(0, second.status(), second::toString);
        Map<String, Object> result = obj(parse(second.out()));
        assertEquals("UNCHANGED", result.get("change"));
        assertEquals("tiny-model", obj(result.get("deployment")).get("name"));
        assertEquals("fakecloud", obj(obj(result.get("placement"))).get("target"));
    }

    @Test
    void deploy_auto_whenNothingFits_exits3_andDeploysNothing() {
        Cli.Result r = cli.run("deploy", "--target", "auto", "--model", model.toString(), "--timeout-s", "1200");
        assertEquals(3, r.status(), r::toString);
        assertTrue(r.err().startsWith("mldeploy: no target can hold 'tiny-model'"), r::toString);
        assertTrue(cloud.deployments.isEmpty());
    }

    @Test
    void lifecycle_invokeDescribeListUndeploy_againstOneTarget() {
        assertEquals(0, cli.run("deploy", "--target", "fakecloud", "--model", model.toString()).status());

        Cli.Result invoked = cli.run("invoke", "tiny-model", "--target", "fakecloud", "--data", "{\"text\": \"hi\"}");
        assertEquals(0, invoked.status(), invoked::toString);
        assertEquals("{\"text\": \"hi\"}", invoked.out().trim());

        Cli.Result json = cli.run("invoke", "tiny-model", "--target", "fakecloud", "--data", "{\"a\": 1}",
                "--output", "json");
        Map<String, Object> answer = obj(parse(json.out()));
        assertEquals(Map.of("a", 1L), answer.get("body"));
        assertEquals("fakecloud", answer.get("target"));
        assertEquals("v1", answer.get("variant"));

        Cli.Result described = cli.run("describe", "tiny-model", "--target", "fakecloud", "--output", "json");
        assertEquals("IN_SERVICE", obj(parse(described.out())).get("status"), described::toString);

        Cli.Result listed = cli.run("list", "--target", "fakecloud");
        assertTrue(listed.out().lines().anyMatch(l -> l.startsWith("tiny-model") && l.contains("IN_SERVICE")),
                listed::toString);

        Cli.Result undeployed = cli.run("undeploy", "tiny-model", "--target", "fakecloud");
        assertEquals(0, undeployed.status(), undeployed::toString);
        assertEquals("undeployed tiny-model", undeployed.out().trim());
        Cli.Result again = cli.run("undeploy", "tiny-model", "--target", "fakecloud", "--output", "json");
        assertEquals(Map.of("name", "tiny-model", "removed", false), obj(parse(again.out())));

        Cli.Result gone = cli.run("describe", "tiny-model", "--target", "fakecloud");
        assertEquals(1, gone.status(), gone::toString);
        assertTrue(gone.err().contains("no deployment named 'tiny-model'"), gone::toString);
        assertEquals("no deployments on fakecloud", cli.run("list", "--target", "fakecloud").out().trim());
    }

    @Test
    void invoke_withBodyFromFile_sendsTheFileAndContentType() throws IOException {
        assertEquals(0, cli.run("deploy", "--target", "fakecloud", "--model", model.toString()).status());
        Path body = Files.writeString(tmp.resolve("body.txt"), "plain words");
        Cli.Result r = cli.run("invoke", "tiny-model", "--target", "fakecloud", "--file", body.toString(),
                "--content-type", "text/plain", "--output", "json");
        assertEquals(0, r.status(), r::toString);
        assertEquals("plain words", obj(parse(r.out())).get("body"));
        assertEquals("text/plain", obj(parse(r.out())).get("contentType"));
    }

    @Test
    void invoke_withoutBody_exits2() {
        Cli.Result r = cli.run("invoke", "tiny-model", "--target", "fakecloud");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("--data") && r.err().contains("--file"), r::toString);
    }

    @Test
    void invoke_withMissingFile_exits2() {
        Cli.Result r = cli.run("invoke", "tiny-model", "--target", "fakecloud", "--file", tmp.resolve("x").toString());
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("no such file"), r::toString);
    }

    @Test
    void invoke_whenTheModelRaises_exits1_withThePythonErrorInOneLine() {
        assertEquals(0, cli.run("deploy", "--target", "fakecloud", "--model", model.toString()).status());
        Cli.Result r = cli.run("invoke", "tiny-model", "--target", "fakecloud", "--data", "boom");
        assertEquals(1, r.status(), r::toString);
        assertEquals("mldeploy: model raised ValueError: boom is not a text (target fakecloud)", r.err().trim());
    }

    @Test
    void invoke_overTheTargetsPayloadLimit_exits1_sayingTheLimit() {
        assertEquals(0, cli.run("deploy", "--target", "fakecloud", "--model", model.toString()).status());
        Cli.Result r = cli.run("invoke", "tiny-model", "--target", "fakecloud", "--data", "x".repeat(2000));
        assertEquals(1, r.status(), r::toString);
        assertTrue(r.err().contains("1024"), r::toString);
    }

    @Test
    void verbose_printsTheStackTrace() {
        Cli.Result r = cli.run("describe", "nothing-here", "--target", "fakecloud", "--verbose");
        assertEquals(1, r.status(), r::toString);
        assertTrue(r.err().contains("DeploymentNotFoundException") && r.err().contains("\tat "), r::toString);
    }

    @Test
    void package_writesTheTargetsArtifacts() {
        Path out = tmp.resolve("out");
        Cli.Result r = cli.run("package", "--target", "fakecloud", "--model", model.toString(), "--out",
                out.toString(), "--output", "json");
        assertEquals(0, r.status(), r::toString);
        assertTrue(Files.isRegularFile(out.resolve("tiny-model.pkg")));
        assertEquals(out.resolve("tiny-model.pkg").toString(),
                obj(list(obj(parse(r.out())).get("files")).get(0)).get("path"));
    }

    @Test
    void timeout_malformed_exits2() {
        Cli.Result r = cli.run("list", "--target", "fakecloud", "--timeout", "soon");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("'soon' is not a duration"), r::toString);
    }
}
