package dev.mldeploy.aws;

import java.net.URI;
import java.util.Objects;

/**
 * What pushing to an ECR registry needs, from {@code GetAuthorizationToken}: where the image bytes go
 * ({@code pushEndpoint}, the registry's proxy endpoint or the test-only {@link EcrRegistryOverride}), the registry
 * host image URIs name, and the user name and password the token decodes to. The password is never printed.
 * Immutable.
 *
 * @param registryHost  {@code <account>.dkr.ecr.<region>.amazonaws.com}, as in the repository URI
 * @param pushEndpoint  {@code https://<registryHost>}, or the override
 * @param username      the token's user ({@code AWS})
 * @param password      the token's password (valid 12 hours)
 */
public record EcrLogin(String registryHost, URI pushEndpoint, String username, String password) {
    public EcrLogin {
        Objects.requireNonNull(registryHost, "registryHost");
        Objects.requireNonNull(pushEndpoint, "pushEndpoint");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    /** Whether the bytes go to plain HTTP (only ever a loopback override). */
    public boolean plainHttp() {
        return "http".equalsIgnoreCase(pushEndpoint.getScheme());
    }

    /** {@code host[:port]} the bytes are pushed to. */
    public String pushAuthority() {
        return pushEndpoint.getRawAuthority();
    }

    @Override
    public String toString() {
        return "EcrLogin{registryHost=" + registryHost + ", pushEndpoint=" + pushEndpoint + ", username=" + username
                + ", password=<hidden>}";
    }
}
