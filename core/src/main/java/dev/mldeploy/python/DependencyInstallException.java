package dev.mldeploy.python;

import dev.mldeploy.MlDeployException;

import java.util.List;

/**
 * The model's Python dependencies could not be installed or resolved: pip failed, a package has no build for
 * the target's platform, or the interpreter could not make a virtual environment. The message says what to
 * change; {@link #outputTail()} holds the last lines pip printed (credentials in index URLs redacted).
 */
public class DependencyInstallException extends MlDeployException {
    private static final long serialVersionUID = 1L;
    private final List<String> outputTail;

    public DependencyInstallException(String message, List<String> outputTail) {
        this(message, outputTail, null);
    }

    public DependencyInstallException(String message, List<String> outputTail, Throwable cause) {
        super(message + (outputTail.isEmpty() ? "" : "\n--- last lines of pip's output ---\n"
                + String.join("\n", outputTail)), cause, false);
        this.outputTail = List.copyOf(outputTail);
    }

    /** The last lines of the tool's output, oldest first; empty when it printed nothing. */
    public List<String> outputTail() {
        return outputTail;
    }
}
