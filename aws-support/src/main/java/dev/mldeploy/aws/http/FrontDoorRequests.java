package dev.mldeploy.aws.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The names, URLs, ARNs and mapping templates of the front door, the same for both targets: its contract lives
 * here. {@code POST https://<api>.execute-api.<region>.amazonaws.com/live/invocations} with an
 * {@code application/json} body answers the model's output with the model's {@code Content-Type}, or an error with
 * the JSON body {@code {"errorType": "...", "errorMessage": "..."}} ({@link #ERROR_TEMPLATE}; the model's own
 * refusals carry a {@code statusCode} key as well). Stateless.
 */
public final class FrontDoorRequests {
    /** The stage every front door deploys to (the Lambda alias has the same name). */
    public static final String STAGE = "live";
    /** The one resource: {@code /invocations}, as on a SageMaker container. */
    public static final String PATH = "invocations";
    /** The one request content type the front door accepts (API Gateway answers 415 to others). */
    public static final String JSON = "application/json";
    /** The gateway's own errors (auth, key, throttle, unsupported type) in the contract's error shape. */
    public static final String ERROR_TEMPLATE = "{\"errorType\":\"$context.error.responseType\","
            + "\"errorMessage\":$context.error.messageString}";
    /** The description's marker before the configuration fingerprint. */
    static final String CONFIG_MARKER = "config ";
    /** The 4xx and 5xx gateway responses mapped to {@link #ERROR_TEMPLATE}. */
    public static final java.util.List<String> GATEWAY_RESPONSES = java.util.List.of("DEFAULT_4XX", "DEFAULT_5XX");

    private FrontDoorRequests() {
    }

    /** The REST API's, API key's and usage plan's name: {@code mldeploy-<target>-<name>}. */
    public static String apiName(String target, String name) {
        return "mldeploy-" + target + "-" + name;
    }

    /** The URL clients POST to. */
    public static String invokeUrl(String apiId, String region) {
        return "https://" + apiId + ".execute-api." + region + ".amazonaws.com/" + STAGE + "/" + PATH;
    }

    /** What may call the backend on the API's behalf: {@code POST /invocations} of that API, any stage. */
    public static String sourceArn(String region, String account, String apiId) {
        return "arn:aws:execute-api:" + region + ":" + account + ":" + apiId + "/*/POST/" + PATH;
    }

    /** The region and account of an ARN ({@code arn:aws:<service>:<region>:<account>:...}). */
    public static String[] regionAndAccount(String arn) {
        String[] parts = arn.split(":", 6);
        if (parts.length < 6 || !parts[0].equals("arn")) {
            throw new IllegalArgumentException("not an ARN: " + arn);
        }
        return new String[] {parts[3], parts[4]};
    }

    /** The API's description, carrying the fingerprint of the configuration it was last set up with. */
    public static String description(String target, String name, String config) {
        return "mldeploy HTTPS front door of the " + target + " deployment '" + name + "' (" + CONFIG_MARKER + config
                + ")";
    }

    /** The fingerprint of one front door configuration: auth, throttle and integration. */
    public static String fingerprint(HttpAccess access, Integration integration) {
        StringBuilder sb = new StringBuilder();
        sb.append(access.auth()).append('|').append(access.rateLimit()).append('|').append(access.burstLimit())
                .append('|').append(integration.uri()).append('|').append(integration.credentials())
                .append('|').append(new TreeMap<>(integration.requestTemplates()))
                .append('|').append(new TreeMap<>(integration.requestParameters()));
        integration.responses().forEach(r -> sb.append('|').append(r));
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The method request parameters the integrations read: the client's {@code Accept} header, optional. */
    public static Map<String, Boolean> methodRequestParameters() {
        return Map.of("method.request.header.Accept", false);
    }

    /** The method response headers every response may set. */
    public static Map<String, Boolean> methodResponseParameters() {
        return Map.of("method.response.header.Content-Type", false);
    }

    /** The tags on the API, key and plan: the user's, then mldeploy's. */
    public static Map<String, String> tags(String target, String name, Map<String, String> userTags) {
        Map<String, String> tags = new TreeMap<>(userTags);
        tags.put("mldeploy:managed", "true");
        tags.put("mldeploy:name", name);
        tags.put("mldeploy:target", target);
        return tags;
    }

    /** Whether {@code tags} mark a front door resource mldeploy made for {@code name} on {@code target}. */
    public static boolean isManaged(Map<String, String> tags, String target, String name) {
        return tags != null && "true".equals(tags.get("mldeploy:managed")) && name.equals(tags.get("mldeploy:name"))
                && target.equals(tags.get("mldeploy:target"));
    }
}
