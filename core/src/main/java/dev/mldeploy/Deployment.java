package dev.mldeploy;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A deployment as its target reports it; read from the target itself (AWS tags, the local state directory), so
 * any process sees the same.
 *
 * @param name         the model name
 * @param target       the target's name ({@code local}, {@code sagemaker}, {@code lambda})
 * @param variant      how it runs on that target (for example {@code realtime}, {@code serverless}, {@code zip})
 * @param status       where it stands
 * @param statusReason why, when it failed or stopped; empty otherwise
 * @param specHash     the fingerprint of the spec it runs; an unchanged spec has the same one
 * @param endpoint     where it answers (a URL, an endpoint or function ARN)
 * @param createdAt    when it was first deployed, when known
 * @param updatedAt    when it last changed, when known
 * @param attributes   target-specific details (instance type, function version, pid, ...), in key order
 */
public record Deployment(String name, String target, String variant, DeploymentStatus status, String statusReason,
                         String specHash, String endpoint, Instant createdAt, Instant updatedAt,
                         Map<String, String> attributes) {

    public Deployment {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(status, "status");
        statusReason = statusReason == null ? "" : statusReason;
        specHash = specHash == null ? "" : specHash;
        endpoint = endpoint == null ? "" : endpoint;
        attributes = java.util.Collections.unmodifiableMap(
                new java.util.TreeMap<>(attributes == null ? Map.of() : attributes));
    }

    public Optional<Instant> created() {
        return Optional.ofNullable(createdAt);
    }

    public Optional<Instant> updated() {
        return Optional.ofNullable(updatedAt);
    }

    public Deployment withStatus(DeploymentStatus newStatus, String reason) {
        return new Deployment(name, target, variant, newStatus, reason, specHash, endpoint, createdAt, updatedAt,
                attributes);
    }
}
