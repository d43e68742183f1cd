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
 * @param httpEndpoint the HTTPS URL non-Java clients call ({@code POST <url>/invocations}) when the deployment has
 *                     an HTTP front door; empty otherwise (see {@link #httpUrl()})
 */
public record Deployment(String name, String target, String variant, DeploymentStatus status, String statusReason,
                         String specHash, String endpoint, Instant createdAt, Instant updatedAt,
                         Map<String, String> attributes, String httpEndpoint) {

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
        httpEndpoint = httpEndpoint == null ? "" : httpEndpoint;
    }

    /** A deployment without an HTTP front door (the form every target used before front doors existed). */
    public Deployment(String name, String target, String variant, DeploymentStatus status, String statusReason,
                      String specHash, String endpoint, Instant createdAt, Instant updatedAt,
                      Map<String, String> attributes) {
        this(name, target, variant, status, statusReason, specHash, endpoint, createdAt, updatedAt, attributes, "");
    }

    /** The HTTPS URL of the deployment's front door, when it has one. */
    public Optional<String> httpUrl() {
        return httpEndpoint.isEmpty() ? Optional.empty() : Optional.of(httpEndpoint);
    }

    /** This deployment with front door URL {@code url} ({@code ""} for none). */
    public Deployment withHttpEndpoint(String url) {
        return new Deployment(name, target, variant, status, statusReason, specHash, endpoint, createdAt, updatedAt,
                attributes, url);
    }

    public Optional<Instant> created() {
        return Optional.ofNullable(createdAt);
    }

    public Optional<Instant> updated() {
        return Optional.ofNullable(updatedAt);
    }

    public Deployment withStatus(DeploymentStatus newStatus, String reason) {
        return new Deployment(name, target, variant, newStatus, reason, specHash, endpoint, createdAt, updatedAt,
                attributes, httpEndpoint);
    }
}
