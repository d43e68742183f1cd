package dev.mldeploy;

/**
 * A rollback found nothing to go back to: the deployment has only one version, or the previous one can no longer
 * be restored (its model directory is gone, its resources were removed). Nothing was changed; deploy the version
 * wanted instead.
 */
public class NoPreviousVersionException extends MlDeployException {
    private static final long serialVersionUID = 1L;
    private final String deploymentName;

    public NoPreviousVersionException(String deploymentName, String message) {
        super(message);
        this.deploymentName = deploymentName;
    }

    public String deploymentName() {
        return deploymentName;
    }
}
