package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.sagemaker.SageMakerTarget;
import dev.mldeploy.sagemaker.ServerlessSettings;
import dev.mldeploy.spi.TargetContext;
import java.net.URI;
import java.util.Locale;

/**
 * Configures a {@link SageMakerTarget} from environment keys (the CLI maps its flags to them): {@code MLDEPLOY_ROLE_ARN},
 * {@code MLDEPLOY_BUCKET}, {@code MLDEPLOY_CREATE_BUCKET}, {@code MLDEPLOY_IMAGE},
 * {@code MLDEPLOY_SAGEMAKER_INSTANCE_TYPE}, {@code MLDEPLOY_SAGEMAKER_INSTANCE_COUNT},
 * {@code MLDEPLOY_SAGEMAKER_SERVERLESS_MEMORY_MB}, {@code MLDEPLOY_CALL_TIMEOUT}, {@code MLDEPLOY_TIMEOUT},
 * {@code AWS_ENDPOINT_URL},
 * {@code AWS_REGION}. Not API.
 */
public final class EnvironmentConfig {
    public static final String ROLE_ARN = "MLDEPLOY_ROLE_ARN";
    public static final String BUCKET = "MLDEPLOY_BUCKET";
    public static final String CREATE_BUCKET = "MLDEPLOY_CREATE_BUCKET";
    public static final String IMAGE = "MLDEPLOY_IMAGE";
    public static final String INSTANCE_TYPE = "MLDEPLOY_SAGEMAKER_INSTANCE_TYPE";
    public static final String INSTANCE_COUNT = "MLDEPLOY_SAGEMAKER_INSTANCE_COUNT";
    public static final String SERVERLESS_MEMORY_MB = "MLDEPLOY_SAGEMAKER_SERVERLESS_MEMORY_MB";
    public static final String ENDPOINT_URL = "AWS_ENDPOINT_URL";
    /** The longest one describe, list or invoke call may take: {@code 10s}, {@code 500ms}, {@code 2m} or ISO-8601. */
    public static final String CALL_TIMEOUT = TargetContext.CALL_TIMEOUT;
    /**
     * The longest a deploy or undeploy may take, calls and waits included, when shorter than the caller's (the
     * SPI gives undeploy no timeout of the caller's): same forms as {@link #CALL_TIMEOUT}.
     */
    public static final String TIMEOUT = TargetContext.TIMEOUT;

    private EnvironmentConfig() {
    }

    /** A target configured from {@code context}'s environment. */
    public static SageMakerTarget fromEnvironment(TargetContext context) {
        SageMakerTarget.Builder b = SageMakerTarget.builder();
        context.env("AWS_REGION").or(() -> context.env("AWS_DEFAULT_REGION")).ifPresent(b::region);
        context.env(ENDPOINT_URL).ifPresent(u -> b.endpointOverride(parseUri(u)));
        context.env(ROLE_ARN).ifPresent(b::roleArn);
        context.env(BUCKET).ifPresent(b::bucket);
        context.env(CREATE_BUCKET).ifPresent(v -> b.createBucket(parseBoolean(CREATE_BUCKET, v)));
        context.env(IMAGE).ifPresent(b::image);
        context.env(INSTANCE_TYPE).ifPresent(b::instanceType);
        context.env(INSTANCE_COUNT).ifPresent(v -> b.instanceCount(parseInt(INSTANCE_COUNT, v)));
        context.env(SERVERLESS_MEMORY_MB).ifPresent(v -> b.serverless(ServerlessSettings.of(
                parseInt(SERVERLESS_MEMORY_MB, v))));
        context.duration(CALL_TIMEOUT).ifPresent(b::callTimeout);
        context.duration(TIMEOUT).ifPresent(b::timeout);
        return b.build();
    }

    private static URI parseUri(String v) {
        try {
            URI u = URI.create(v.trim());
            if (u.getScheme() == null || u.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(ENDPOINT_URL + "='" + v + "' is not a URL; give one such as "
                    + "http://127.0.0.1:5000 (--endpoint-url)", e);
        }
    }

    private static int parseInt(String key, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException(key + "='" + v + "' is not a whole number", e);
        }
    }

    private static boolean parseBoolean(String key, String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new InvalidConfigurationException(key + "='" + v + "' is not true or false");
        };
    }
}
