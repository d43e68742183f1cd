package dev.mldeploy.aws.http;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.aws.AwsEnvironment;
import dev.mldeploy.spi.TargetContext;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How a deployment's HTTPS front door lets clients in: {@link Auth#IAM} (SigV4-signed requests from principals
 * allowed {@code execute-api:Invoke}; the default), or {@link Auth#API_KEY} (an {@code x-api-key} header, with a
 * usage plan that throttles to {@code rateLimit} requests per second and bursts of {@code burstLimit}). There is no
 * open option: a model endpoint anyone on the internet may call runs up the owner's bill and exposes the model, and
 * nothing mldeploy deploys needs it (a public client can go through an API key it is given). Immutable.
 *
 * @param auth       how callers authenticate
 * @param rateLimit  steady requests per second the usage plan allows (API key only; 0 with IAM)
 * @param burstLimit requests the usage plan lets through at once (API key only; 0 with IAM)
 */
public record HttpAccess(Auth auth, double rateLimit, int burstLimit) {
    /** Environment key: {@code true} gives the deployment a front door. */
    public static final String HTTP = "MLDEPLOY_HTTP";
    /** Environment key: {@code iam} (default) or {@code api-key}. */
    public static final String AUTH = "MLDEPLOY_HTTP_AUTH";
    /** Environment key: the usage plan's steady rate, requests per second (API key only). */
    public static final String RATE = "MLDEPLOY_HTTP_RATE";
    /** Environment key: the usage plan's burst (API key only). */
    public static final String BURST = "MLDEPLOY_HTTP_BURST";
    /** The usage plan's rate when none is given. */
    public static final double DEFAULT_RATE = 100;
    /** The usage plan's burst when none is given. */
    public static final int DEFAULT_BURST = 200;
    /** API Gateway's default account-level throttle in a region: a usage plan cannot exceed it. */
    public static final double MAX_RATE = 10_000;
    public static final int MAX_BURST = 5_000;

    /** How callers authenticate to the front door. */
    public enum Auth {
        /** SigV4-signed requests, allowed by the caller's IAM policy ({@code execute-api:Invoke}). */
        IAM("iam"),
        /** An {@code x-api-key} header carrying the key mldeploy created, throttled by its usage plan. */
        API_KEY("api-key");

        private final String option;

        Auth(String option) {
            this.option = option;
        }

        /** The spelling on the command line and in {@link #AUTH}. */
        public String option() {
            return option;
        }
    }

    /**
     * Checks the values.
     *
     * @throws InvalidConfigurationException a throttle AWS would refuse, or a throttle with IAM auth
     */
    public HttpAccess {
        Objects.requireNonNull(auth, "auth");
        if (auth == Auth.IAM && (rateLimit != 0 || burstLimit != 0)) {
            throw new InvalidConfigurationException("throttling (rate " + rateLimit + ", burst " + burstLimit
                    + ") is a usage plan's and needs API key auth; use --http-auth api-key "
                    + "(HttpAccess.apiKey(rate, burst)) or drop --http-rate / --http-burst");
        }
        if (auth == Auth.API_KEY) {
            if (!(rateLimit > 0) || rateLimit > MAX_RATE || Double.isNaN(rateLimit)) {
                throw new InvalidConfigurationException("HTTP rate limit " + rateLimit + " requests per second is "
                        + "invalid; give more than 0 and at most " + (long) MAX_RATE + " (API Gateway's account "
                        + "limit) (--http-rate, " + RATE + ")");
            }
            if (burstLimit < 1 || burstLimit > MAX_BURST) {
                throw new InvalidConfigurationException("HTTP burst limit " + burstLimit + " is invalid; give 1 to "
                        + MAX_BURST + " (API Gateway's account limit) (--http-burst, " + BURST + ")");
            }
        }
    }

    /** IAM auth: callers sign with SigV4 and need {@code execute-api:Invoke} on the API. */
    public static HttpAccess iam() {
        return new HttpAccess(Auth.IAM, 0, 0);
    }

    /** API key auth with a usage plan of {@value #DEFAULT_RATE} requests per second, bursts of {@value #DEFAULT_BURST}. */
    public static HttpAccess apiKey() {
        return apiKey(DEFAULT_RATE, DEFAULT_BURST);
    }

    /** API key auth with a usage plan of {@code rateLimit} requests per second and bursts of {@code burstLimit}. */
    public static HttpAccess apiKey(double rateLimit, int burstLimit) {
        return new HttpAccess(Auth.API_KEY, rateLimit, burstLimit);
    }

    /**
     * The front door the environment asks for ({@link #HTTP}, {@link #AUTH}, {@link #RATE}, {@link #BURST}), if any.
     *
     * @throws InvalidConfigurationException a malformed value, {@code none} auth, or auth / throttle keys without
     *                                       {@link #HTTP}
     */
    public static Optional<HttpAccess> fromEnvironment(TargetContext context) {
        boolean http = AwsEnvironment.flag(context, HTTP);
        Optional<String> auth = context.env(AUTH).map(a -> a.trim().toLowerCase(Locale.ROOT));
        Optional<String> rate = context.env(RATE);
        Optional<Integer> burst = AwsEnvironment.integer(context, BURST);
        if (!http) {
            if (auth.isPresent() || rate.isPresent() || burst.isPresent()) {
                throw new InvalidConfigurationException(AUTH + ", " + RATE + " and " + BURST + " configure the "
                        + "HTTPS front door, which is off; add --http (" + HTTP + "=true) or drop them");
            }
            return Optional.empty();
        }
        Auth a = auth.map(HttpAccess::parseAuth).orElse(Auth.IAM);
        if (a == Auth.IAM) {
            if (rate.isPresent() || burst.isPresent()) {
                throw new InvalidConfigurationException("--http-rate / --http-burst (" + RATE + ", " + BURST
                        + ") throttle an API key's usage plan; add --http-auth api-key or drop them");
            }
            return Optional.of(iam());
        }
        return Optional.of(apiKey(rate.map(HttpAccess::parseRate).orElse(DEFAULT_RATE),
                burst.orElse(DEFAULT_BURST)));
    }

    /**
     * {@code iam} or {@code api-key}.
     *
     * @throws InvalidConfigurationException anything else; {@code none} with why there is no open front door
     */
    public static Auth parseAuth(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (Auth a : Auth.values()) {
            if (a.option.equals(v)) {
                return a;
            }
        }
        if (v.equals("none") || v.equals("open")) {
            throw new InvalidConfigurationException("HTTP auth '" + value + "' is refused: mldeploy never makes a "
                    + "model endpoint anyone may call; use iam (signed requests) or api-key (a key and a usage plan "
                    + "you hand to the client)");
        }
        throw new InvalidConfigurationException("HTTP auth '" + value + "' is unknown; use iam or api-key (--http-auth, "
                + AUTH + ")");
    }

    private static double parseRate(String value) {
        try {
            return new BigDecimal(value.trim()).doubleValue();
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException(RATE + "='" + value + "' is not a number of requests per second",
                    e);
        }
    }
}
