package dev.mldeploy.image;

import dev.mldeploy.MlDeployException;

/**
 * Building or pushing an image failed after its inputs were checked: the base image is not in its registry, the
 * registry answered an error, a connection or a file failed. {@link #retryable()} is true for I/O failures.
 */
public class ImageBuildException extends MlDeployException {
    private static final long serialVersionUID = 1L;

    public ImageBuildException(String message, Throwable cause, boolean retryable) {
        super(message, cause, retryable);
    }
}
