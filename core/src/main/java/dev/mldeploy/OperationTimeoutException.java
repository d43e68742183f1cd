package dev.mldeploy;

/** A wait (for an endpoint, a function, a local process) did not finish before the caller's timeout. */
public class OperationTimeoutException extends MlDeployException {
    private static final long serialVersionUID = 1L;

    public OperationTimeoutException(String message) {
        super(message, null, true);
    }
}
