package dev.mldeploy.sagemaker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.aws.http.HttpAccess;
import dev.mldeploy.aws.http.Integration;
import dev.mldeploy.sagemaker.DataCaptureSettings;
import dev.mldeploy.sagemaker.SageMakerTarget;
import dev.mldeploy.sagemaker.VpcSettings;
import dev.mldeploy.spi.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The documents and requests of the execution role and the front door: least privilege, exact resources. */
class RoleAndFrontDoorRequestsTest {
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statements(String policy) {
        Map<String, Object> doc = Json.parseObject(policy);
        assertEquals("2012-10-17", doc.get("Version"));
        return (List<Map<String, Object>>) (List<?>) doc.get("Statement");
    }

    @Test
    void executionPolicy_allowsOnlyItsArtifactsLogGroupAndEcrRepository() {
        List<Map<String, Object>> s = statements(RoleManager.policy("m", "b", "mldeploy",
                "111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/serve:1", "us-east-1", "123456789012"));
        assertEquals(List.of("ReadArtifacts", "ListArtifacts", "WriteLogs", "PullImage", "EcrLogin"),
                s.stream().map(x -> x.get("Sid")).toList());
        assertEquals("arn:aws:s3:::b/mldeploy/m/*", s.get(0).get("Resource"));
        assertEquals("s3:GetObject", s.get(0).get("Action"));
        assertEquals("arn:aws:s3:::b", s.get(1).get("Resource"));
        assertEquals(Map.of("StringLike", Map.of("s3:prefix", "mldeploy/m/*")), s.get(1).get("Condition"));
        assertEquals(List.of("arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/m",
                "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/m:*"), s.get(2).get("Resource"));
        assertEquals("arn:aws:ecr:eu-west-1:111122223333:repository/team/serve", s.get(3).get("Resource"));
        assertEquals("ecr:GetAuthorizationToken", s.get(4).get("Action"));
    }

    @Test
    void executionPolicy_withAnImageOutsideEcr_grantsNoPull() {
        List<Map<String, Object>> s = statements(RoleManager.policy("m", "b", "", "registry.example.com/serve:1",
                "us-east-1", "123456789012"));
        assertEquals(List.of("ReadArtifacts", "ListArtifacts", "WriteLogs"), s.stream().map(x -> x.get("Sid"))
                .toList());
        assertEquals("arn:aws:s3:::b/m/*", s.get(0).get("Resource"));
    }

    @Test
    void invokePolicy_allowsInvokeEndpointOnThatEndpointOnly() {
        String arn = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/m";
        List<Map<String, Object>> s = statements(SageMakerFrontDoor.invokePolicy(arn));
        assertEquals(1, s.size());
        assertEquals("sagemaker:InvokeEndpoint", s.get(0).get("Action"));
        assertEquals(arn, s.get(0).get("Resource"));
        assertEquals("mldeploy-http-" + "x".repeat(50), SageMakerFrontDoor.roleName("x".repeat(50)));
        assertTrue(SageMakerFrontDoor.roleName("x".repeat(50)).length() <= 64);
        assertTrue(RoleManager.roleName("x".repeat(50)).length() <= 64);
    }

    @Test
    void integration_callsTheRuntimeWithTheRole_andMapsEveryStatusToTheContract() {
        Integration i = SageMakerFrontDoor.integration("us-east-1", "m", "arn:aws:iam::1:role/r");
        assertEquals("arn:aws:apigateway:us-east-1:runtime.sagemaker:path/endpoints/m/invocations", i.uri());
        assertEquals("arn:aws:iam::1:role/r", i.credentials());
        assertEquals(Map.of("application/json", "$input.body"), i.requestTemplates());
        assertEquals("'application/json'", i.requestParameters().get("integration.request.header.Content-Type"));
        Map<String, String> patterns = new java.util.TreeMap<>();
        i.responses().forEach(r -> patterns.put(r.statusCode(), r.selectionPattern()));
        assertEquals(Map.of("200", "", "502", "424", "429", "429", "400", "4(?!24|29)\\d{2}", "503", "5\\d{2}"),
                patterns);
        java.util.regex.Pattern other4xx = java.util.regex.Pattern.compile(patterns.get("400"));
        assertTrue(other4xx.matcher("400").matches());
        assertTrue(other4xx.matcher("413").matches());
        assertFalse(other4xx.matcher("424").matches(), "a ModelError has its own response");
        assertFalse(other4xx.matcher("429").matches(), "throttling has its own response");
        assertTrue(i.responses().get(1).responseTemplates().get("application/json")
                .contains("$context.responseOverride.status = $s"));
    }

    @Test
    void build_refusesCreateRoleWithWhatTheCreatedRoleCannotServe() {
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> SageMakerTarget.builder().createRole(true)
                .roleArn("arn:aws:iam::123456789012:role/r").build()).getMessage().contains("not both"));
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> SageMakerTarget.builder().createRole(true)
                .vpc(VpcSettings.of(List.of("subnet-1"), List.of("sg-1"))).build()).getMessage()
                .contains("a VPC (network interfaces) needs more"));
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> SageMakerTarget.builder().createRole(true)
                .kmsKeyId("k").build()).getMessage().contains("a KMS key"));
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> SageMakerTarget.builder().createRole(true)
                .dataCapture(DataCaptureSettings.of("s3://b/c", 10)).build()).getMessage().contains("data capture"));
        SageMakerTarget t = SageMakerTarget.builder().createRole(true).http(HttpAccess.apiKey(1, 2)).build();
        assertTrue(t.createRole());
        assertEquals(HttpAccess.apiKey(1, 2), t.http().orElseThrow());
        assertEquals(t.http(), t.toBuilder().build().http());
        assertTrue(t.toBuilder().build().createRole());
    }

    @Test
    void build_withHttp_refusesMoreTagsThanFitBesideMldeploysAndTheFrontDoorsOwn() {
        Map<String, String> tags = new java.util.TreeMap<>();
        for (int i = 0; i < 45; i++) {
            tags.put("k" + i, "v");
        }
        SageMakerTarget.builder().tags(tags).build(); // 45 fit without a front door
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> SageMakerTarget.builder().tags(tags).http(HttpAccess.iam()).build());
        assertTrue(e.getMessage().contains("give at most 44 with --http"), e.getMessage());
    }
}
