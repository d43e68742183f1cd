package dev.mldeploy.aws;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.spi.TargetContext;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * TEST ONLY: {@value #KEY}{@code =http://127.0.0.1:PORT} sends the image bytes a deploy pushes to that registry
 * instead of the ECR registry {@code GetAuthorizationToken} names, while every ECR API call still goes to the ECR
 * endpoint. An emulator's ECR API (moto) serves no registry, so the tests push to a registry on loopback. Only a
 * loopback host is accepted (127.0.0.0/8, ::1, localhost): the override must never send images, or the ECR
 * credentials that go with them, anywhere else. The image URIs given to Lambda and SageMaker still name the ECR
 * repository. Stateless.
 */
public final class EcrRegistryOverride {
    /** The environment key. */
    public static final String KEY = "MLDEPLOY_ECR_REGISTRY_OVERRIDE";

    private EcrRegistryOverride() {
    }

    /**
     * The override {@code context} sets, if any.
     *
     * @throws InvalidConfigurationException it is not an http(s) URL of a loopback host
     */
    public static Optional<URI> from(TargetContext context) {
        return context.env(KEY).filter(v -> !v.isBlank()).map(EcrRegistryOverride::parse);
    }

    /** {@code url} as a registry override, or an {@link InvalidConfigurationException} saying what to give. */
    public static URI parse(String url) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw invalid(url, "it is not a URL", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw invalid(url, "it is not an http:// or https:// URL with a host", null);
        }
        if (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) {
            throw invalid(url, "a registry is named by scheme, host and port only", null);
        }
        if (!isLoopback(uri.getHost())) {
            throw invalid(url, "only a registry on this machine (127.0.0.1, ::1, localhost) may replace ECR's", null);
        }
        return URI.create(scheme + "://" + uri.getRawAuthority());
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!h.matches("^[0-9.]+$") && !h.contains(":")) {
            return false; // a name other than localhost would need a DNS lookup, which could point anywhere
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static InvalidConfigurationException invalid(String url, String why, Throwable cause) {
        return new InvalidConfigurationException(KEY + "='" + AwsNames.printable(url) + "' is refused: " + why
                + "; it is for tests only (for example http://127.0.0.1:5000), unset it to push to ECR", cause);
    }
}
