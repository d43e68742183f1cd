package dev.mldeploy.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.BadRequestException;
import dev.mldeploy.InvocationException;
import dev.mldeploy.ModelErrorException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ModelErrorPayloadTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parse_whenAdapterErrorBody_returnsModelErrorWithTypeMessageAndLog() {
        RuntimeException cause = new RuntimeException("aws");
        ModelErrorException e = ModelErrorPayload.parse("local", 500, b("{\"errorType\": \"ValueError\", "
                + "\"errorMessage\": \"bad input\", \"stackTrace\": [\"  File x\"]}"), "/tmp/server.log", cause)
                .orElseThrow();

        assertEquals("ValueError", e.errorType());
        assertEquals("bad input", e.errorMessage());
        assertEquals("local", e.target());
        assertEquals(500, e.statusCode().orElseThrow());
        assertEquals("/tmp/server.log", e.logReference().orElseThrow());
        assertSame(cause, e.getCause());
        assertTrue(e.getMessage().contains("ValueError: bad input"), e.getMessage());
    }

    @Test
    void parse_whenMessageMissing_usesAnEmptyOne() {
        assertEquals("", ModelErrorPayload.parse("lambda", 200, b("{\"errorType\": \"KeyError\"}"), null, null)
                .orElseThrow().errorMessage());
    }

    @Test
    void parse_whenNotAnAdapterError_isEmpty() {
        assertTrue(ModelErrorPayload.parse("local", 500, null, null, null).isEmpty());
        assertTrue(ModelErrorPayload.parse("local", 500, new byte[0], null, null).isEmpty());
        assertTrue(ModelErrorPayload.parse("local", 500, b("Internal Server Error"), null, null).isEmpty());
        assertTrue(ModelErrorPayload.parse("local", 500, b("[1, 2]"), null, null).isEmpty());
        assertTrue(ModelErrorPayload.parse("local", 500, b("{\"errorType\": 3}"), null, null).isEmpty());
    }

    @Test
    void translate_when4xx_isBadRequestWithTypeAndReason_andOtherwiseAModelError() {
        byte[] refused = b("{\"errorType\": \"UnsupportedAccept\", \"errorMessage\": \"no default encoder for accept "
                + "'image/png'\", \"statusCode\": 406}");
        InvocationException e = ModelErrorPayload.translate("local", 406, refused, null, null).orElseThrow();
        BadRequestException bad = org.junit.jupiter.api.Assertions.assertInstanceOf(BadRequestException.class, e);
        assertEquals("UnsupportedAccept", bad.errorType());
        assertEquals("no default encoder for accept 'image/png'", bad.reason());
        assertEquals(406, bad.statusCode().orElseThrow());
        assertTrue(bad.getMessage().contains("HTTP 406 UnsupportedAccept"), bad.getMessage());

        InvocationException model = ModelErrorPayload.translate("local", 500, b("{\"errorType\": \"ValueError\"}"),
                null, null).orElseThrow();
        org.junit.jupiter.api.Assertions.assertInstanceOf(ModelErrorException.class, model);
        assertTrue(ModelErrorPayload.translate("local", 400, b("Bad Request"), null, null).isEmpty());
    }
}
