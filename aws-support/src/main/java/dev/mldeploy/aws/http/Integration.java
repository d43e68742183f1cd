package dev.mldeploy.aws.http;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a target's front door calls: an API Gateway {@code AWS} (non-proxy) integration of {@code POST /invocations}
 * with its request mapping and its responses, each mapped to the front door's contract. Immutable.
 *
 * @param uri               the integration URI ({@code arn:aws:apigateway:<region>:<service>:path/...})
 * @param credentials       the role API Gateway assumes to call it, or null (a resource policy allows it instead)
 * @param requestTemplates  mapping templates by request content type (others are refused with 415)
 * @param requestParameters integration request parameters from method request parameters
 * @param responses         the integration responses, the default one (empty selection pattern) first
 */
public record Integration(String uri, String credentials, Map<String, String> requestTemplates,
                          Map<String, String> requestParameters, List<Response> responses) {
    public Integration {
        Objects.requireNonNull(uri, "uri");
        requestTemplates = java.util.Collections.unmodifiableMap(new TreeMap<>(requestTemplates));
        requestParameters = java.util.Collections.unmodifiableMap(new TreeMap<>(requestParameters));
        responses = List.copyOf(responses);
    }

    /**
     * One integration response.
     *
     * @param statusCode         the method response status it maps to (a template may still override it)
     * @param selectionPattern   the regular expression that selects it (the backend's status, or for Lambda the
     *                           error message); empty for the default response
     * @param responseParameters method response headers from the integration response
     * @param responseTemplates  mapping templates by response content type
     */
    public record Response(String statusCode, String selectionPattern, Map<String, String> responseParameters,
                           Map<String, String> responseTemplates) {
        public Response {
            Objects.requireNonNull(statusCode, "statusCode");
            Objects.requireNonNull(selectionPattern, "selectionPattern");
            responseParameters = java.util.Collections.unmodifiableMap(new TreeMap<>(responseParameters));
            responseTemplates = java.util.Collections.unmodifiableMap(new TreeMap<>(responseTemplates));
        }
    }
}
