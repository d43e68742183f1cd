package dev.mldeploy.lambda.internal;

import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.aws.AwsErrors;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.aws.http.FrontDoor;
import dev.mldeploy.aws.http.FrontDoorBackend;
import dev.mldeploy.aws.http.FrontDoorRequests;
import dev.mldeploy.aws.http.HttpAccess;
import dev.mldeploy.aws.http.Integration;
import dev.mldeploy.spi.DeployContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * The {@code lambda} target's HTTPS front door: the shared {@link FrontDoor} (a REST API, for the reasons its class
 * comment gives) whose {@code AWS} integration invokes the alias {@value LambdaSettings#ALIAS}, allowed by a
 * statement {@value #STATEMENT} on the alias's resource policy (principal apigateway.amazonaws.com, source that
 * API's {@code POST /invocations} only), so no role is needed. The request becomes the handler's envelope
 * ({@link #REQUEST_TEMPLATE}); the handler's answer its status, {@code Content-Type} and body
 * ({@link #RESPONSE_TEMPLATE}); a function error (the model raised) a 502 {@code ModelError}. A deploy without a
 * front door removes one an earlier deploy made.
 *
 * <p>The alias statement is also the deployment's record of its front door: describe reads the API's id from its
 * source ARN (one Lambda call, no API Gateway call), and a deploy without a front door touches API Gateway only when
 * the statement is there. Undeploy always looks for an API of the deployment's name (a deploy killed before the
 * statement existed leaves one), unless API Gateway cannot be reached for lack of configuration and no front door
 * is configured or recorded. Thread-safe.
 */
public final class LambdaFrontDoor {
    /** The alias policy statement that lets the API invoke the alias. */
    public static final String STATEMENT = "mldeploy-http";
    /** The handler's envelope for the client's JSON body (sent as base64, so every byte arrives as it was). */
    static final String REQUEST_TEMPLATE = "{\"body\":\"$util.base64Encode($input.body)\",\"isBase64Encoded\":true,"
            + "\"contentType\":\"" + FrontDoorRequests.JSON + "\","
            + "\"accept\":\"$util.escapeJavaScript($input.params('Accept'))\"}";
    /** The handler's answer ({@code statusCode}, {@code contentType}, {@code body}) as the HTTP response. */
    static final String RESPONSE_TEMPLATE = "#set($r = $input.path('$'))\n"
            + "#set($context.responseOverride.status = $r.statusCode)\n"
            + "#set($context.responseOverride.header.Content-Type = $r.contentType)\n"
            + "#if($r.isBase64Encoded)$util.base64Decode($r.body)#else$r.body#end";
    /** A function error: Lambda's {@code errorMessage} in the contract's error shape (the stack trace stays out). */
    static final String MODEL_ERROR_TEMPLATE = "{\"errorType\":\"ModelError\",\"errorMessage\":"
            + "$input.json('$.errorMessage')}";
    private static final Logger LOG = LoggerFactory.getLogger(LambdaFrontDoor.class);
    private static final java.util.regex.Pattern SOURCE = java.util.regex.Pattern.compile(
            "arn:aws[a-z-]*:execute-api:([a-z0-9-]+):\\d{12}:([a-z0-9]+)/\\*/POST/" + FrontDoorRequests.PATH);

    private final FrontDoorSettings settings;
    private final LambdaClient lambda;
    private final AwsClients clients;
    private final Map<String, String> userTags;

    public LambdaFrontDoor(FrontDoorSettings settings, AwsClients clients, Map<String, String> userTags) {
        this.settings = settings;
        this.clients = clients;
        this.lambda = clients.lambda();
        this.userTags = userTags;
    }

    /** The integration of the alias {@code aliasArn}: the Lambda Invoke API, non-proxy. */
    static Integration integration(String aliasArn) {
        String region = FrontDoorRequests.regionAndAccount(aliasArn)[0];
        return new Integration("arn:aws:apigateway:" + region + ":lambda:path/2015-03-31/functions/" + aliasArn
                + "/invocations", null, Map.of(FrontDoorRequests.JSON, REQUEST_TEMPLATE), Map.of(),
                List.of(new Integration.Response("200", "", Map.of(),
                                Map.of(FrontDoorRequests.JSON, RESPONSE_TEMPLATE)),
                        // Lambda integrations select on errorMessage, set only for a function error
                        new Integration.Response("502", "(.|\\n)+",
                                Map.of("method.response.header.Content-Type", "'" + FrontDoorRequests.JSON + "'"),
                                Map.of(FrontDoorRequests.JSON, MODEL_ERROR_TEMPLATE))));
    }

    /**
     * After a deploy: makes or updates the front door when one is configured (the result then carries its URL),
     * else removes one an earlier deploy made.
     *
     * @throws DeploymentFailedException the front door could not be made; the function stays deployed
     */
    public DeployResult apply(DeployResult result, DeployContext ctx) {
        Deployment d = result.deployment();
        CallBudget budget = CallBudget.of(ctx);
        FrontDoor.Where where = where(d);
        if (settings.http() == null) {
            if (recordedApi(d.name(), budget).isEmpty()) {
                return result; // no front door was made: no API Gateway call
            }
            List<String> removed = frontDoor().remove(where, backend(d.name(), null), budget, ctx);
            return removed.isEmpty() ? result : new DeployResult(d, result.change(), result.message()
                    + "; removed its HTTPS front door (" + String.join(", ", removed) + ")", result.placement());
        }
        FrontDoor.Found found;
        try {
            found = frontDoor().ensure(where, settings.http(), backend(d.name(), d.endpoint()), userTags, budget, ctx);
        } catch (RuntimeException e) {
            throw new DeploymentFailedException("function " + d.name() + " is deployed (" + result.change()
                    .name().toLowerCase(java.util.Locale.ROOT) + ") but its HTTPS front door is not: "
                    + e.getMessage(), e);
        }
        return new DeployResult(d.withHttpEndpoint(found.url()), result.change(), result.message()
                + "; HTTPS front door " + found.url() + " (" + settings.http().auth().option() + " auth"
                + (found.apiKeyId() == null ? "" : ", API key " + found.apiKeyId()) + ")", result.placement());
    }

    /** {@code d} with its front door's URL, when the alias statement records one. */
    public Deployment describe(Deployment d, CallBudget budget) {
        return recordedApi(d.name(), budget).map(api -> d.withHttpEndpoint(FrontDoorRequests.invokeUrl(api[1],
                api[0]))).orElse(d);
    }

    /** The region and id of the API the alias statement lets in, when there is one. */
    private Optional<String[]> recordedApi(String name, CallBudget budget) {
        Optional<String> policy = policy(name, budget);
        if (policy.isEmpty() || !policy.get().contains(STATEMENT)) {
            return Optional.empty();
        }
        java.util.regex.Matcher m = SOURCE.matcher(policy.get());
        return m.find() ? Optional.of(new String[] {m.group(1), m.group(2)}) : Optional.empty();
    }

    /** Removes the front door of {@code name} and the alias statement; what it removed (empty: none). */
    public List<String> remove(String name, DeployContext ctx) {
        // the region only goes into URLs, which removing needs none of
        return removeQuietly(name, new FrontDoor.Where(LambdaSettings.NAME, name, ""), CallBudget.of(ctx), ctx);
    }

    private List<String> removeQuietly(String name, FrontDoor.Where where, CallBudget budget, DeployContext ctx) {
        boolean expected = settings.http() != null || recordedApi(name, budget).isPresent();
        try {
            return frontDoor().remove(where, backend(name, null), budget, ctx);
        } catch (RuntimeException e) {
            if (!expected && (AwsErrors.isAccessDenied(e.getCause())
                    || e instanceof dev.mldeploy.InvalidConfigurationException)) {
                // no front door configured or recorded, and API Gateway not reachable for this caller
                LOG.warn("could not look for an HTTPS front door of {} left by a killed deploy: {}", name,
                        e.getMessage());
                return List.of();
            }
            throw e;
        }
    }

    private FrontDoor frontDoor() {
        return new FrontDoor(apiGateway(), AwsClients.BUILDER);
    }

    private ApiGatewayClient apiGateway() {
        return clients.apiGateway(Optional.ofNullable(settings.apiGatewayClient()));
    }

    private static FrontDoor.Where where(Deployment d) {
        return new FrontDoor.Where(LambdaSettings.NAME, d.name(), FrontDoorRequests.regionAndAccount(d.endpoint())[0]);
    }

    /** The alias statement (added when missing or pointing at another API) and the integration. */
    private FrontDoorBackend backend(String name, String aliasArn) {
        return new FrontDoorBackend() {
            @Override
            public Integration prepare(String apiId, CallBudget budget, DeployContext ctx) {
                String[] ra = FrontDoorRequests.regionAndAccount(aliasArn);
                String source = FrontDoorRequests.sourceArn(ra[0], ra[1], apiId);
                Optional<String> policy = policy(name, budget);
                if (policy.isPresent() && policy.get().contains(STATEMENT) && policy.get().contains(source)) {
                    return integration(aliasArn);
                }
                if (policy.isPresent() && policy.get().contains(STATEMENT)) {
                    removeStatement(name, budget); // it names another API (made and lost before)
                }
                ctx.progress("http", "", "allowing API " + apiId + " to invoke " + name + ":" + LambdaSettings.ALIAS);
                lambda.addPermission(r -> budget.on(r).functionName(name).qualifier(LambdaSettings.ALIAS)
                        .statementId(STATEMENT).action("lambda:InvokeFunction").principal("apigateway.amazonaws.com")
                        .sourceArn(source));
                return integration(aliasArn);
            }

            @Override
            public List<String> remove(CallBudget budget, DeployContext ctx) {
                Optional<String> policy = policy(name, budget);
                if (policy.isEmpty() || !policy.get().contains(STATEMENT)) {
                    return List.of();
                }
                removeStatement(name, budget);
                return List.of("statement " + STATEMENT + " of " + name + ":" + LambdaSettings.ALIAS);
            }
        };
    }

    private Optional<String> policy(String name, CallBudget budget) {
        try {
            var answer = lambda.getPolicy(r -> budget.on(r).functionName(name).qualifier(LambdaSettings.ALIAS));
            return answer == null ? Optional.empty() : Optional.ofNullable(answer.policy());
        } catch (RuntimeException e) {
            if (LambdaErrors.isNotFound(e)) {
                return Optional.empty(); // no function, alias or policy
            }
            throw LambdaErrors.failed("reading the resource policy of " + name + ":" + LambdaSettings.ALIAS, e);
        }
    }

    private void removeStatement(String name, CallBudget budget) {
        try {
            lambda.removePermission(r -> budget.on(r).functionName(name).qualifier(LambdaSettings.ALIAS)
                    .statementId(STATEMENT));
        } catch (RuntimeException e) {
            if (!LambdaErrors.isNotFound(e)) {
                throw LambdaErrors.failed("removing statement " + STATEMENT + " of " + name, e);
            }
        }
    }
}
