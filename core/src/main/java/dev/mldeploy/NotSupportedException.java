package dev.mldeploy;

/**
 * The target cannot do what was asked (for example a target without rollback): a capability it lacks, not a
 * failure. Raised before any change; choose another target or another operation.
 */
public class NotSupportedException extends MlDeployException {
    private static final long serialVersionUID = 1L;
    private final String target;
    private final String operation;

    public NotSupportedException(String target, String operation, String message) {
        super(message);
        this.target = target;
        this.operation = operation;
    }

    /** The target's name. */
    public String target() {
        return target;
    }

    /** What it cannot do, for example {@code rollback}. */
    public String operation() {
        return operation;
    }
}
