package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.aws.AwsErrors;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.aws.ManagedRole;
import dev.mldeploy.aws.http.FrontDoor;
import dev.mldeploy.aws.http.FrontDoorBackend;
import dev.mldeploy.aws.http.FrontDoorRequests;
import dev.mldeploy.aws.http.Integration;
import dev.mldeploy.spi.DeployContext;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The {@code sagemaker} target's HTTPS front door: the shared {@link FrontDoor} whose {@code AWS} integration calls
 * the SageMaker runtime's InvokeEndpoint with the role {@code mldeploy-http-<name>} ({@link #ROLE_POLICY}: trusted by
 * apigateway.amazonaws.com, allowed {@code sagemaker:InvokeEndpoint} on that endpoint's ARN and nothing else).
 * SageMaker's answers map to the contract: 200 passes the model's body and {@code Content-Type}; a
 * {@code ModelError} (424) becomes the model's own 4xx refusal (status and body) or a 502 {@code ModelError}; other
 * 4xx a 400, throttling a 429, 5xx a 503, each with the contract's JSON error body. A deploy without a front door
 * removes one an earlier deploy made.
 *
 * <p>The endpoint's tag {@value #TAG} (the API's id) is the deployment's record of its front door: describe builds
 * the URL from it (no API Gateway call), and a deploy without a front door touches API Gateway only when it is
 * there. Undeploy always looks for an API of the deployment's name (a deploy killed before the tag leaves one),
 * unless API Gateway cannot be reached for lack of configuration and no front door is configured or recorded.
 * Thread-safe.
 */
public final class SageMakerFrontDoor {
    /** The endpoint tag holding the front door's API id. */
    public static final String TAG = "mldeploy:http";
    /** The invoke role's inline policy name. */
    static final String ROLE_POLICY = "mldeploy-invoke-endpoint";
    /** A {@code ModelError}: the model's own 4xx refusal as it sent it, anything else a 502. */
    static final String MODEL_ERROR_TEMPLATE = "#set($e = $input.path('$'))\n"
            + "#set($s = $e.OriginalStatusCode)\n"
            + "#if($s >= 400 && $s < 500)#set($context.responseOverride.status = $s)$e.OriginalMessage"
            + "#else{\"errorType\":\"ModelError\",\"errorMessage\":$input.json('$.OriginalMessage')}#end";
    static final String BAD_REQUEST_TEMPLATE = "{\"errorType\":\"BadRequest\",\"errorMessage\":$input.json('$.message')}";
    static final String THROTTLED_TEMPLATE = "{\"errorType\":\"THROTTLED\",\"errorMessage\":$input.json('$.message')}";
    static final String UNAVAILABLE_TEMPLATE = "{\"errorType\":\"ServiceUnavailable\","
            + "\"errorMessage\":$input.json('$.message')}";

    private final AccessSettings access;
    private final Supplier<IamClient> iam;
    private final Supplier<ApiGatewayClient> apigw;
    private final Map<String, String> userTags;
    private final SageMakerApi api;
    private final software.amazon.awssdk.services.sagemaker.SageMakerClient sageMaker;

    public SageMakerFrontDoor(AccessSettings access, Supplier<IamClient> iam, Supplier<ApiGatewayClient> apigw,
                              Map<String, String> userTags, SageMakerApi api,
                              software.amazon.awssdk.services.sagemaker.SageMakerClient sageMaker) {
        this.access = access;
        this.api = api;
        this.sageMaker = sageMaker;
        this.iam = iam;
        this.apigw = apigw;
        this.userTags = userTags;
    }

    /** The invoke role's name for deployment {@code name} (at most 64 characters: names are at most 50). */
    public static String roleName(String name) {
        return "mldeploy-http-" + name;
    }

    /** Only InvokeEndpoint, only on {@code endpointArn}. */
    static String invokePolicy(String endpointArn) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"InvokeThisEndpoint\",\"Effect\":\"Allow\","
                + "\"Action\":\"sagemaker:InvokeEndpoint\",\"Resource\":\"" + endpointArn + "\"}]}";
    }

    /** The integration of {@code endpoint} in {@code region}, called with {@code roleArn}. */
    static Integration integration(String region, String endpoint, String roleArn) {
        String json = "'" + FrontDoorRequests.JSON + "'";
        Map<String, String> jsonHeader = Map.of("method.response.header.Content-Type", json);
        return new Integration("arn:aws:apigateway:" + region + ":runtime.sagemaker:path/endpoints/" + endpoint
                + "/invocations", roleArn, Map.of(FrontDoorRequests.JSON, "$input.body"),
                Map.of("integration.request.header.Content-Type", json,
                        "integration.request.header.Accept", "method.request.header.Accept"),
                List.of(new Integration.Response("200", "", Map.of("method.response.header.Content-Type",
                                "integration.response.header.Content-Type"), Map.of()),
                        new Integration.Response("502", "424", jsonHeader,
                                Map.of(FrontDoorRequests.JSON, MODEL_ERROR_TEMPLATE)),
                        new Integration.Response("429", "429", jsonHeader,
                                Map.of(FrontDoorRequests.JSON, THROTTLED_TEMPLATE)),
                        new Integration.Response("400", "4(?!24|29)\\d{2}", jsonHeader,
                                Map.of(FrontDoorRequests.JSON, BAD_REQUEST_TEMPLATE)),
                        new Integration.Response("503", "5\\d{2}", jsonHeader,
                                Map.of(FrontDoorRequests.JSON, UNAVAILABLE_TEMPLATE))));
    }

    /**
     * After a deploy: makes or updates the front door when one is configured (the result then carries its URL),
     * else removes one an earlier deploy made.
     *
     * @throws DeploymentFailedException the front door could not be made; the endpoint stays deployed
     */
    public DeployResult apply(DeployResult result, DeployContext ctx) {
        Deployment d = result.deployment();
        CallBudget budget = CallBudget.of(ctx);
        Map<String, String> tags = api.tags(d.endpoint());
        if (access.http() == null) {
            if (!tags.containsKey(TAG)) {
                return result; // no front door was made: no API Gateway call
            }
            List<String> removed = new FrontDoor(apigw.get(), AwsClients.BUILDER).remove(new FrontDoor.Where(
                    SageMakerSettings.NAME, d.name(), ""), backend(d.name(), null), budget, ctx);
            sageMaker.deleteTags(r -> budget.on(r).resourceArn(d.endpoint()).tagKeys(TAG));
            return removed.isEmpty() ? result : new DeployResult(d, result.change(), result.message()
                    + "; removed its HTTPS front door (" + String.join(", ", removed) + ")", result.placement());
        }
        FrontDoor.Found found;
        try {
            found = new FrontDoor(apigw.get(), AwsClients.BUILDER).ensure(where(d), access.http(),
                    backend(d.name(), d), userTags, budget, ctx);
        } catch (RuntimeException e) {
            throw new DeploymentFailedException("sagemaker endpoint " + d.name() + " is deployed ("
                    + result.change().name().toLowerCase(java.util.Locale.ROOT) + ") but its HTTPS front door is "
                    + "not: " + e.getMessage(), e);
        }
        if (!found.apiId().equals(tags.get(TAG))) {
            api.addTags(d.endpoint(), List.of(software.amazon.awssdk.services.sagemaker.model.Tag.builder().key(TAG)
                    .value(found.apiId()).build()));
        }
        return new DeployResult(d.withHttpEndpoint(found.url()), result.change(), result.message()
                + "; HTTPS front door " + found.url() + " (" + access.http().auth().option() + " auth"
                + (found.apiKeyId() == null ? "" : ", API key " + found.apiKeyId()) + ")", result.placement());
    }

    /** {@code d} with its front door's URL, when the endpoint's tag records one. */
    public Deployment describe(Deployment d) {
        String apiId = api.tags(d.endpoint()).get(TAG);
        return apiId == null ? d : d.withHttpEndpoint(FrontDoorRequests.invokeUrl(apiId,
                FrontDoorRequests.regionAndAccount(d.endpoint())[0]));
    }

    /** Removes the front door of {@code name} and its invoke role; what it removed (empty: none). */
    public List<String> remove(String name, DeployContext ctx) {
        return removeQuietly(name, CallBudget.of(ctx), ctx);
    }

    private List<String> removeQuietly(String name, CallBudget budget, DeployContext ctx) {
        boolean expected = access.http() != null || api.describeEndpoint(Naming.endpointName(name))
                .map(e -> api.tags(e.endpointArn()).containsKey(TAG)).orElse(false);
        try {
            // the region only goes into URLs, which removing needs none of
            return new FrontDoor(apigw.get(), AwsClients.BUILDER).remove(new FrontDoor.Where(SageMakerSettings.NAME,
                    name, ""), backend(name, null), budget, ctx);
        } catch (RuntimeException e) {
            if (!expected && (AwsErrors.isAccessDenied(e.getCause())
                    || e instanceof dev.mldeploy.InvalidConfigurationException)) {
                // no front door configured or recorded, and API Gateway not reachable for this caller
                org.slf4j.LoggerFactory.getLogger(SageMakerFrontDoor.class).warn("could not look for an HTTPS front "
                        + "door of {} left by a killed deploy: {}", name, e.getMessage());
                return List.of();
            }
            throw e;
        }
    }

    private static FrontDoor.Where where(Deployment d) {
        return new FrontDoor.Where(SageMakerSettings.NAME, d.name(),
                FrontDoorRequests.regionAndAccount(d.endpoint())[0]);
    }

    private FrontDoorBackend backend(String name, Deployment d) {
        return new FrontDoorBackend() {
            @Override
            public Integration prepare(String apiId, CallBudget budget, DeployContext ctx) {
                String endpointArn = d.endpoint();
                ManagedRole.Resolved role = new ManagedRole(iam.get(), budget, AwsClients.BUILDER).ensure(
                        new ManagedRole.Spec(roleName(name), name, SageMakerSettings.NAME, "http",
                                "apigateway.amazonaws.com", ROLE_POLICY, account -> invokePolicy(endpointArn),
                                userTags), ctx);
                return integration(FrontDoorRequests.regionAndAccount(endpointArn)[0],
                        d.attributes().getOrDefault("endpointName", Naming.endpointName(name)), role.arn());
            }

            @Override
            public List<String> remove(CallBudget budget, DeployContext ctx) {
                boolean removed = new ManagedRole(iam.get(), budget, AwsClients.BUILDER)
                        .deleteIfManaged(roleName(name), name, SageMakerSettings.NAME);
                return removed ? List.of("IAM role " + roleName(name)) : List.of();
            }
        };
    }
}
