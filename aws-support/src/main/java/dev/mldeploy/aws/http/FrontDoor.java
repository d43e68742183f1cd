package dev.mldeploy.aws.http;

import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.aws.AwsErrors;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.spi.DeployContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.apigateway.model.ApiKey;
import software.amazon.awssdk.services.apigateway.model.EndpointType;
import software.amazon.awssdk.services.apigateway.model.GetRestApisResponse;
import software.amazon.awssdk.services.apigateway.model.IntegrationType;
import software.amazon.awssdk.services.apigateway.model.Op;
import software.amazon.awssdk.services.apigateway.model.Resource;
import software.amazon.awssdk.services.apigateway.model.RestApi;
import software.amazon.awssdk.services.apigateway.model.UsagePlan;

/**
 * A deployment's HTTPS front door: one API Gateway REST API ({@code mldeploy-<target>-<name>}, regional, tagged
 * {@code mldeploy:managed}, {@code mldeploy:name}, {@code mldeploy:target}) with {@code POST /invocations} on the
 * stage {@value FrontDoorRequests#STAGE}, an {@code AWS} integration its {@link FrontDoorBackend} gives, the gateway's
 * own errors mapped to the contract's JSON shape, and, with API key auth, an API key and a usage plan of the same
 * name that throttles it.
 *
 * <p>Why a REST API on both targets, not a Lambda function URL or an HTTP API: only a REST API has API keys, usage
 * plans and throttling per key, and SageMaker (which has no URL of its own) needs an API Gateway integration anyway;
 * one kind of API for both keeps the contract (path, content types, status codes, error bodies) and the auth options
 * identical, and undeploy's job the same. A function URL would also hand the model an HTTP event instead of its
 * JSON request, and could not map errors into the same shape.
 *
 * <p>{@link #ensure} is idempotent: an API whose description carries the configuration's fingerprint is left as it
 * is; a changed configuration is applied in place (the URL stays); a failure while making a new API removes what it
 * made and says so. Everything is found again from the deployment's name ({@link #remove}), so a deploy killed
 * midway leaves nothing undeploy cannot find. Thread-safe (each call's state is local).
 */
public final class FrontDoor {
    private static final Logger LOG = LoggerFactory.getLogger(FrontDoor.class);

    private final ApiGatewayClient apigw;
    private final String builder;

    /**
     * A front door through {@code apigw}.
     *
     * @param builder the target's builder, for configuration advice in errors
     */
    public FrontDoor(ApiGatewayClient apigw, String builder) {
        this.apigw = apigw;
        this.builder = builder;
    }

    /**
     * A front door as it stands.
     *
     * @param apiId    the REST API's id
     * @param url      the URL clients POST to
     * @param apiKeyId the API key's id (its value: {@code aws apigateway get-api-key --include-value}), or null
     */
    public record Found(String apiId, String url, String apiKeyId) {
    }

    /** Where one front door lives. */
    public record Where(String target, String name, String region) {
        String apiName() {
            return FrontDoorRequests.apiName(target, name);
        }
    }

    /** The front door of {@code where}, if there is one (one listing of the account's REST APIs). */
    public Optional<Found> find(Where where, CallBudget budget) {
        return call("looking for the front door " + where.apiName(), () -> findApi(where, budget)
                .map(api -> new Found(api.id(), FrontDoorRequests.invokeUrl(api.id(), where.region()),
                        findKey(where, budget).map(ApiKey::id).orElse(null))));
    }

    /**
     * Makes the front door, or brings an existing one to {@code access} and the backend's integration.
     *
     * @throws DeploymentFailedException a call failed; the message says what was removed or is left
     */
    public Found ensure(Where where, HttpAccess access, FrontDoorBackend backend, Map<String, String> userTags,
                        CallBudget budget, DeployContext ctx) {
        Map<String, String> tags = FrontDoorRequests.tags(where.target(), where.name(), userTags);
        Optional<RestApi> existing = call("looking for the front door " + where.apiName(),
                () -> findApi(where, budget));
        String apiId = existing.map(RestApi::id).orElse(null);
        List<String> made = new ArrayList<>();
        try {
            if (apiId == null) {
                ctx.progress("http", "", "creating REST API " + where.apiName());
                apiId = apigw.createRestApi(r -> budget.on(r).name(where.apiName())
                        .description(FrontDoorRequests.description(where.target(), where.name(), "pending"))
                        .endpointConfiguration(e -> e.types(EndpointType.REGIONAL)).tags(tags)).id();
                made.add("REST API " + where.apiName() + " (" + apiId + ")");
            }
            String id = apiId;
            Integration integration = backend.prepare(id, budget, ctx);
            String config = FrontDoorRequests.fingerprint(access, integration);
            String want = FrontDoorRequests.description(where.target(), where.name(), config);
            if (existing.isPresent() && want.equals(existing.get().description())) {
                LOG.debug("front door {} unchanged (config {})", where.apiName(), config);
            } else {
                configure(id, access, integration, budget, ctx);
                apigw.updateRestApi(r -> budget.on(r).restApiId(id).patchOperations(p -> p.op(Op.REPLACE)
                        .path("/description").value(want)));
            }
            String keyId = usagePlan(where, id, access, tags, budget, ctx, made);
            return new Found(id, FrontDoorRequests.invokeUrl(id, where.region()), keyId);
        } catch (RuntimeException e) {
            MlDeployException failed = AwsErrors.translate("setting up the HTTPS front door " + where.apiName(), e,
                    builder);
            if (existing.isPresent()) {
                throw new DeploymentFailedException(failed.getMessage() + "; the existing front door " + apiId
                        + " may be half updated: deploy again to finish it", e, failed.retryable());
            }
            List<String> left = new ArrayList<>();
            List<String> removed;
            try {
                removed = remove(where, backend, budget.forCleanup(), ctx);
            } catch (RuntimeException cleanup) {
                removed = List.of();
                left.addAll(made);
                failed.addSuppressed(cleanup);
            }
            String note = !left.isEmpty() ? "; could not remove " + String.join(", ", left) + ": 'mldeploy undeploy "
                    + where.name() + "' finds them by the name"
                    : removed.isEmpty() ? "; it had made nothing yet"
                    : "; removed what it had made (" + String.join(", ", removed) + ")";
            throw new DeploymentFailedException(failed.getMessage() + note, e, failed.retryable());
        }
    }

    /**
     * Removes the front door of {@code where} (usage plan, API key, stage, API with its resources, methods,
     * integrations and deployments) and what its backend made; finds each by name and tags.
     *
     * @return what it removed, for the caller's message (empty: there was none)
     */
    public List<String> remove(Where where, FrontDoorBackend backend, CallBudget budget, DeployContext ctx) {
        List<String> removed = new ArrayList<>();
        try {
            removeAll(where, backend, budget, ctx, removed);
        } catch (RuntimeException e) {
            if (removed.isEmpty()) {
                throw e;
            }
            MlDeployException failed = AwsErrors.translate("removing the HTTPS front door " + where.apiName(), e,
                    builder);
            throw new DeploymentFailedException(failed.getMessage() + "; removed " + String.join(", ", removed)
                    + "; run undeploy again to remove the rest", e, failed.retryable());
        }
        return removed;
    }

    private void removeAll(Where where, FrontDoorBackend backend, CallBudget budget, DeployContext ctx,
                           List<String> removed) {
        call("removing the HTTPS front door " + where.apiName(), () -> {
            Optional<RestApi> api = findApi(where, budget);
            for (UsagePlan plan : findPlans(where, budget)) {
                ctx.progress("http", "", "deleting usage plan " + plan.name());
                for (var s : plan.apiStages()) {
                    apigw.updateUsagePlan(r -> budget.on(r).usagePlanId(plan.id()).patchOperations(p ->
                            p.op(Op.REMOVE).path("/apiStages").value(s.apiId() + ":" + s.stage())));
                }
                apigw.deleteUsagePlan(r -> budget.on(r).usagePlanId(plan.id()));
                removed.add("usage plan " + plan.name());
            }
            Optional<ApiKey> key = findKey(where, budget);
            if (key.isPresent()) {
                apigw.deleteApiKey(r -> budget.on(r).apiKey(key.get().id()));
                removed.add("API key " + key.get().name());
            }
            if (api.isPresent()) {
                ctx.progress("http", "", "deleting REST API " + where.apiName());
                String id = api.get().id();
                // the stage first (API Gateway refuses to delete an API a usage plan still names, which is gone now)
                try {
                    apigw.deleteStage(r -> budget.on(r).restApiId(id).stageName(FrontDoorRequests.STAGE));
                } catch (RuntimeException e) {
                    if (!AwsErrors.isNotFound(e)) {
                        throw e;
                    }
                }
                apigw.deleteRestApi(r -> budget.on(r).restApiId(id));
                removed.add("REST API " + where.apiName() + " (" + id + ", stage " + FrontDoorRequests.STAGE + ")");
            }
            return null;
        });
        removed.addAll(backend.remove(budget, ctx));
    }

    /** The resource, method, integration, responses, gateway responses and a new deployment of the stage. */
    private void configure(String apiId, HttpAccess access, Integration integration, CallBudget budget,
                           DeployContext ctx) {
        ctx.progress("http", "", "configuring POST /" + FrontDoorRequests.PATH + " (" + access.auth().option()
                + " auth)");
        String resourceId = resource(apiId, budget);
        boolean hasMethod = apigw.getResource(r -> budget.on(r).restApiId(apiId).resourceId(resourceId))
                .resourceMethods().containsKey("POST");
        if (hasMethod) { // a changed configuration: the method goes with its integration and responses
            apigw.deleteMethod(r -> budget.on(r).restApiId(apiId).resourceId(resourceId).httpMethod("POST"));
        }
        boolean iam = access.auth() == HttpAccess.Auth.IAM;
        apigw.putMethod(r -> budget.on(r).restApiId(apiId).resourceId(resourceId).httpMethod("POST")
                .authorizationType(iam ? "AWS_IAM" : "NONE")
                .apiKeyRequired(!iam).requestParameters(FrontDoorRequests.methodRequestParameters()));
        apigw.putIntegration(r -> budget.on(r).restApiId(apiId).resourceId(resourceId).httpMethod("POST")
                .type(IntegrationType.AWS).integrationHttpMethod("POST").uri(integration.uri())
                .credentials(integration.credentials()).passthroughBehavior("NEVER")
                .requestTemplates(integration.requestTemplates())
                .requestParameters(integration.requestParameters()));
        for (Integration.Response resp : integration.responses()) {
            apigw.putMethodResponse(r -> budget.on(r).restApiId(apiId).resourceId(resourceId).httpMethod("POST")
                    .statusCode(resp.statusCode()).responseParameters(FrontDoorRequests.methodResponseParameters()));
            apigw.putIntegrationResponse(r -> budget.on(r).restApiId(apiId).resourceId(resourceId)
                    .httpMethod("POST").statusCode(resp.statusCode())
                    .selectionPattern(resp.selectionPattern().isEmpty() ? null : resp.selectionPattern())
                    .responseParameters(resp.responseParameters()).responseTemplates(resp.responseTemplates()));
        }
        for (String type : FrontDoorRequests.GATEWAY_RESPONSES) {
            apigw.putGatewayResponse(r -> budget.on(r).restApiId(apiId).responseType(type)
                    .responseTemplates(Map.of(FrontDoorRequests.JSON, FrontDoorRequests.ERROR_TEMPLATE)));
        }
        apigw.createDeployment(r -> budget.on(r).restApiId(apiId).stageName(FrontDoorRequests.STAGE)
                .description("mldeploy"));
    }

    /** The id of {@code /invocations}, made when missing. */
    private String resource(String apiId, CallBudget budget) {
        List<Resource> items = apigw.getResources(r -> budget.on(r).restApiId(apiId).limit(500)).items();
        Optional<Resource> mine = items.stream().filter(r -> ("/" + FrontDoorRequests.PATH).equals(r.path()))
                .findFirst();
        if (mine.isPresent()) {
            return mine.get().id();
        }
        String root = items.stream().filter(r -> "/".equals(r.path())).map(Resource::id).findFirst()
                .orElseThrow(() -> new DeploymentFailedException("REST API " + apiId + " has no root resource"));
        return apigw.createResource(r -> budget.on(r).restApiId(apiId).parentId(root)
                .pathPart(FrontDoorRequests.PATH)).id();
    }

    /** With API key auth: the key and a usage plan throttling it (made, or brought to the throttle); else none. */
    private String usagePlan(Where where, String apiId, HttpAccess access, Map<String, String> tags,
                             CallBudget budget, DeployContext ctx, List<String> made) {
        List<UsagePlan> plans = findPlans(where, budget);
        Optional<ApiKey> key = findKey(where, budget);
        if (access.auth() != HttpAccess.Auth.API_KEY) {
            if (!plans.isEmpty() || key.isPresent()) { // auth changed from API key to IAM
                for (UsagePlan plan : plans) {
                    for (var s : plan.apiStages()) {
                        apigw.updateUsagePlan(r -> budget.on(r).usagePlanId(plan.id()).patchOperations(p ->
                                p.op(Op.REMOVE).path("/apiStages").value(s.apiId() + ":" + s.stage())));
                    }
                    apigw.deleteUsagePlan(r -> budget.on(r).usagePlanId(plan.id()));
                }
                key.ifPresent(k -> apigw.deleteApiKey(r -> budget.on(r).apiKey(k.id())));
            }
            return null;
        }
        String keyId;
        if (key.isPresent()) {
            keyId = key.get().id();
        } else {
            ctx.progress("http", "", "creating API key " + where.apiName());
            keyId = apigw.createApiKey(r -> budget.on(r).name(where.apiName()).enabled(true).tags(tags)
                    .description("mldeploy API key of the " + where.target() + " deployment '" + where.name() + "'"))
                    .id();
            made.add("API key " + where.apiName());
        }
        UsagePlan plan = plans.isEmpty() ? null : plans.get(0);
        if (plan == null) {
            ctx.progress("http", "", "creating usage plan " + where.apiName() + " (" + access.rateLimit()
                    + " requests/s, burst " + access.burstLimit() + ")");
            String planId = apigw.createUsagePlan(r -> budget.on(r).name(where.apiName()).tags(tags)
                    .apiStages(s -> s.apiId(apiId).stage(FrontDoorRequests.STAGE))
                    .throttle(t -> t.rateLimit(access.rateLimit()).burstLimit(access.burstLimit()))).id();
            made.add("usage plan " + where.apiName());
            apigw.createUsagePlanKey(r -> budget.on(r).usagePlanId(planId).keyId(keyId).keyType("API_KEY"));
        } else {
            if (plan.throttle() == null || plan.throttle().rateLimit() == null
                    || plan.throttle().rateLimit() != access.rateLimit()
                    || plan.throttle().burstLimit() == null || plan.throttle().burstLimit() != access.burstLimit()) {
                apigw.updateUsagePlan(r -> budget.on(r).usagePlanId(plan.id()).patchOperations(
                        p -> p.op(Op.REPLACE).path("/throttle/rateLimit").value(decimal(access.rateLimit())),
                        p -> p.op(Op.REPLACE).path("/throttle/burstLimit")
                                .value(Integer.toString(access.burstLimit()))));
            }
            boolean attached = apigw.getUsagePlanKeys(r -> budget.on(r).usagePlanId(plan.id())).items().stream()
                    .anyMatch(k -> keyId.equals(k.id()));
            if (!attached) {
                apigw.createUsagePlanKey(r -> budget.on(r).usagePlanId(plan.id()).keyId(keyId).keyType("API_KEY"));
            }
        }
        return keyId;
    }

    private Optional<RestApi> findApi(Where where, CallBudget budget) {
        String position = null;
        do {
            String p = position;
            GetRestApisResponse page = apigw.getRestApis(r -> budget.on(r).limit(500).position(p));
            for (RestApi api : page.items()) {
                if (where.apiName().equals(api.name())
                        && FrontDoorRequests.isManaged(api.tags(), where.target(), where.name())) {
                    return Optional.of(api);
                }
            }
            position = page.position();
        } while (position != null && !position.isEmpty());
        return Optional.empty();
    }

    private Optional<ApiKey> findKey(Where where, CallBudget budget) {
        return apigw.getApiKeys(r -> budget.on(r).nameQuery(where.apiName()).limit(500)).items().stream()
                .filter(k -> where.apiName().equals(k.name())
                        && FrontDoorRequests.isManaged(k.tags(), where.target(), where.name()))
                .findFirst();
    }

    private List<UsagePlan> findPlans(Where where, CallBudget budget) {
        List<UsagePlan> out = new ArrayList<>();
        String position = null;
        do {
            String p = position;
            var page = apigw.getUsagePlans(r -> budget.on(r).limit(500).position(p));
            page.items().stream().filter(u -> where.apiName().equals(u.name())
                    && FrontDoorRequests.isManaged(u.tags(), where.target(), where.name())).forEach(out::add);
            position = page.position();
        } while (position != null && !position.isEmpty());
        return out;
    }

    /** {@code 7} rather than {@code 7.0}: both are AWS's, and emulators parse the first as a whole number too. */
    static String decimal(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private <T> T call(String doing, Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw AwsErrors.translate(doing, e, builder);
        }
    }
}
