package dev.mldeploy.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.spi.Json;
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
        model = TinyModel.in(tmp.resolve("tiny-model"));
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
        assertEquals(Map.of("type", "PlacementException", "message", "no target can hold 'model'", "exitCode", 3L),
                plan.get("error"), "the plan carries the failure as every command's JSON error does");
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
    void plan_evaluatesOnlyWhatTheProvidersContribute_noBuiltInTargets() {
        Cli.Result r = new Cli(Map.of(), false, new FakeCloud()).run("plan", "--model-size-mb", "1", "--output",
                "json");
        assertEquals(0, r.status(), r::toString);
        List<Object> names = list(obj(parse(r.out())).get("targets")).stream().map(t -> obj(t).get("name"))
                .distinct().toList();
        assertEquals(List.of("fakecloud"), names, "lambda and sagemaker are not on this deployer's providers");
    }

    @Test
    void plan_withNoProviderContributingProfiles_exits2_sayingWhatToAdd() {
        Cli.Result r = new Cli(Map.of(), false).run("plan", "--model-size-mb", "1");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("no target provider contributes a placement profile")
                && r.err().contains("mldeploy-lambda"), r::toString);
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
                "--contract", "lambda", "--workers", "3", "--endpoint-url", "http://127.0.0.1:5000",
                "--region", "eu-west-1",
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
        assertEquals("3", env.get("MLDEPLOY_LOCAL_WORKERS"));
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

    private void deployTiny() {
        Cli.Result r = cli.run("deploy", "--target", "fakecloud", "--model", model.toString());
        assertEquals(0, r.status(), r::toString);
    }

    @Test
    void invoke_whenTheAnswerIsBinary_writesItsBytesExactly() throws IOException {
        deployTiny();
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        Path body = Files.write(tmp.resolve("body.bin"), binary);
        Cli.Result r = cli.run("invoke", "tiny-model", "--target", "fakecloud", "--file", body.toString(),
                "--content-type", "application/octet-stream");
        assertEquals(0, r.status(), r::toString);
        org.junit.jupiter.api.Assertions.assertArrayEquals(binary, r.outBytes(),
                "the echo's 256 bytes, not decoded as text (which made them 2x as many) nor a newline added");
    }

    @Test
    void invoke_withOut_writesTheBodyToTheFile_andSaysWhatItWrote() throws IOException {
        deployTiny();
        Path answer = tmp.resolve("answer.json");
        Cli.Result r = cli.run("invoke", "tiny-model", "--target", "fakecloud", "--data", "{\"a\": 1}",
                "--out", answer.toString());
        assertEquals(0, r.status(), r::toString);
        assertEquals("{\"a\": 1}", Files.readString(answer));
        assertEquals("wrote 8 bytes (application/json) to " + answer, r.out().trim());

        Cli.Result json = cli.run("invoke", "tiny-model", "--target", "fakecloud", "--data", "{\"b\": 22}",
                "--out", answer.toString(), "--output", "json");
        assertEquals(0, json.status(), json::toString);
        Map<String, Object> m = obj(parse(json.out()));
        assertEquals(answer.toString(), m.get("bodyFile"));
        assertEquals(9L, m.get("bodyBytes"));
        assertFalse(m.containsKey("body"), "the body is in the file, not on stdout");
        assertEquals("{\"b\": 22}", Files.readString(answer));
    }

    @Test
    void invoke_withOutInAMissingDirectory_exits2_beforeInvoking() {
        deployTiny();
        Cli.Result r = cli.run("invoke", "tiny-model", "--target", "fakecloud", "--data", "{}",
                "--out", tmp.resolve("no/such/dir/answer").toString());
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("its directory does not exist"), r::toString);
    }

    @Test
    void failure_withOutputJson_printsOneErrorObjectOnStdout_andOneLineOnStderr() {
        Cli.Result r = cli.run("describe", "nothing-here", "--target", "fakecloud", "--output", "json");
        assertEquals(1, r.status(), r::toString);
        Map<String, Object> error = obj(obj(parse(r.out())).get("error"));
        assertEquals("DeploymentNotFoundException", error.get("type"));
        assertEquals(1L, error.get("exitCode"));
        assertTrue(error.get("message").toString().startsWith("no deployment named 'nothing-here'"), r::toString);
        assertEquals(1, r.err().lines().count(), r::toString);
        assertEquals("mldeploy: " + error.get("message"), r.err().trim());
    }

    @Test
    void usageError_withOutputJson_printsAUsageErrorObject_exit2() {
        Cli.Result r = cli.run("plan", "--output", "json", "--instance-count", "0");
        assertEquals(2, r.status(), r::toString);
        Map<String, Object> error = obj(obj(parse(r.out())).get("error"));
        assertEquals("InvalidConfigurationException", error.get("type"));
        assertEquals(2L, error.get("exitCode"));
        assertEquals("instance count must be at least 1, was 0 (leave it out to size it from traffic)",
                error.get("message"));

        Cli.Result unknown = cli.run("list", "--output=json", "--no-such-flag");
        assertEquals(2, unknown.status(), unknown::toString);
        assertEquals("UsageError", obj(obj(parse(unknown.out())).get("error")).get("type"));
        assertEquals(1, unknown.err().lines().count(), "one line, the help hint included: " + unknown);
    }

    @Test
    void placementFailure_withOutputJson_carriesEveryCandidatesReasons_exit3() {
        Cli.Result r = cli.run("deploy", "--target", "auto", "--model", model.toString(), "--timeout-s", "1200",
                "--output", "json");
        assertEquals(3, r.status(), r::toString);
        Map<String, Object> error = obj(obj(parse(r.out())).get("error"));
        assertEquals("PlacementException", error.get("type"));
        assertEquals(3L, error.get("exitCode"));
        assertFalse(error.get("message").toString().contains("\n"));
        Map<String, Object> reasons = obj(error.get("reasons"));
        assertTrue(reasons.containsKey("fakecloud:large") && reasons.containsKey("lambda:zip"), reasons::toString);
        assertEquals(1, r.err().lines().count(), "the reasons are in the JSON: " + r);
        assertTrue(cloud.deployments.isEmpty());
    }

    @Test
    void failure_withAMultiLineMessage_printsItsFirstLine_unlessVerbose() {
        deployTiny();
        Cli.Result r = cli.run("invoke", "tiny-model", "--target", "fakecloud", "--data", "two lines");
        assertEquals(1, r.status(), r::toString);
        assertEquals("mldeploy: the model's answer was cut off", r.err().trim());

        Cli.Result verbose = cli.run("invoke", "tiny-model", "--target", "fakecloud", "--data", "two lines",
                "--verbose");
        assertTrue(verbose.err().contains("detail: connection reset after 12 bytes"), verbose::toString);
        assertTrue(verbose.err().contains("\tat "), verbose::toString);
    }

    @Test
    void deploy_withABackendOptionTheTargetDoesNotUse_exits2_andDeploysNothing() {
        Cli.Result lambda = cli.run("deploy", "--target", "lambda", "--model", model.toString(), "--instance-type",
                "ml.m5.large", "--serverless-memory-mb", "2048");
        assertEquals(2, lambda.status(), lambda::toString);
        assertTrue(lambda.err().startsWith("mldeploy: --instance-type (sagemaker only), --serverless-memory-mb "
                + "(sagemaker only) do nothing on --target lambda; remove them"), lambda::toString);

        Cli.Result local = cli.run("deploy", "--target", "local", "--model", model.toString(), "--role-arn",
                "arn:aws:iam::123456789012:role/r");
        assertEquals(2, local.status(), local::toString);
        assertTrue(local.err().contains("--role-arn (lambda, sagemaker only) does nothing on --target local"),
                local::toString);

        Cli.Result sagemaker = cli.run("deploy", "--target", "sagemaker", "--model", model.toString(),
                "--contract", "lambda");
        assertEquals(2, sagemaker.status(), sagemaker::toString);
        assertTrue(sagemaker.err().contains("--contract (local only) does nothing on --target sagemaker"),
                sagemaker::toString);
        assertTrue(cloud.deployments.isEmpty());
    }

    @Test
    void deploy_withInterpreter_setsTheLocalPythonKey_andIsRefusedOnACloudTarget() {
        Cli.Result r = cli.run("deploy", "--target", "fakecloud", "--model", model.toString(),
                "--interpreter", "/usr/bin/python3");
        assertEquals(0, r.status(), r::toString);
        assertEquals("/usr/bin/python3", cloud.environments.get(cloud.environments.size() - 1).get("MLDEPLOY_PYTHON"));

        Cli.Result lambda = cli.run("deploy", "--target", "lambda", "--model", model.toString(),
                "--interpreter", "/usr/bin/python3");
        assertEquals(2, lambda.status(), lambda::toString);
        assertTrue(lambda.err().contains("--interpreter (local only) does nothing on --target lambda"),
                lambda::toString);
    }

    @Test
    void deploy_withInterpreterPackages_setsTheLocalKey_andIsRefusedOnACloudTarget() {
        Cli.Result r = cli.run("deploy", "--target", "fakecloud", "--model", model.toString(),
                "--interpreter-packages");
        assertEquals(0, r.status(), r::toString);
        assertEquals("true", cloud.environments.get(cloud.environments.size() - 1)
                .get("MLDEPLOY_LOCAL_INTERPRETER_PACKAGES"));

        Cli.Result lambda = cli.run("deploy", "--target", "lambda", "--model", model.toString(),
                "--interpreter-packages");
        assertEquals(2, lambda.status(), lambda::toString);
        assertTrue(lambda.err().contains("--interpreter-packages (local only) does nothing on --target lambda"),
                lambda::toString);
    }

    @Test
    void deploy_frameworkFlags_mapToTheSagemakerKeys_andAreRefusedOnLambda() {
        Cli.Result r = cli.run("deploy", "--target", "fakecloud", "--model", model.toString(), "--name", "fw",
                "--framework", "xgboost", "--framework-version", "1.7-1");
        assertEquals(0, r.status(), r::toString);
        Map<String, String> env = cloud.environments.get(cloud.environments.size() - 1);
        assertEquals("xgboost", env.get("MLDEPLOY_SAGEMAKER_FRAMEWORK"));
        assertEquals("1.7-1", env.get("MLDEPLOY_SAGEMAKER_FRAMEWORK_VERSION"));

        Cli.Result lambda = cli.run("deploy", "--target", "lambda", "--model", model.toString(), "--framework",
                "sklearn", "--framework-version", "1.2-1");
        assertEquals(2, lambda.status(), lambda::toString);
        assertTrue(lambda.err().startsWith("mldeploy: --framework (sagemaker only), --framework-version (sagemaker "
                + "only) do nothing on --target lambda; remove them"), lambda::toString);
    }

    @Test
    void deploy_withImageAndFramework_exits2_andDeploysNothing() {
        Cli.Result r = cli.run("deploy", "--target", "fakecloud", "--model", model.toString(), "--image", "img:1",
                "--framework", "sklearn");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("give --image (your own container) or --framework / --framework-version (AWS's "
                + "prebuilt one), not both"), r::toString);
        assertTrue(cloud.deployments.isEmpty());
    }

    @Test
    void deploy_workers_isForTheLocalTargetOnly_andAtLeastOne() {
        Cli.Result lambda = cli.run("deploy", "--target", "lambda", "--model", model.toString(), "--workers", "2");
        assertEquals(2, lambda.status(), lambda::toString);
        assertTrue(lambda.err().contains("--workers (local only) does nothing on --target lambda"), lambda::toString);
        Cli.Result zero = cli.run("deploy", "--target", "local", "--model", model.toString(), "--workers", "0");
        assertEquals(2, zero.status(), zero::toString);
        assertTrue(zero.err().contains("--workers must be at least 1, was 0"), zero::toString);
        assertTrue(cloud.deployments.isEmpty());
    }

    @Test
    void deploy_sagemakerWithAnUnknownFramework_exits2BeforeAnyCall_listingTheKnownOnes() {
        Cli.Result r = cli.run("deploy", "--target", "sagemaker", "--model", model.toString(), "--framework",
                "tensorflow", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("framework 'tensorflow' is not one mldeploy knows a prebuilt SageMaker serving "
                + "image of; known frameworks: sklearn, pytorch, xgboost"), r::toString);
    }

    @Test
    void exitStatus_ofARequestTheServerRefused_is2_andOfAModelError1() {
        assertEquals(2, MlDeployCli.exitStatus(new dev.mldeploy.BadRequestException("local", 415,
                "UnsupportedContentType", "no default decoder", null)));
        assertEquals(1, MlDeployCli.exitStatus(new dev.mldeploy.ModelErrorException("local", "ValueError", "x", 500,
                null, null)));
    }

    @Test
    void deploy_auto_withAnOptionOfAnotherTargetThanTheChosenOne_exits2() {
        // the tiny model's default traffic costs cents on Lambda, less than fakecloud's $1.51
        Cli.Result r = cli.run("deploy", "--target", "auto", "--model", model.toString(), "--instance-count", "2");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("--instance-count (sagemaker only) does nothing on lambda (chosen by --target "
                + "auto as lambda:zip)"), r::toString);
        assertTrue(cloud.deployments.isEmpty());
    }

    @Test
    void describeInvokeUndeploy_auto_whenTheNameIsOnTwoTargets_exit2_namingBoth() {
        FakeCloud other = new FakeCloud("othercloud");
        Cli two = new Cli(Map.of("MLDEPLOY_HOME", tmp.resolve("home").toString()), false, cloud, other);
        assertEquals(0, two.run("deploy", "--target", "fakecloud", "--model", model.toString()).status());
        assertEquals(0, two.run("deploy", "--target", "othercloud", "--model", model.toString()).status());
        for (String[] args : List.of(new String[] {"describe", "tiny-model"},
                new String[] {"invoke", "tiny-model", "--data", "{}"}, new String[] {"undeploy", "tiny-model"})) {
            String[] auto = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                    java.util.stream.Stream.of("--target", "auto")).toArray(String[]::new);
            Cli.Result r = two.run(auto);
            assertEquals(2, r.status(), r::toString);
            assertTrue(r.err().contains("deployment 'tiny-model' exists on 2 targets: fakecloud and othercloud"),
                    r::toString);
        }
        assertTrue(cloud.deployments.containsKey("tiny-model") && other.deployments.containsKey("tiny-model"),
                "undeploy removed neither");
    }

    @Test
    void describeAndInvoke_whenTheLookupNeverAnswers_giveUpAtTheTimeout_exit1() {
        for (String[] args : List.of(new String[] {"describe", FakeCloud.STUCK},
                new String[] {"invoke", FakeCloud.STUCK, "--data", "{}"})) {
            String[] bounded = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                    java.util.stream.Stream.of("--target", "fakecloud", "--timeout", "500ms")).toArray(String[]::new);
            Cli.Result r = cli.run(bounded);
            assertEquals(1, r.status(), r::toString);
            assertEquals("mldeploy: mldeploy " + args[0] + " did not finish within 0.5 s; raise --timeout",
                    r.err().trim());
        }
    }

    @Test
    void everyCommandThatTalksToATarget_hasTimeout() {
        var cl = MlDeployCli.commandLine(Map.of(), List.of(), new java.io.ByteArrayOutputStream(), true);
        for (String command : List.of("deploy", "invoke", "describe", "list", "undeploy", "package")) {
            assertTrue(cl.getSubcommands().get(command).getCommandSpec().findOption("--timeout") != null, command);
        }
        Path out = tmp.resolve("pkg");
        Cli.Result r = cli.run("package", "--target", "fakecloud", "--model", model.toString(), "--out",
                out.toString(), "--timeout", "1m");
        assertEquals(0, r.status(), r::toString);
    }

    @Test
    void plan_withImpossibleInputs_exits2_withTheRule() {
        Cli.Result avg = cli.run("plan", "--avg-inference-ms", "2000", "--max-inference-ms", "1000");
        assertEquals(2, avg.status(), avg::toString);
        assertTrue(avg.err().contains("the average inference time (2000 ms) is longer than the maximum (1000 ms)"),
                avg::toString);
        Cli.Result count = cli.run("plan", "--instance-count", "0");
        assertEquals(2, count.status(), count::toString);
        Cli.Result huge = cli.run("plan", "--requests-per-month", "9223372036854775807");
        assertEquals(2, huge.status(), huge::toString);
        assertTrue(huge.err().contains("requestsPerMonth must be at most 1,000,000,000,000,000 (10^15)"), huge::toString);
        Cli.Result payload = cli.run("plan", "--payload-kb", "9223372036854775807");
        assertEquals(2, payload.status(), payload::toString);
        assertTrue(payload.err().contains("--payload-kb must be 0 to"), payload::toString);
    }

    @Test
    void plan_whenLambdaPayloadIsOverTheEnvelopeLimit_rejectsLambda_withTheLimitInvokeEnforces() {
        Cli.Result r = cli.run("plan", "--target", "lambda", "--payload-kb", "4608", "--output", "json");
        assertEquals(3, r.status(), r::toString);
        assertTrue(r.out().contains("is over the 4,717,824 bytes body mldeploy can send to Lambda"), r::toString);
        Cli.Result fits = cli.run("plan", "--target", "lambda", "--payload-kb", "4607");
        assertEquals(0, fits.status(), fits::toString);
    }

    @Test
    void help_ofACommandWithTimeout_isPrintedOnce_exit0() {
        Cli.Result r = cli.run("invoke", "--help");
        assertEquals(0, r.status(), r::toString);
        assertEquals(1, r.out().split("Usage: mldeploy invoke", -1).length - 1, r::toString);
        assertTrue(r.out().contains("--out=FILE") && r.out().contains("--timeout=DURATION"), r::toString);
        Cli.Result pkg = cli.run("package", "--help");
        assertTrue(pkg.out().contains("--timeout=DURATION"), pkg::toString);
    }

    @Test
    void timeout_reachesTheTargetsAsMldeployTimeoutAndCallTimeout() {
        Cli.Result r = cli.run("list", "--target", "fakecloud", "--timeout", "90s");
        assertEquals(0, r.status(), r::toString);
        Map<String, String> env = cloud.environments.get(cloud.environments.size() - 1);
        assertEquals("PT1M30S", env.get("MLDEPLOY_TIMEOUT"));
        assertEquals("PT1M30S", env.get("MLDEPLOY_CALL_TIMEOUT"), "describe, list and invoke are bounded too");
    }

    @Test
    void rollback_whenTheTargetCannotRollBack_exits2_withTheTypedErrorInJson() {
        assertEquals(0, cli.run("deploy", "--target", "fakecloud", "--model", model.toString()).status());
        dev.mldeploy.Deployment before = cloud.deployments.get("tiny-model");

        Cli.Result r = cli.run("rollback", "tiny-model", "--target", "fakecloud", "--output", "json");

        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().startsWith("mldeploy: target fakecloud cannot roll back deployments"), r::toString);
        Map<String, Object> error = obj(obj(parse(r.out())).get("error"));
        assertEquals("NotSupportedException", error.get("type"));
        assertEquals(2L, error.get("exitCode"));
        assertEquals(before, cloud.deployments.get("tiny-model"), "the deployment is left as it was");
    }

    @Test
    void rollback_onLocal_whenThereIsNoSuchDeployment_exits1_sayingSo() {
        Cli.Result r = cli.run("rollback", "nothing-here", "--output", "json");

        assertEquals(1, r.status(), r::toString);
        assertTrue(r.err().startsWith("mldeploy: no local deployment named 'nothing-here'"), r::toString);
        assertEquals("DeploymentNotFoundException", obj(obj(parse(r.out())).get("error")).get("type"));
    }

    @Test
    void rollback_withoutAName_exits2_asUsage() {
        Cli.Result r = cli.run("rollback");

        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("Missing required parameter: 'NAME'"), r::toString);
    }
}
