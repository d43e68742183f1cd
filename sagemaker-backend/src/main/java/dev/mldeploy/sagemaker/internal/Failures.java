package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.ConflictException;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.OperationTimeoutException;

/** Adds what the cleanup after a failure did (or left) to the failure's message, keeping its type. Not API. */
final class Failures {
    private Failures() {
    }

    /** {@code e} with {@code note} appended (none when empty), as the same mldeploy type where it is one. */
    static RuntimeException withNote(RuntimeException e, String note) {
        if (note.isEmpty()) {
            return e instanceof MlDeployException ? e : new DeploymentFailedException("deploy failed: " + e, e,
                    false);
        }
        String m = e.getMessage() + "; " + note;
        if (e instanceof DeploymentFailedException d) {
            return new DeploymentFailedException(m, d.getCause() == null ? d : d.getCause(), d.retryable());
        }
        if (e instanceof OperationTimeoutException) {
            return new OperationTimeoutException(m);
        }
        if (e instanceof ConflictException) {
            return new ConflictException(m, e.getCause() == null ? e : e.getCause());
        }
        if (e instanceof InvalidConfigurationException) {
            return new InvalidConfigurationException(m, e.getCause() == null ? e : e.getCause());
        }
        if (e.getClass() == MlDeployException.class) {
            return new MlDeployException(m, e.getCause(), ((MlDeployException) e).retryable());
        }
        if (e instanceof MlDeployException) {
            e.addSuppressed(new MlDeployException(note));
            return e;
        }
        return new DeploymentFailedException("deploy failed: " + e + "; " + note, e, false);
    }
}
