package dev.mldeploy;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * One request to a deployed model: a body with its content type, the accepted response type, and optionally the
 * production variant to send it to.
 */
public final class InferenceRequest {
    public static final String JSON = "application/json";

    private final byte[] body;
    private final String contentType;
    private final String accept;
    private final String targetVariant;

    private InferenceRequest(Builder b) {
        this.body = Objects.requireNonNull(b.body, "body");
        this.contentType = b.contentType;
        this.accept = b.accept;
        this.targetVariant = b.targetVariant;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A JSON request accepting JSON. */
    public static InferenceRequest json(String json) {
        return builder().body(json.getBytes(StandardCharsets.UTF_8)).contentType(JSON).accept(JSON).build();
    }

    /** A request with {@code body} of {@code contentType}, accepting JSON. */
    public static InferenceRequest of(byte[] body, String contentType) {
        return builder().body(body).contentType(contentType).build();
    }

    /** The body; a copy, so callers may keep it. */
    public byte[] body() {
        return body.clone();
    }

    /** The body's size in bytes. */
    public int size() {
        return body.length;
    }

    /** The body without copying; for targets only, which must not modify it. */
    public byte[] bodyUnsafe() {
        return body;
    }

    public String contentType() {
        return contentType;
    }

    public String accept() {
        return accept;
    }

    /** The production variant to send the request to (A/B testing), when one is named. */
    public Optional<String> targetVariant() {
        return Optional.ofNullable(targetVariant);
    }

    @Override
    public String toString() {
        // never the body: it may hold personal data
        return "InferenceRequest{" + body.length + " bytes, contentType=" + contentType + ", accept=" + accept
                + (targetVariant == null ? "" : ", targetVariant=" + targetVariant) + "}";
    }

    /** Builds an {@link InferenceRequest}; content type and accept default to JSON. */
    public static final class Builder {
        private byte[] body;
        private String contentType = JSON;
        private String accept = JSON;
        private String targetVariant;

        private Builder() {
        }

        public Builder body(byte[] body) {
            this.body = Objects.requireNonNull(body, "body").clone();
            return this;
        }

        public Builder body(String body) {
            this.body = Objects.requireNonNull(body, "body").getBytes(StandardCharsets.UTF_8);
            return this;
        }

        public Builder contentType(String contentType) {
            this.contentType = Objects.requireNonNull(contentType, "contentType");
            return this;
        }

        public Builder accept(String accept) {
            this.accept = Objects.requireNonNull(accept, "accept");
            return this;
        }

        public Builder targetVariant(String targetVariant) {
            this.targetVariant = Objects.requireNonNull(targetVariant, "targetVariant");
            return this;
        }

        public InferenceRequest build() {
            return new InferenceRequest(this);
        }
    }
}
