package dev.mldeploy.lambda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.aws.http.HttpAccess;
import dev.mldeploy.aws.http.Integration;
import dev.mldeploy.lambda.LambdaTarget;
import dev.mldeploy.lambda.LambdaTargetProvider;
import dev.mldeploy.spi.TargetContext;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Lambda front door's integration (URI, templates, error selection) and its configuration keys. */
class LambdaFrontDoorTest {
    private static final String ALIAS = "arn:aws:lambda:eu-west-1:123456789012:function:m:live";

    @Test
    void integration_invokesTheAliasWithoutARole_andWrapsTheBodyInTheHandlersEnvelope() {
        Integration i = LambdaFrontDoor.integration(ALIAS);
        assertEquals("arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/" + ALIAS + "/invocations",
                i.uri());
        assertNull(i.credentials(), "the alias's resource policy allows the API, not a role");
        String request = i.requestTemplates().get("application/json");
        assertTrue(request.contains("\"body\":\"$util.base64Encode($input.body)\",\"isBase64Encoded\":true"),
                request);
        assertEquals(1, i.requestTemplates().size(), "only JSON: API Gateway answers 415 to the rest");
        String ok = i.responses().get(0).responseTemplates().get("application/json");
        assertEquals("", i.responses().get(0).selectionPattern());
        assertTrue(ok.contains("$context.responseOverride.status = $r.statusCode"), ok);
        assertTrue(ok.contains("$context.responseOverride.header.Content-Type = $r.contentType"), ok);
        Integration.Response error = i.responses().get(1);
        assertEquals("502", error.statusCode());
        assertTrue(Pattern.compile(error.selectionPattern()).matcher("asked to fail:\nline two").matches());
        assertFalse(error.responseTemplates().get("application/json").contains("stackTrace"));
    }

    @Test
    void configure_readsTheFrontDoorKeys() {
        LambdaTarget t = LambdaTargetProvider.configure(new TargetContext(Map.of("MLDEPLOY_HTTP", "true")));
        assertEquals(HttpAccess.iam(), t.http().orElseThrow());
        assertEquals(t.http(), t.toBuilder().build().http());
        assertTrue(LambdaTargetProvider.configure(new TargetContext(Map.of())).http().isEmpty());
    }
}
