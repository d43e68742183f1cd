package dev.mldeploy.image;

import dev.mldeploy.InvalidSpecException;

/**
 * An image recipe or reference is invalid (a malformed reference, an unknown architecture, an unsafe or duplicate
 * path in the image, a missing file); raised before any registry is contacted. The message says what to change.
 */
public class InvalidImageException extends InvalidSpecException {
    private static final long serialVersionUID = 1L;

    public InvalidImageException(String message) {
        super(message);
    }

    public InvalidImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
