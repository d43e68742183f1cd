package dev.mldeploy.aws;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.spi.TargetContext;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * The environment keys both AWS targets read (the CLI maps its flags to them), spelled once, and typed access to
 * them: a malformed value is an {@link InvalidConfigurationException} naming the key and what to give instead. The
 * deadline keys ({@link TargetContext#TIMEOUT}, {@link TargetContext#CALL_TIMEOUT}) stay with the context, which
 * parses them. Stateless.
 */
public final class AwsEnvironment {
    /** The region; {@link #DEFAULT_REGION} is the fallback the AWS CLI also reads. */
    public static final String REGION = "AWS_REGION";
    public static final String DEFAULT_REGION = "AWS_DEFAULT_REGION";
    /** One endpoint for every service (an emulator, a VPC endpoint), as the SDK itself reads it. */
    public static final String ENDPOINT_URL = "AWS_ENDPOINT_URL";
    public static final String ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
    public static final String SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
    public static final String SESSION_TOKEN = "AWS_SESSION_TOKEN";
    public static final String PROFILE = "AWS_PROFILE";
    /** The IAM role the service assumes for the deployment. */
    public static final String ROLE_ARN = "MLDEPLOY_ROLE_ARN";
    /** The S3 bucket for artifacts and packages. */
    public static final String BUCKET = "MLDEPLOY_BUCKET";
    /** {@code true}: create the bucket when it is missing. */
    public static final String CREATE_BUCKET = "MLDEPLOY_CREATE_BUCKET";

    private AwsEnvironment() {
    }

    /** The region named by {@link #REGION}, else {@link #DEFAULT_REGION}. */
    public static Optional<String> region(TargetContext context) {
        return context.env(REGION).or(() -> context.env(DEFAULT_REGION));
    }

    /**
     * The endpoint named by {@link #ENDPOINT_URL}.
     *
     * @throws InvalidConfigurationException it is not an absolute URL with a host
     */
    public static Optional<URI> endpoint(TargetContext context) {
        return context.env(ENDPOINT_URL).map(AwsEnvironment::parseEndpoint);
    }

    /** {@code url} as an endpoint, or an {@link InvalidConfigurationException} naming {@link #ENDPOINT_URL}. */
    public static URI parseEndpoint(String url) {
        try {
            URI uri = URI.create(url.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(ENDPOINT_URL + "='" + url + "' is not a URL; give one such as "
                    + "http://127.0.0.1:5000 (--endpoint-url)", e);
        }
    }

    /**
     * A yes/no key: {@code true}, {@code 1}, {@code yes} or {@code false}, {@code 0}, {@code no}; false when unset.
     *
     * @throws InvalidConfigurationException any other value
     */
    public static boolean flag(TargetContext context, String key) {
        return context.env(key).map(v -> switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new InvalidConfigurationException(key + "='" + v + "' is not true or false");
        }).orElse(false);
    }

    /**
     * A whole-number key.
     *
     * @throws InvalidConfigurationException the value is not a whole number
     */
    public static Optional<Integer> integer(TargetContext context, String key) {
        return context.env(key).map(v -> {
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new InvalidConfigurationException(key + "='" + v + "' is not a whole number", e);
            }
        });
    }
}
