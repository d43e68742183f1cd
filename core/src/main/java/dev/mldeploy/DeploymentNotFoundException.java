package dev.mldeploy;

/** No deployment with that name exists on the target asked. */
public class DeploymentNotFoundException extends MlDeployException {
    private static final long serialVersionUID = 1L;
    private final String deploymentName;

    public DeploymentNotFoundException(String deploymentName, String message) {
        super(message);
        this.deploymentName = deploymentName;
    }

    public String deploymentName() {
        return deploymentName;
    }
}
