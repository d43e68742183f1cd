package dev.mldeploy;

import java.util.Optional;

/**
 * An update under a {@link RolloutPolicy} was undone before it finished: a rollback alarm went into ALARM (named by
 * {@link #alarm()}), the target rolled it back by itself (SageMaker's automatic rollback, with its FailureReason), or
 * someone ran {@code rollback} during it. The deployment serves its previous version again. On Lambda the new version
 * stays published (unused); on SageMaker the new endpoint config and model are removed, as after any failed update.
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
