package dev.mldeploy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** A model's answer, with where it came from. */
public final class InferenceResponse {
    private final byte[] body;
    private final String contentType;
    private final String target;
    private final String variant;
    private final Duration latency;

    public InferenceResponse(byte[] body, String contentType, String target, String variant, Duration latency) {
        this.body = Objects.requireNonNull(body, "body");
        this.contentType = contentType == null ? "application/octet-stream" : contentType;
        this.target = Objects.requireNonNull(target, "target");
        this.variant = variant;
        this.latency = latency == null ? Duration.ZERO : latency;
    }

    /** The body; a copy. */
    public byte[] body() {
        return body.clone();
    }

    /** The body decoded as UTF-8. */
    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public String contentType() {
        return contentType;
    }

    /** The target that answered ({@code local}, {@code sagemaker}, {@code lambda}). */
    public String target() {
        return target;
    }

    /** The production variant or function version that answered, when the target says. */
    public Optional<String> variant() {
        return Optional.ofNullable(variant);
    }

    /** Time from sending the request to reading the whole answer. */
    public Duration latency() {
        return latency;
    }

    public InferenceResponse withLatency(Duration newLatency) {
        return new InferenceResponse(body, contentType, target, variant, newLatency);
    }

    @Override
    public String toString() {
        return "InferenceResponse{" + body.length + " bytes, contentType=" + contentType + ", target=" + target
                + (variant == null ? "" : ", variant=" + variant) + ", latency=" + latency.toMillis() + "ms}";
    }
}
