package dev.mldeploy.image;

import dev.mldeploy.InvalidConfigurationException;

/** A registry refused the credentials given (or asked for credentials when none were found). */
public class RegistryAuthenticationException extends InvalidConfigurationException {
    private static final long serialVersionUID = 1L;

    public RegistryAuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
