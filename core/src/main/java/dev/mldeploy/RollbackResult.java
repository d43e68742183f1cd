package dev.mldeploy;

import java.util.Objects;

/**
 * What a rollback did: the deployment moved from one version to the one before it. Versions are the target's own
 * words for them: a Lambda version number, a SageMaker endpoint config name, a local spec fingerprint.
 *
 * @param deployment  the deployment as it now stands (running {@code toVersion})
 * @param fromVersion the version it ran before the rollback
 * @param toVersion   the version it runs now
 * @param message     a sentence saying what happened, for people
 */
public record RollbackResult(Deployment deployment, String fromVersion, String toVersion, String message) {

    public RollbackResult {
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(fromVersion, "fromVersion");
        Objects.requireNonNull(toVersion, "toVersion");
        Objects.requireNonNull(message, "message");
    }
}
