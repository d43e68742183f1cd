package dev.mldeploy;

/** Where a deployment stands, in the same words for every target. */
public enum DeploymentStatus {
    /** Being created; not yet serving. */
    CREATING,
    /** Serving the previous configuration while an update is applied. */
    UPDATING,
    /** Serving requests. */
    IN_SERVICE,
    /** Failed; the deployment's {@code statusReason} says why. */
    FAILED,
    /** Recorded but not running (for the local target: its process died). */
    STOPPED,
    /** Being deleted. */
    DELETING
}
