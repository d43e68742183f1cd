package dev.mldeploy.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.aws.http.HttpAccess;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.apigateway.model.GetMethodResponse;
import software.amazon.awssdk.services.apigateway.model.RestApi;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The SageMaker front door and the execution role mldeploy creates, on the emulator: the REST API whose integration
 * calls InvokeEndpoint with a role allowed that one endpoint only, the API key and throttling usage plan, the URL in
 * the result and in describe, the execution role's trust and policy, and nothing of either after undeploy, also
 * after deploys that failed midway. Listings of APIs, keys, plans and roles prove what is left.
 */
@ExtendWith(AwsEndpointExtension.class)
class SageMakerFrontDoorIT {
    private static final String IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/mldeploy-serve:it";
    @TempDir
    Path tmp;
    private MotoResources moto;
    private ApiGatewayClient apigw;
    private IamClient iam;
    private AwsEndpoint aws;

    @BeforeEach
    void setUp(AwsEndpoint aws) {
        aws.assumeSupports("sagemaker");
        this.aws = aws;
        moto = new MotoResources(aws);
        apigw = ApiGatewayClient.builder().endpointOverride(aws.endpoint()).region(aws.awsRegion())
                .credentialsProvider(aws.credentialsProvider()).build();
        iam = IamClient.builder().endpointOverride(aws.endpoint()).region(aws.awsRegion())
                .credentialsProvider(aws.credentialsProvider()).build();
    }

    @AfterEach
    void tearDown() {
        apigw.close();
        iam.close();
        moto.close();
    }

    /** The fixture's target without its role: mldeploy creates one. */
    private SageMakerTarget.Builder createdRole() {
        return SageMakerTarget.builder().endpointOverride(aws.endpoint()).region(aws.region())
                .credentialsProvider(aws.credentialsProvider())
                .clientOverride(o -> o.addExecutionInterceptor(moto.faults))
                .bucket(MotoResources.BUCKET).createBucket(true).image(IMAGE)
                .instanceType("ml.m5.large").pollInterval(Duration.ofMillis(50)).createRole(true);
    }

    private ModelDeployer deployer(SageMakerTarget target) {
        return ModelDeployer.builder().discoverProviders(false).provider(SageMakerTargetProvider.of(target))
                .defaultTarget("sagemaker").environment(Map.of()).build();
    }

    private ModelSpec spec(String name) throws Exception {
        return ModelSpec.builder(name).source(MotoResources.model(tmp.resolve(name), "v1")).build();
    }

    private static DeployResult deploy(ModelDeployer d, ModelSpec spec) {
        return d.deploy(spec, DeployOptions.builder().timeout(Duration.ofMinutes(2)).build());
    }

    private List<RestApi> apis() {
        return apigw.getRestApis(r -> r.limit(500)).items();
    }

    private List<String> roles() {
        return iam.listRoles().roles().stream().map(r -> r.roleName()).sorted().toList();
    }

    private GetMethodResponse method(String apiId) {
        String resource = apigw.getResources(r -> r.restApiId(apiId)).items().stream()
                .filter(r -> "/invocations".equals(r.path())).findFirst().orElseThrow().id();
        return apigw.getMethod(r -> r.restApiId(apiId).resourceId(resource).httpMethod("POST"));
    }

    private String inlinePolicy(String role, String policy) {
        String doc = iam.getRolePolicy(r -> r.roleName(role).policyName(policy)).policyDocument();
        return doc.startsWith("%") ? URLDecoder.decode(doc, StandardCharsets.UTF_8) : doc;
    }

    private void assertNothingLeft() {
        assertEquals(List.of(), apis());
        assertEquals(List.of(), apigw.getApiKeys(r -> r.limit(500)).items());
        assertEquals(List.of(), apigw.getUsagePlans(r -> r.limit(500)).items());
        assertEquals(List.of(), roles());
        assertEquals(MotoResources.NOTHING, moto.everything());
    }

    @Test
    void deploy_withIamHttp_makesApiCallingInvokeEndpointWithALeastPrivilegeRole_undeployRemovesIt()
            throws Exception {
        try (ModelDeployer d = deployer(moto.target().http(HttpAccess.iam()).build())) {
            DeployResult r = deploy(d, spec("door"));
            RestApi api = apis().get(0);
            assertEquals(1, apis().size());
            assertEquals("mldeploy-sagemaker-door", api.name());
            String url = "https://" + api.id() + ".execute-api.us-east-1.amazonaws.com/live/invocations";
            assertEquals(url, r.deployment().httpEndpoint());
            assertEquals(java.util.Optional.of(url), d.describe("door").httpUrl());

            GetMethodResponse m = method(api.id());
            assertEquals("AWS_IAM", m.authorizationType());
            assertEquals("arn:aws:apigateway:us-east-1:runtime.sagemaker:path/endpoints/door/invocations",
                    m.methodIntegration().uri());
            String invokeRole = "arn:aws:iam::123456789012:role/mldeploy-http-door";
            assertEquals(invokeRole, m.methodIntegration().credentials());
            assertEquals("'application/json'",
                    m.methodIntegration().requestParameters().get("integration.request.header.Content-Type"));
            assertTrue(m.methodIntegration().integrationResponses().keySet().containsAll(
                    List.of("200", "400", "429", "502", "503")), m.methodIntegration().integrationResponses()
                    .keySet().toString());

            assertEquals(List.of("mldeploy-http-door"), roles());
            String trust = URLDecoder.decode(iam.getRole(g -> g.roleName("mldeploy-http-door")).role()
                    .assumeRolePolicyDocument(), StandardCharsets.UTF_8);
            assertTrue(trust.contains("\"Service\":\"apigateway.amazonaws.com\""), trust);
            String policy = inlinePolicy("mldeploy-http-door", "mldeploy-invoke-endpoint");
            assertTrue(policy.contains("\"Action\":\"sagemaker:InvokeEndpoint\",\"Resource\":\""
                    + r.deployment().endpoint() + "\""), policy);

            moto.faults.clear();
            assertEquals(DeployResult.Change.UNCHANGED, deploy(d, spec("door")).change());
            assertEquals(List.of(), moto.faults.mutatingCalls(), "an unchanged deploy and front door change nothing");
            assertTrue(d.undeploy("door"));
        }
        assertNothingLeft();
    }

    @Test
    void deploy_withApiKeyHttp_makesKeyAndThrottledUsagePlan_undeployRemovesThem() throws Exception {
        try (ModelDeployer d = deployer(moto.target().http(HttpAccess.apiKey(50, 100)).build())) {
            deploy(d, spec("keyed"));
            RestApi api = apis().get(0);
            GetMethodResponse m = method(api.id());
            assertEquals("NONE", m.authorizationType());
            assertTrue(m.apiKeyRequired());
            var plan = apigw.getUsagePlans(p -> p.limit(500)).items().get(0);
            assertEquals(50.0, plan.throttle().rateLimit());
            assertEquals(100, plan.throttle().burstLimit());
            assertEquals(List.of("mldeploy-sagemaker-keyed"), apigw.getApiKeys(k -> k.limit(500)).items().stream()
                    .map(k -> k.name()).toList());
            assertTrue(d.undeploy("keyed"));
        }
        assertNothingLeft();
    }

    @Test
    void deploy_withCreateRole_makesTheExecutionRoleWithOnlyWhatTheEndpointNeeds_undeployRemovesIt()
            throws Exception {
        try (ModelDeployer d = deployer(createdRole().build())) {
            DeployResult r = deploy(d, spec("roled"));
            assertEquals(DeployResult.Change.CREATED, r.change());
            assertEquals(List.of("mldeploy-sm-roled"), roles());
            String model = moto.models().get(0);
            assertEquals("arn:aws:iam::123456789012:role/mldeploy-sm-roled",
                    moto.sageMaker.describeModel(x -> x.modelName(model)).executionRoleArn());
            String trust = URLDecoder.decode(iam.getRole(g -> g.roleName("mldeploy-sm-roled")).role()
                    .assumeRolePolicyDocument(), StandardCharsets.UTF_8);
            assertTrue(trust.contains("\"Service\":\"sagemaker.amazonaws.com\""), trust);
            String policy = inlinePolicy("mldeploy-sm-roled", "mldeploy-endpoint");
            assertTrue(policy.contains("arn:aws:s3:::" + MotoResources.BUCKET + "/mldeploy/roled/*"), policy);
            assertTrue(policy.contains("log-group:/aws/sagemaker/Endpoints/roled"), policy);
            assertTrue(policy.contains("arn:aws:ecr:us-east-1:123456789012:repository/mldeploy-serve"), policy);
            assertFalse(policy.contains("\"Resource\":\"arn:aws:s3:::*"), policy);
            var tags = iam.listRoleTags(t -> t.roleName("mldeploy-sm-roled")).tags();
            assertTrue(tags.stream().anyMatch(t -> t.key().equals("mldeploy:name") && t.value().equals("roled")));

            moto.faults.clear();
            assertEquals(DeployResult.Change.UNCHANGED, deploy(d, spec("roled")).change());
            assertEquals(List.of(), moto.faults.mutatingCalls(), "an unchanged deploy changes no role");
            assertTrue(d.undeploy("roled"));
        }
        assertNothingLeft();
    }

    @Test
    void deploy_withCreateRole_whileSageMakerCannotAssumeTheNewRoleYet_retriesAndSucceeds() throws Exception {
        moto.faults.failNext("CreateModel", 2, () -> software.amazon.awssdk.services.sagemaker.model
                .SageMakerException.builder().statusCode(400).message("Could not assume role "
                        + "arn:aws:iam::123456789012:role/mldeploy-sm-late. Please ensure that the role exists and "
                        + "allows principal 'sagemaker.amazonaws.com' to assume the role.")
                .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                        .errorCode("ValidationException").build()).build());
        try (ModelDeployer d = deployer(createdRole().build())) {
            assertEquals(DeployResult.Change.CREATED, deploy(d, spec("late")).change());
            assertEquals(3, moto.faults.attempts("CreateModel"), "two refusals, then the model");
            assertEquals(List.of("mldeploy-sm-late"), roles());
            assertTrue(d.undeploy("late"));
        }
        assertNothingLeft();
    }

    @Test
    void deploy_withCreateRole_whenTheEndpointIsRefused_removesTheRoleItMade() throws Exception {
        moto.faults.failNext("CreateEndpoint", 10,
                () -> SdkClientException.create("Unable to execute HTTP request: Connection reset (injected)"));
        try (ModelDeployer d = deployer(createdRole().build())) {
            DeploymentFailedException e = assertThrows(DeploymentFailedException.class,
                    () -> deploy(d, spec("refused")));
            assertTrue(e.getMessage().contains("removed IAM role mldeploy-sm-refused"), e.getMessage());
        }
        assertNothingLeft();
    }

    @Test
    void deploy_whenIntegrationFailsAfterTheApiExists_removesApiAndRole_endpointStaysForUndeploy()
            throws Exception {
        moto.faults.failNext("PutIntegration", 10,
                () -> SdkClientException.create("Unable to execute HTTP request: Connection reset (injected)"));
        try (ModelDeployer d = deployer(moto.target().http(HttpAccess.apiKey(5, 10)).build())) {
            DeploymentFailedException e = assertThrows(DeploymentFailedException.class,
                    () -> deploy(d, spec("broken")));
            assertTrue(e.getMessage().contains("sagemaker endpoint broken is deployed (created) but its HTTPS front "
                    + "door is not"), e.getMessage());
            assertTrue(e.getMessage().contains("REST API mldeploy-sagemaker-broken"), e.getMessage());
            assertTrue(e.getMessage().contains("IAM role mldeploy-http-broken"), e.getMessage());
            assertEquals(List.of(), apis());
            assertEquals(List.of(), roles());
            assertEquals(List.of("broken"), moto.endpoints());
            moto.faults.clear();
            assertTrue(d.undeploy("broken"));
        }
        assertNothingLeft();
    }

    @Test
    void undeploy_withoutHttpConfigured_findsTheFrontDoorAndRolesByName() throws Exception {
        try (ModelDeployer d = deployer(createdRole().http(HttpAccess.iam()).build())) {
            deploy(d, spec("found"));
            assertEquals(List.of("mldeploy-http-found", "mldeploy-sm-found"), roles());
        }
        try (ModelDeployer d = deployer(moto.target().build())) {
            assertTrue(d.undeploy("found"));
        }
        assertNothingLeft();
    }
}
