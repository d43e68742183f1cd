package dev.mldeploy.image;

import dev.mldeploy.InvalidConfigurationException;

/**
 * Plain HTTP was asked for (or needed) with a registry that is not on loopback. mldeploy talks plain HTTP only to
 * {@code 127.0.0.1}, {@code localhost} and {@code ::1}: anything else would send layers and credentials in the
 * clear. Raised before any registry is contacted, or when a loopback-only build meets a registry without TLS.
 */
public class InsecureRegistryException extends InvalidConfigurationException {
    private static final long serialVersionUID = 1L;

    public InsecureRegistryException(String message) {
        super(message);
    }

    public InsecureRegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
