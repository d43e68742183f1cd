package dev.mldeploy;

/**
 * The deployer or a target is misconfigured: unknown or duplicate target name, missing credentials or region,
 * a malformed role ARN, a missing bucket. Raised before any resource is created.
 */
public class InvalidConfigurationException extends MlDeployException {
    private static final long serialVersionUID = 1L;

    public InvalidConfigurationException(String message) {
        super(message);
    }

    public InvalidConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
