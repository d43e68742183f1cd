package dev.mldeploy.aws.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.spi.TargetContext;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The front door's access: defaults, the environment keys, and every value AWS or mldeploy refuses. */
class HttpAccessTest {
    private static Optional<HttpAccess> env(Map<String, String> env) {
        return HttpAccess.fromEnvironment(new TargetContext(env));
    }

    private static String refused(Map<String, String> env) {
        return assertThrows(InvalidConfigurationException.class, () -> env(env)).getMessage();
    }

    @Test
    void fromEnvironment_readsAuthAndThrottle_withIamAndDefaultThrottleWhenUnset() {
        assertEquals(Optional.empty(), env(Map.of()));
        assertEquals(Optional.of(HttpAccess.iam()), env(Map.of("MLDEPLOY_HTTP", "true")));
        assertEquals(Optional.of(HttpAccess.apiKey(100, 200)), env(Map.of("MLDEPLOY_HTTP", "true",
                "MLDEPLOY_HTTP_AUTH", "API-KEY")));
        assertEquals(Optional.of(HttpAccess.apiKey(2.5, 7)), env(Map.of("MLDEPLOY_HTTP", "1",
                "MLDEPLOY_HTTP_AUTH", "api-key", "MLDEPLOY_HTTP_RATE", "2.5", "MLDEPLOY_HTTP_BURST", "7")));
    }

    @Test
    void fromEnvironment_refusesAnOpenEndpoint_unknownAuth_andKeysWithoutHttp() {
        assertTrue(refused(Map.of("MLDEPLOY_HTTP", "true", "MLDEPLOY_HTTP_AUTH", "none"))
                .contains("never makes a model endpoint anyone may call"));
        assertTrue(refused(Map.of("MLDEPLOY_HTTP", "true", "MLDEPLOY_HTTP_AUTH", "cognito"))
                .contains("HTTP auth 'cognito' is unknown; use iam or api-key"));
        assertTrue(refused(Map.of("MLDEPLOY_HTTP_RATE", "5")).contains("which is off; add --http"));
        assertTrue(refused(Map.of("MLDEPLOY_HTTP", "true", "MLDEPLOY_HTTP_BURST", "5"))
                .contains("add --http-auth api-key"));
        assertTrue(refused(Map.of("MLDEPLOY_HTTP", "true", "MLDEPLOY_HTTP_AUTH", "api-key",
                "MLDEPLOY_HTTP_RATE", "fast")).contains("is not a number"));
    }

    @Test
    void apiKey_refusesThrottlesApiGatewayRefuses() {
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> HttpAccess.apiKey(0, 10)).getMessage()
                .contains("give more than 0 and at most 10000"));
        assertThrows(InvalidConfigurationException.class, () -> HttpAccess.apiKey(10_001, 10));
        assertThrows(InvalidConfigurationException.class, () -> HttpAccess.apiKey(Double.NaN, 10));
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> HttpAccess.apiKey(5, 0)).getMessage()
                .contains("give 1 to 5000"));
        assertThrows(InvalidConfigurationException.class, () -> HttpAccess.apiKey(5, 5001));
        assertThrows(InvalidConfigurationException.class, () -> new HttpAccess(HttpAccess.Auth.IAM, 5, 10));
    }
}
