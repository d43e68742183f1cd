package dev.mldeploy.aws.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.RETURNS_DEFAULTS;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.ProgressListener;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.spi.DeployContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.apigateway.model.CreateApiKeyRequest;
import software.amazon.awssdk.services.apigateway.model.CreateApiKeyResponse;
import software.amazon.awssdk.services.apigateway.model.CreateDeploymentRequest;
import software.amazon.awssdk.services.apigateway.model.CreateResourceRequest;
import software.amazon.awssdk.services.apigateway.model.CreateResourceResponse;
import software.amazon.awssdk.services.apigateway.model.CreateRestApiRequest;
import software.amazon.awssdk.services.apigateway.model.CreateRestApiResponse;
import software.amazon.awssdk.services.apigateway.model.CreateUsagePlanKeyRequest;
import software.amazon.awssdk.services.apigateway.model.CreateUsagePlanRequest;
import software.amazon.awssdk.services.apigateway.model.CreateUsagePlanResponse;
import software.amazon.awssdk.services.apigateway.model.DeleteRestApiRequest;
import software.amazon.awssdk.services.apigateway.model.GetApiKeysRequest;
import software.amazon.awssdk.services.apigateway.model.GetApiKeysResponse;
import software.amazon.awssdk.services.apigateway.model.GetResourceRequest;
import software.amazon.awssdk.services.apigateway.model.GetResourceResponse;
import software.amazon.awssdk.services.apigateway.model.GetResourcesRequest;
import software.amazon.awssdk.services.apigateway.model.GetResourcesResponse;
import software.amazon.awssdk.services.apigateway.model.GetRestApisRequest;
import software.amazon.awssdk.services.apigateway.model.GetRestApisResponse;
import software.amazon.awssdk.services.apigateway.model.GetUsagePlansRequest;
import software.amazon.awssdk.services.apigateway.model.GetUsagePlansResponse;
import software.amazon.awssdk.services.apigateway.model.PutGatewayResponseRequest;
import software.amazon.awssdk.services.apigateway.model.PutIntegrationRequest;
import software.amazon.awssdk.services.apigateway.model.PutIntegrationResponseRequest;
import software.amazon.awssdk.services.apigateway.model.PutMethodRequest;
import software.amazon.awssdk.services.apigateway.model.Resource;
import software.amazon.awssdk.services.apigateway.model.RestApi;

/** The requests the front door sends, on a mocked API Gateway client: auth types, integration, throttle, cleanup. */
class FrontDoorTest {
    private ApiGatewayClient apigw;
    private final List<String> removedByBackend = new ArrayList<>();
    private final FrontDoor.Where where = new FrontDoor.Where("sagemaker", "m", "eu-west-1");
    private final Integration integration = new Integration(
            "arn:aws:apigateway:eu-west-1:runtime.sagemaker:path/endpoints/m/invocations",
            "arn:aws:iam::123456789012:role/mldeploy-http-m", Map.of("application/json", "$input.body"),
            Map.of("integration.request.header.Accept", "method.request.header.Accept"),
            List.of(new Integration.Response("200", "", Map.of(), Map.of()),
                    new Integration.Response("502", "424", Map.of(), Map.of("application/json", "t"))));

    private final FrontDoorBackend backend = new FrontDoorBackend() {
        @Override
        public Integration prepare(String apiId, CallBudget budget, DeployContext ctx) {
            return integration;
        }

        @Override
        public List<String> remove(CallBudget budget, DeployContext ctx) {
            removedByBackend.add("role");
            return List.of("IAM role mldeploy-http-m");
        }
    };

    private static <T> T sdkMock(Class<T> type) {
        return mock(type, withSettings().defaultAnswer(inv -> {
            Class<?>[] p = inv.getMethod().getParameterTypes();
            if (p.length > 0 && Consumer.class.isAssignableFrom(p[0])) {
                return inv.callRealMethod();
            }
            return RETURNS_DEFAULTS.answer(inv);
        }));
    }

    @BeforeEach
    void setUp() {
        apigw = sdkMock(ApiGatewayClient.class);
        when(apigw.getRestApis(any(GetRestApisRequest.class))).thenReturn(GetRestApisResponse.builder().build());
        when(apigw.getApiKeys(any(GetApiKeysRequest.class))).thenReturn(GetApiKeysResponse.builder().build());
        when(apigw.getUsagePlans(any(GetUsagePlansRequest.class))).thenReturn(GetUsagePlansResponse.builder()
                .build());
        when(apigw.createRestApi(any(CreateRestApiRequest.class))).thenReturn(CreateRestApiResponse.builder()
                .id("api1").build());
        when(apigw.getResources(any(GetResourcesRequest.class))).thenReturn(GetResourcesResponse.builder()
                .items(Resource.builder().id("root").path("/").build()).build());
        when(apigw.createResource(any(CreateResourceRequest.class))).thenReturn(CreateResourceResponse.builder()
                .id("res1").build());
        when(apigw.getResource(any(GetResourceRequest.class))).thenReturn(GetResourceResponse.builder().build());
        when(apigw.createApiKey(any(CreateApiKeyRequest.class))).thenReturn(CreateApiKeyResponse.builder()
                .id("key1").build());
        when(apigw.createUsagePlan(any(CreateUsagePlanRequest.class))).thenReturn(CreateUsagePlanResponse.builder()
                .id("plan1").build());
    }

    private static DeployContext ctx() {
        return DeployContext.of("m", "sagemaker", ProgressListener.none(), Duration.ofMinutes(1));
    }

    private FrontDoor.Found ensure(HttpAccess access) {
        return new FrontDoor(apigw, "SageMakerTarget.builder()").ensure(where, access, backend, Map.of("team", "a"),
                CallBudget.of(Duration.ofMinutes(1), "test"), ctx());
    }

    private <R> R captured(Class<R> type, java.util.function.Function<ArgumentCaptor<R>, Object> call) {
        ArgumentCaptor<R> c = ArgumentCaptor.forClass(type);
        call.apply(c);
        return c.getValue();
    }

    @Test
    void ensure_withIam_makesAnIamMethodAndTheAwsIntegration_andNoKey() {
        FrontDoor.Found f = ensure(HttpAccess.iam());
        assertEquals("https://api1.execute-api.eu-west-1.amazonaws.com/live/invocations", f.url());
        assertNull(f.apiKeyId());
        CreateRestApiRequest api = captured(CreateRestApiRequest.class, c -> verify(apigw).createRestApi(c.capture()));
        assertEquals("mldeploy-sagemaker-m", api.name());
        assertEquals(Map.of("team", "a", "mldeploy:managed", "true", "mldeploy:name", "m", "mldeploy:target",
                "sagemaker"), api.tags());
        assertEquals("REGIONAL", api.endpointConfiguration().typesAsStrings().get(0));
        CreateResourceRequest res = captured(CreateResourceRequest.class,
                c -> verify(apigw).createResource(c.capture()));
        assertEquals("invocations", res.pathPart());
        assertEquals("root", res.parentId());
        PutMethodRequest m = captured(PutMethodRequest.class, c -> verify(apigw).putMethod(c.capture()));
        assertEquals("AWS_IAM", m.authorizationType());
        assertFalse(m.apiKeyRequired());
        assertEquals("POST", m.httpMethod());
        PutIntegrationRequest i = captured(PutIntegrationRequest.class, c -> verify(apigw).putIntegration(c.capture()));
        assertEquals("AWS", i.typeAsString());
        assertEquals("POST", i.integrationHttpMethod());
        assertEquals(integration.uri(), i.uri());
        assertEquals(integration.credentials(), i.credentials());
        assertEquals("NEVER", i.passthroughBehavior());
        assertEquals(Map.of("application/json", "$input.body"), i.requestTemplates());
        ArgumentCaptor<PutIntegrationResponseRequest> ir = ArgumentCaptor.forClass(PutIntegrationResponseRequest.class);
        verify(apigw, org.mockito.Mockito.times(2)).putIntegrationResponse(ir.capture());
        assertNull(ir.getAllValues().get(0).selectionPattern(), "the default response has no pattern");
        assertEquals("424", ir.getAllValues().get(1).selectionPattern());
        ArgumentCaptor<PutGatewayResponseRequest> gr = ArgumentCaptor.forClass(PutGatewayResponseRequest.class);
        verify(apigw, org.mockito.Mockito.times(2)).putGatewayResponse(gr.capture());
        assertEquals(List.of("DEFAULT_4XX", "DEFAULT_5XX"), gr.getAllValues().stream()
                .map(PutGatewayResponseRequest::responseTypeAsString).toList());
        assertEquals(FrontDoorRequests.ERROR_TEMPLATE, gr.getValue().responseTemplates().get("application/json"));
        CreateDeploymentRequest dep = captured(CreateDeploymentRequest.class,
                c -> verify(apigw).createDeployment(c.capture()));
        assertEquals("live", dep.stageName());
        verify(apigw, never()).createApiKey(any(CreateApiKeyRequest.class));
        verify(apigw, never()).createUsagePlan(any(CreateUsagePlanRequest.class));
    }

    @Test
    void ensure_withApiKey_requiresTheKey_andThrottlesItsUsagePlan() {
        FrontDoor.Found f = ensure(HttpAccess.apiKey(12.5, 40));
        assertEquals("key1", f.apiKeyId());
        PutMethodRequest m = captured(PutMethodRequest.class, c -> verify(apigw).putMethod(c.capture()));
        assertEquals("NONE", m.authorizationType());
        assertTrue(m.apiKeyRequired());
        CreateUsagePlanRequest plan = captured(CreateUsagePlanRequest.class,
                c -> verify(apigw).createUsagePlan(c.capture()));
        assertEquals(12.5, plan.throttle().rateLimit());
        assertEquals(40, plan.throttle().burstLimit());
        assertEquals("api1", plan.apiStages().get(0).apiId());
        assertEquals("live", plan.apiStages().get(0).stage());
        CreateUsagePlanKeyRequest key = captured(CreateUsagePlanKeyRequest.class,
                c -> verify(apigw).createUsagePlanKey(c.capture()));
        assertEquals("key1", key.keyId());
        assertEquals("API_KEY", key.keyType());
        assertEquals("plan1", key.usagePlanId());
    }

    @Test
    void ensure_whenTheIntegrationFails_deletesTheNewApiAndTheBackendsParts_andSaysSo() {
        when(apigw.putIntegration(any(PutIntegrationRequest.class)))
                .thenThrow(SdkClientException.create("connection reset"));
        // the cleanup finds the API it made by its name and tags
        when(apigw.getRestApis(any(GetRestApisRequest.class))).thenReturn(GetRestApisResponse.builder().build(),
                GetRestApisResponse.builder().items(RestApi.builder().id("api1").name("mldeploy-sagemaker-m")
                        .tags(FrontDoorRequests.tags("sagemaker", "m", Map.of())).build()).build());
        DeploymentFailedException e = assertThrows(DeploymentFailedException.class, () -> ensure(HttpAccess.iam()));
        assertTrue(e.getMessage().contains("connection reset"), e.getMessage());
        assertTrue(e.getMessage().contains("removed what it had made (REST API mldeploy-sagemaker-m (api1, stage "
                + "live), IAM role mldeploy-http-m)"), e.getMessage());
        DeleteRestApiRequest del = captured(DeleteRestApiRequest.class, c -> verify(apigw).deleteRestApi(c.capture()));
        assertEquals("api1", del.restApiId());
        assertEquals(List.of("role"), removedByBackend);
    }

    @Test
    void ensure_whenTheConfigurationIsUnchanged_sendsNoChange() {
        String description = FrontDoorRequests.description("sagemaker", "m",
                FrontDoorRequests.fingerprint(HttpAccess.iam(), integration));
        when(apigw.getRestApis(any(GetRestApisRequest.class))).thenReturn(GetRestApisResponse.builder()
                .items(RestApi.builder().id("api1").name("mldeploy-sagemaker-m").description(description)
                        .tags(FrontDoorRequests.tags("sagemaker", "m", Map.of())).build()).build());
        assertEquals("api1", ensure(HttpAccess.iam()).apiId());
        verify(apigw, never()).createRestApi(any(CreateRestApiRequest.class));
        verify(apigw, never()).putMethod(any(PutMethodRequest.class));
        verify(apigw, never()).createDeployment(any(CreateDeploymentRequest.class));
    }

    @Test
    void find_ignoresAnApiOfTheSameNameThatMldeployDidNotMake() {
        when(apigw.getRestApis(any(GetRestApisRequest.class))).thenReturn(GetRestApisResponse.builder()
                .items(RestApi.builder().id("theirs").name("mldeploy-sagemaker-m").tags(Map.of("team", "a")).build())
                .build());
        assertTrue(new FrontDoor(apigw, "b").find(where, CallBudget.unbounded()).isEmpty());
    }

    @Test
    void requests_sourceArnAndUrl_nameOnlyThatApi() {
        assertEquals("arn:aws:execute-api:eu-west-1:123456789012:api1/*/POST/invocations",
                FrontDoorRequests.sourceArn("eu-west-1", "123456789012", "api1"));
        assertEquals("https://api1.execute-api.eu-west-1.amazonaws.com/live/invocations",
                FrontDoorRequests.invokeUrl("api1", "eu-west-1"));
        assertEquals("7", FrontDoor.decimal(7.0));
        assertEquals("7.5", FrontDoor.decimal(7.5));
    }

    @Test
    void remove_whenAStepFailsAfterOthers_namesWhatItRemoved() {
        when(apigw.getRestApis(any(GetRestApisRequest.class))).thenReturn(GetRestApisResponse.builder()
                .items(RestApi.builder().id("api1").name("mldeploy-sagemaker-m")
                        .tags(FrontDoorRequests.tags("sagemaker", "m", Map.of())).build()).build());
        when(apigw.getApiKeys(any(GetApiKeysRequest.class))).thenReturn(GetApiKeysResponse.builder()
                .items(software.amazon.awssdk.services.apigateway.model.ApiKey.builder().id("key1")
                        .name("mldeploy-sagemaker-m").tags(FrontDoorRequests.tags("sagemaker", "m", Map.of()))
                        .build()).build());
        when(apigw.deleteRestApi(any(DeleteRestApiRequest.class)))
                .thenThrow(SdkClientException.create("connection reset"));
        DeploymentFailedException e = assertThrows(DeploymentFailedException.class, () -> new FrontDoor(apigw, "b")
                .remove(where, backend, CallBudget.unbounded(), ctx()));
        assertTrue(e.getMessage().contains("removed API key mldeploy-sagemaker-m; run undeploy again to remove the "
                + "rest"), e.getMessage());
        assertEquals(List.of(), removedByBackend, "the backend's parts stay until the API is gone");
    }
}
