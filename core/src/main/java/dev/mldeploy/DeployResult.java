package dev.mldeploy;

import java.util.Objects;
import java.util.Optional;

/**
 * What a deploy did.
 *
 * @param deployment the deployment as it now stands
 * @param change     whether it was created, updated in place, or left unchanged
 * @param message    a sentence saying what happened, for people
 * @param placement  the placement decision, when the target was chosen by placement or checked against it
 */
public record DeployResult(Deployment deployment, Change change, String message, PlacementDecision placement) {

    /** What a deploy changed. */
    public enum Change {
        /** Nothing existed under that name; it was created. */
        CREATED,
        /** The spec changed; the deployment was updated in place. */
        UPDATED,
        /** The spec is the one deployed; no change was made. */
        UNCHANGED
    }

    public DeployResult {
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(message, "message");
    }

    public Optional<PlacementDecision> placementDecision() {
        return Optional.ofNullable(placement);
    }

    public DeployResult withPlacement(PlacementDecision decision) {
        return new DeployResult(deployment, change, message, decision);
    }
}
