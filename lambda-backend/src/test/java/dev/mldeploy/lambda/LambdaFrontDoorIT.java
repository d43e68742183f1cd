package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.aws.http.HttpAccess;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.apigateway.model.GetMethodResponse;
import software.amazon.awssdk.services.apigateway.model.RestApi;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/**
 * The HTTPS front door on the emulator: made with the deploy (REST API, {@code POST /invocations} integrating the
 * alias, the alias statement, with an API key a key and a throttling usage plan), its URL in the result and in
 * describe, and every part gone after undeploy, also after a deploy that failed once the API existed. Listings of
 * APIs, keys, usage plans, roles and the alias policy prove what is left.
 */
@ExtendWith(AwsEndpointExtension.class)
class LambdaFrontDoorIT {
    @TempDir
    Path dir;
    LambdaFixtures fx;
    ApiGatewayClient apigw;

    @BeforeEach
    void setUp(AwsEndpoint aws) {
        aws.assumeSupports("lambda");
        fx = new LambdaFixtures(aws);
        apigw = ApiGatewayClient.builder().endpointOverride(aws.endpoint()).region(aws.awsRegion())
                .credentialsProvider(aws.credentialsProvider())
                .overrideConfiguration(o -> o.addExecutionInterceptor(fx.faults)).build();
    }

    @AfterEach
    void tearDown() {
        apigw.close();
        fx.close();
    }

    private LambdaTarget.Builder target(HttpAccess http) {
        return fx.target().createRole(true).apiGatewayClient(apigw).http(http);
    }

    private ModelSpec spec(String name) {
        return ModelSpec.builder(name).source(LambdaFixtures.echoModel(dir, name)).build();
    }

    private static DeployResult deploy(ModelDeployer d, ModelSpec spec) {
        return d.deploy(spec, DeployOptions.builder().timeout(Duration.ofMinutes(2)).build());
    }

    private List<RestApi> apis() {
        return apigw.getRestApis(r -> r.limit(500)).items();
    }

    private List<String> apiKeys() {
        return apigw.getApiKeys(r -> r.limit(500)).items().stream().map(k -> k.name()).toList();
    }

    private List<String> usagePlans() {
        return apigw.getUsagePlans(r -> r.limit(500)).items().stream().map(u -> u.name()).toList();
    }

    private GetMethodResponse method(String apiId) {
        String resource = apigw.getResources(r -> r.restApiId(apiId)).items().stream()
                .filter(r -> "/invocations".equals(r.path())).findFirst().orElseThrow().id();
        return apigw.getMethod(r -> r.restApiId(apiId).resourceId(resource).httpMethod("POST"));
    }

    private void assertNothingLeft(String name) {
        assertEquals(List.of(), apis());
        assertEquals(List.of(), apiKeys());
        assertEquals(List.of(), usagePlans());
        assertEquals(List.of(), fx.roles());
        assertEquals(List.of(), fx.functions());
        assertThrows(ResourceNotFoundException.class, () -> fx.lambda.getPolicy(r -> r.functionName(name)
                .qualifier("live")));
    }

    @Test
    void deploy_withIamHttp_makesRestApiInvokingTheAlias_describeShowsUrl_undeployRemovesEverything() {
        try (ModelDeployer d = fx.deployer(target(HttpAccess.iam()).build())) {
            DeployResult r = deploy(d, spec("door"));
            List<RestApi> apis = apis();
            assertEquals(1, apis.size());
            RestApi api = apis.get(0);
            assertEquals("mldeploy-lambda-door", api.name());
            assertEquals("true", api.tags().get("mldeploy:managed"));
            String url = "https://" + api.id() + ".execute-api.us-east-1.amazonaws.com/live/invocations";
            assertEquals(url, r.deployment().httpEndpoint());
            assertTrue(r.message().contains(url), r.message());
            assertEquals(java.util.Optional.of(url), d.describe("door").httpUrl());

            GetMethodResponse m = method(api.id());
            assertEquals("AWS_IAM", m.authorizationType());
            assertFalse(m.apiKeyRequired());
            String aliasArn = r.deployment().endpoint();
            assertEquals("AWS", m.methodIntegration().typeAsString());
            assertEquals("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + aliasArn
                    + "/invocations", m.methodIntegration().uri());
            assertEquals("NEVER", m.methodIntegration().passthroughBehavior());
            assertTrue(m.methodIntegration().integrationResponses().containsKey("502"));
            assertEquals(List.of("live"), apigw.getStages(s -> s.restApiId(api.id())).item().stream()
                    .map(s -> s.stageName()).toList());
            String policy = fx.lambda.getPolicy(p -> p.functionName("door").qualifier("live")).policy();
            assertTrue(policy.contains("arn:aws:execute-api:us-east-1:123456789012:" + api.id()
                    + "/*/POST/invocations"), policy);
            assertTrue(policy.contains("apigateway.amazonaws.com"), policy);
            assertEquals(List.of(), apiKeys());

            fx.faults.clear();
            DeployResult again = deploy(d, spec("door"));
            assertEquals(DeployResult.Change.UNCHANGED, again.change());
            assertEquals(url, again.deployment().httpEndpoint());
            assertEquals(List.of(), fx.faults.mutatingCalls(), "an unchanged deploy and front door change nothing");

            assertTrue(d.undeploy("door"));
        }
        assertNothingLeft("door");
    }

    @Test
    void deploy_withApiKeyHttp_makesKeyAndUsagePlanWithTheThrottle_undeployRemovesThem() {
        try (ModelDeployer d = fx.deployer(target(HttpAccess.apiKey(5, 10)).build())) {
            DeployResult r = deploy(d, spec("keyed"));
            RestApi api = apis().get(0);
            GetMethodResponse m = method(api.id());
            assertEquals("NONE", m.authorizationType());
            assertTrue(m.apiKeyRequired());
            var plans = apigw.getUsagePlans(p -> p.limit(500)).items();
            assertEquals(1, plans.size());
            assertEquals("mldeploy-lambda-keyed", plans.get(0).name());
            assertEquals(5.0, plans.get(0).throttle().rateLimit());
            assertEquals(10, plans.get(0).throttle().burstLimit());
            assertEquals(api.id(), plans.get(0).apiStages().get(0).apiId());
            assertEquals("live", plans.get(0).apiStages().get(0).stage());
            var keys = apigw.getApiKeys(k -> k.limit(500)).items();
            assertEquals(1, keys.size());
            assertTrue(r.message().contains("API key " + keys.get(0).id()), r.message());
            assertEquals(List.of(keys.get(0).id()), apigw.getUsagePlanKeys(k -> k.usagePlanId(plans.get(0).id()))
                    .items().stream().map(k -> k.id()).toList());
            assertTrue(d.undeploy("keyed"));
        }
        assertNothingLeft("keyed");
    }

    @Test
    void deploy_whenThrottleChanges_updatesThePlanInPlace_andWithoutHttpRemovesTheFrontDoor() {
        ModelSpec spec = spec("moves");
        String url;
        try (ModelDeployer d = fx.deployer(target(HttpAccess.apiKey(5, 10)).build())) {
            url = deploy(d, spec).deployment().httpEndpoint();
        }
        try (ModelDeployer d = fx.deployer(target(HttpAccess.apiKey(7, 14)).build())) {
            DeployResult r = deploy(d, spec);
            assertEquals(url, r.deployment().httpEndpoint(), "the URL stays");
            var plan = apigw.getUsagePlans(p -> p.limit(500)).items().get(0);
            assertEquals(7.0, plan.throttle().rateLimit());
            assertEquals(14, plan.throttle().burstLimit());
            assertEquals(1, apiKeys().size());
        }
        try (ModelDeployer d = fx.deployer(fx.target().createRole(true).apiGatewayClient(apigw).build())) {
            DeployResult r = deploy(d, spec);
            assertEquals("", r.deployment().httpEndpoint());
            assertTrue(r.message().contains("removed its HTTPS front door"), r.message());
            assertEquals(List.of(), apis());
            assertEquals(List.of(), apiKeys());
            assertEquals(List.of(), usagePlans());
            assertTrue(d.undeploy("moves"));
        }
        assertNothingLeft("moves");
    }

    @Test
    void deploy_whenIntegrationFailsAfterTheApiExists_removesWhatItMadeAndSaysSo() {
        fx.faults.failNext("PutIntegration", 10,
                () -> SdkClientException.create("Unable to execute HTTP request: Connection reset (injected)"));
        try (ModelDeployer d = fx.deployer(target(HttpAccess.apiKey(5, 10)).build())) {
            DeploymentFailedException e = assertThrows(DeploymentFailedException.class,
                    () -> deploy(d, spec("broken")));
            assertTrue(e.getMessage().contains("function broken is deployed (created) but its HTTPS front door is "
                    + "not"), e.getMessage());
            assertTrue(e.getMessage().contains("removed what it had made (REST API mldeploy-lambda-broken"),
                    e.getMessage());
            assertEquals(List.of(), apis());
            assertThrows(ResourceNotFoundException.class, () -> fx.lambda.getPolicy(r -> r.functionName("broken")
                    .qualifier("live")));
            assertTrue(d.undeploy("broken"));
        }
        assertNothingLeft("broken");
    }

    @Test
    void undeploy_findsAFrontDoorWhoseDeployFailedAndCouldNotCleanUp() {
        fx.faults.failNext("CreateUsagePlan", 10,
                () -> SdkClientException.create("Unable to execute HTTP request: Connection reset (injected)"));
        fx.faults.failNext("DeleteRestApi", 10,
                () -> SdkClientException.create("Unable to execute HTTP request: Connection reset (injected)"));
        try (ModelDeployer d = fx.deployer(target(HttpAccess.apiKey(5, 10)).build())) {
            DeploymentFailedException e = assertThrows(DeploymentFailedException.class,
                    () -> deploy(d, spec("orphan")));
            assertTrue(e.getMessage().contains("could not remove REST API mldeploy-lambda-orphan"), e.getMessage());
            assertTrue(e.getMessage().contains("'mldeploy undeploy orphan' finds them by the name"), e.getMessage());
            assertEquals(1, apis().size(), "the injected faults left the API");
        }
        fx.faults.clear();
        // another process, configured without any front door, finds it from the name
        try (ModelDeployer d = fx.deployer(fx.target().apiGatewayClient(apigw).build())) {
            assertTrue(d.undeploy("orphan"));
        }
        assertNothingLeft("orphan");
    }

    @Test
    void describe_withoutFrontDoor_hasNoUrl() {
        try (ModelDeployer d = fx.deployer(fx.target().createRole(true).apiGatewayClient(apigw).build())) {
            Deployment dep = deploy(d, spec("plain")).deployment();
            assertEquals("", dep.httpEndpoint());
            assertTrue(d.describe("plain").httpUrl().isEmpty());
            assertTrue(d.undeploy("plain"));
        }
        assertNothingLeft("plain");
    }
}
