package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InvocationException;
import dev.mldeploy.spi.Json;
import dev.mldeploy.lambda.internal.Envelope;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The request/answer envelope and its size rule. */
class EnvelopeTest {
    private static Map<String, Object> event(InferenceRequest r) {
        return Json.parseObject(new String(Envelope.request(r), StandardCharsets.UTF_8));
    }

    @Test
    void request_textualUtf8Body_travelsAsText() {
        Map<String, Object> e = event(InferenceRequest.builder().body("héllo").contentType("text/plain; charset=utf-8")
                .accept("text/plain").build());
        assertEquals("héllo", e.get("body"));
        assertEquals(false, e.get("isBase64Encoded"));
        assertEquals("text/plain; charset=utf-8", e.get("contentType"));
        assertEquals("text/plain", e.get("accept"));
    }

    @Test
    void request_binaryOrInvalidUtf8_travelsAsBase64() {
        byte[] bytes = {(byte) 0xc3, (byte) 0x28, 0, 7};
        Map<String, Object> bin = event(InferenceRequest.of(bytes, "application/octet-stream"));
        assertEquals(true, bin.get("isBase64Encoded"));
        assertArrayEquals(bytes, Base64.getDecoder().decode((String) bin.get("body")));
        Map<String, Object> badJson = event(InferenceRequest.of(bytes, "application/json"));
        assertEquals(true, badJson.get("isBase64Encoded"), "invalid UTF-8 is never sent as text");
    }

    @Test
    void request_atTheLimit_fitsLambdasSixMegabytes_evenWhenEscapingWouldNot() {
        byte[] quotes = new byte[(int) Envelope.MAX_BODY_BYTES];
        Arrays.fill(quotes, (byte) '"'); // each escapes to two characters: as text it would be 9.4 MB
        byte[] payload = Envelope.request(InferenceRequest.of(quotes, "text/plain"));
        assertTrue(payload.length <= 6 * 1024 * 1024, "payload " + payload.length);
        Map<String, Object> e = Json.parseObject(new String(payload, StandardCharsets.UTF_8));
        assertEquals(true, e.get("isBase64Encoded"));

        byte[] binary = new byte[(int) Envelope.MAX_BODY_BYTES];
        assertTrue(Envelope.request(InferenceRequest.of(binary, "application/octet-stream")).length
                <= 6 * 1024 * 1024);
    }

    @Test
    void response_decodesTextAndBase64_andRejectsErrorsAndForeignShapes() {
        assertEquals("hi", Envelope.response("{\"statusCode\":200,\"body\":\"hi\",\"contentType\":\"text/plain\"}"
                .getBytes(StandardCharsets.UTF_8), "fn", "1").bodyAsString());
        assertArrayEquals(new byte[] {1, 2}, Envelope.response(("{\"body\":\"AQI=\",\"isBase64Encoded\":true}")
                .getBytes(StandardCharsets.UTF_8), "fn", "1").body());
        InvocationException status = assertThrows(InvocationException.class, () -> Envelope.response(
                "{\"statusCode\":502,\"body\":\"\"}".getBytes(StandardCharsets.UTF_8), "fn", "1"));
        assertEquals(502, status.statusCode().orElseThrow());
        assertThrows(InvocationException.class, () -> Envelope.response("\"just a string\""
                .getBytes(StandardCharsets.UTF_8), "fn", "1"));
        assertThrows(InvocationException.class, () -> Envelope.response("{\"result\": 1}"
                .getBytes(StandardCharsets.UTF_8), "fn", "1"));
    }
}
