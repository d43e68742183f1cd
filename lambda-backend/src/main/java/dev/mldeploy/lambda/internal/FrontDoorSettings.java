package dev.mldeploy.lambda.internal;

import dev.mldeploy.aws.http.HttpAccess;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;

/**
 * The front door part of the {@code lambda} target's configuration, beside {@link LambdaSettings}: the access the
 * deployment's HTTPS front door gives (null: none) and the caller's API Gateway client (null: built). Immutable.
 *
 * @param http             the front door's access, or null for no front door
 * @param apiGatewayClient the caller's client, or null
 */
public record FrontDoorSettings(HttpAccess http, ApiGatewayClient apiGatewayClient) {
    /** No front door, no client. */
    public static final FrontDoorSettings NONE = new FrontDoorSettings(null, null);
}
