package dev.mldeploy;

/** The model spec (name, source, resources, environment, tags, ...) is invalid; the message says what to change. */
public class InvalidSpecException extends MlDeployException {
    private static final long serialVersionUID = 1L;

    public InvalidSpecException(String message) {
        super(message);
    }

    public InvalidSpecException(String message, Throwable cause) {
        super(message, cause);
    }
}
