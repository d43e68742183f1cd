package dev.mldeploy;

import java.util.Optional;

/**
 * An update under a {@link RolloutPolicy} was undone before it finished: a rollback alarm went into ALARM (named by
 * {@link #alarm()}), the target rolled it back by itself (SageMaker's automatic rollback, with its FailureReason), or
 * someone ran {@code rollback} during it. The deployment serves its previous version again; the new version is kept
 * (a Lambda version, a SageMaker endpoint config) so that a fixed deploy or a later rollout can be made.
 */
public class RolloutRolledBackException extends DeploymentFailedException {
    private static final long serialVersionUID = 1L;
    private final String deploymentName;
    private final String alarm;

    public RolloutRolledBackException(String deploymentName, String alarm, String message) {
        super(message);
        this.deploymentName = deploymentName;
        this.alarm = alarm;
    }

    public String deploymentName() {
        return deploymentName;
    }

    /** The alarm that was in ALARM, when known. */
    public Optional<String> alarm() {
        return Optional.ofNullable(alarm);
    }
}
