package dev.mldeploy.image;

import java.util.Objects;

/**
 * A user name and password (or token) for one registry. {@link #toString()} never shows the password.
 *
 * @param username the user name ({@code AWS} for ECR)
 * @param password the password or token
 */
public record RegistryCredential(String username, String password) {
    public RegistryCredential {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (username.isEmpty()) {
            throw new IllegalArgumentException("a registry user name must not be empty");
        }
    }

    @Override
    public String toString() {
        return "RegistryCredential[username=" + username + ", password=****]";
    }
}
