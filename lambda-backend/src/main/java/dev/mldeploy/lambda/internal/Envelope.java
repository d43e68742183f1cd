package dev.mldeploy.lambda.internal;

import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.InvocationException;
import dev.mldeploy.PayloadTooLargeException;
import dev.mldeploy.spi.Json;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON envelope between the invoker and {@code mldeploy_lambda.handler}, carrying content type, accept and
 * binary bodies, so a client sees the same bytes and content type from Lambda as from SageMaker.
 *
 * <p>Request {@code {"body", "isBase64Encoded", "contentType", "accept"}}; answer {@code {"statusCode", "body",
 * "isBase64Encoded", "contentType"}}. A body travels as text when its content type is textual (JSON, {@code +json},
 * {@code text/*}) and it is valid UTF-8 and the escaped text fits; otherwise as base64.
 *
 * <p>The size rule: Lambda limits the whole invoke payload to 6 MB. Base64 grows a body by 4/3 and JSON escaping may
 * grow text more, so the largest body accepted ({@link #MAX_BODY_BYTES}, core's
 * {@link dev.mldeploy.placement.LambdaLimits#MAX_SYNC_RAW_PAYLOAD_BYTES}, the figure {@code plan} reports) is the
 * largest {@code n} whose base64 form plus {@link #OVERHEAD_BYTES} fits in 6 MB. Everything but the body (keys,
 * content type, accept, as encoded) must fit in {@link #OVERHEAD_BYTES}, so every body up to the limit fits; a text
 * body whose escaped form would not fit goes as base64. Stateless.
 */
public final class Envelope {
    /** Room kept for the envelope's keys, content type and accept, as encoded. */
    public static final int OVERHEAD_BYTES = dev.mldeploy.placement.LambdaLimits.SYNC_ENVELOPE_OVERHEAD_BYTES;
    /** The largest request body accepted: 4,717,824 bytes, the figure placement reports. */
    public static final long MAX_BODY_BYTES = dev.mldeploy.placement.LambdaLimits.MAX_SYNC_RAW_PAYLOAD_BYTES;

    private Envelope() {
    }

    /** Whether a body of {@code contentType} is sent as text (when it is UTF-8). */
    public static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String media = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return media.startsWith("text/") || media.equals("application/json") || media.endsWith("+json");
    }

    /** The invoke payload for {@code request}. */
    public static byte[] request(InferenceRequest request) {
        String contentType = request.contentType() == null ? InferenceRequest.JSON : request.contentType();
        String accept = request.accept() == null ? InferenceRequest.JSON : request.accept();
        byte[] body = request.bodyUnsafe();
        int overhead = envelope("", contentType, accept, true).length;
        if (overhead > OVERHEAD_BYTES) {
            throw new InvocationException("content type and accept take " + overhead + " bytes in the Lambda "
                    + "envelope, over the " + OVERHEAD_BYTES + " kept for them; shorten them");
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new PayloadTooLargeException(LambdaSettings.NAME, body.length, MAX_BODY_BYTES);
        }
        String text = isText(contentType) ? utf8(body) : null;
        byte[] payload = envelope(text != null ? text : Base64.getEncoder().encodeToString(body), contentType,
                accept, text == null);
        if (text != null && payload.length > LambdaLimits.PAYLOAD_BYTES) {
            payload = envelope(Base64.getEncoder().encodeToString(body), contentType, accept, true);
        }
        return payload;
    }

    private static byte[] envelope(String body, String contentType, String accept, boolean base64) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("body", body);
        m.put("isBase64Encoded", base64);
        m.put("contentType", contentType);
        m.put("accept", accept);
        return Json.write(m).getBytes(StandardCharsets.UTF_8);
    }

    /** The response for an invoke payload from the handler. */
    public static InferenceResponse response(byte[] payload, String function, String version) {
        Map<String, Object> m;
        try {
            m = Json.parseObject(new String(payload, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new InvocationException("function " + function + " answered something other than the mldeploy "
                    + "envelope (" + payload.length + " bytes, not a JSON object); was it deployed by mldeploy?", e);
        }
        Object body = m.get("body");
        if (!(body instanceof String text)) {
            throw new InvocationException("function " + function + " answered a JSON object without a string "
                    + "\"body\"; was it deployed by mldeploy?");
        }
        Object status = m.get("statusCode");
        if (status instanceof Number n && (n.intValue() < 200 || n.intValue() > 299)) {
            throw new InvocationException("function " + function + " answered status " + n.intValue(), null,
                    n.intValue(), false);
        }
        byte[] bytes;
        if (Boolean.TRUE.equals(m.get("isBase64Encoded"))) {
            try {
                bytes = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                throw new InvocationException("function " + function + " answered a body marked base64 that is not",
                        e);
            }
        } else {
            bytes = text.getBytes(StandardCharsets.UTF_8);
        }
        Object ct = m.get("contentType");
        return new InferenceResponse(bytes, ct instanceof String s ? s : null, "lambda", version, null);
    }

    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
