package dev.mldeploy.lambda.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.lambda.LambdaTarget;
import dev.mldeploy.spi.EnvironmentConfiguredProvider;
import dev.mldeploy.spi.TargetContext;
import dev.mldeploy.spi.TargetProvider;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code lambda} provider {@link java.util.ServiceLoader} finds. It configures a {@link LambdaTarget} from the
 * environment the deployer passes (the CLI's flags arrive as these keys): {@code MLDEPLOY_ROLE_ARN},
 * {@code MLDEPLOY_LAMBDA_CREATE_ROLE}, {@code MLDEPLOY_BUCKET}, {@code MLDEPLOY_CREATE_BUCKET},
 * {@code MLDEPLOY_LAMBDA_PROVISIONED_CONCURRENCY}, {@code MLDEPLOY_LAMBDA_RUNTIME}, {@code MLDEPLOY_CALL_TIMEOUT} (describe,
 * list, invoke) and {@code MLDEPLOY_TIMEOUT} (deploy, undeploy); {@code AWS_ENDPOINT_URL}, region
 * and credentials are read when the clients are built. Stateless; thread-safe.
 */
public final class LambdaTargetProvider extends EnvironmentConfiguredProvider {
    public static final String ROLE_ARN = "MLDEPLOY_ROLE_ARN";
    public static final String CREATE_ROLE = "MLDEPLOY_LAMBDA_CREATE_ROLE";
    public static final String BUCKET = "MLDEPLOY_BUCKET";
    public static final String CREATE_BUCKET = "MLDEPLOY_CREATE_BUCKET";
    public static final String PROVISIONED = "MLDEPLOY_LAMBDA_PROVISIONED_CONCURRENCY";
    public static final String RUNTIME = "MLDEPLOY_LAMBDA_RUNTIME";

    /** For {@link java.util.ServiceLoader}. */
    public LambdaTargetProvider() {
        super(LambdaTarget.builder().build());
    }

    @Override
    protected TargetProvider fromEnvironment(TargetContext context) {
        return configure(context);
    }

    /**
     * The configuration the environment describes.
     *
     * @throws InvalidConfigurationException a value is malformed
     */
    public static LambdaTarget configure(TargetContext context) {
        LambdaTarget.Builder b = LambdaTarget.builder();
        context.env(ROLE_ARN).ifPresent(b::roleArn);
        boolean createRole = flag(context, CREATE_ROLE);
        if (createRole && context.env(ROLE_ARN).isPresent()) {
            throw new InvalidConfigurationException(ROLE_ARN + " and " + CREATE_ROLE + "=true are both set; give "
                    + "a role ARN or ask for a new role, not both");
        }
        b.createRole(createRole);
        context.env(BUCKET).ifPresent(b::bucket);
        b.createBucket(flag(context, CREATE_BUCKET));
        context.env(RUNTIME).ifPresent(b::runtime);
        context.duration(TargetContext.CALL_TIMEOUT).ifPresent(b::callTimeout);
        context.duration(TargetContext.TIMEOUT).ifPresent(b::operationTimeout);
        context.env(PROVISIONED).ifPresent(v -> {
            try {
                b.provisionedConcurrency(Integer.parseInt(v.trim()));
            } catch (NumberFormatException e) {
                throw new InvalidConfigurationException(PROVISIONED + "='" + v + "' is not a whole number", e);
            }
        });
        return b.build();
    }

    private static boolean flag(TargetContext context, String key) {
        Optional<String> v = context.env(key);
        if (v.isEmpty()) {
            return false;
        }
        String s = v.get().trim().toLowerCase(java.util.Locale.ROOT);
        if (Map.of("true", true, "1", true, "yes", true, "false", false, "0", false, "no", false).containsKey(s)) {
            return s.equals("true") || s.equals("1") || s.equals("yes");
        }
        throw new InvalidConfigurationException(key + "='" + v.get() + "' is not true or false");
    }
}
