package dev.mldeploy.examples.cli;

import dev.mldeploy.aws.AwsEnvironment;
import dev.mldeploy.spi.TargetContext;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --target}, {@code --timeout} and the AWS connection options, shared by the commands that use a target. */
final class TargetOptions {
    /** The environment key that carries {@code --timeout} to the targets. */
    static final String TIMEOUT_KEY = TargetContext.TIMEOUT;
    @Option(names = "--target", defaultValue = "local", paramLabel = "local|auto|sagemaker|lambda",
            description = "Where the deployment lives: local (default), auto (placement chooses), sagemaker, lambda.")
    String target = "local";

    static final String TIMEOUT_DESCRIPTION = "Give up after this long (90s, 10m, 1h, PT5M; a bare number is "
            + "seconds). Default 30m.";

    @Option(names = "--timeout", defaultValue = "30m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = TIMEOUT_DESCRIPTION)
    Duration timeout = Duration.ofMinutes(30);

    @Option(names = "--endpoint-url", paramLabel = "URL",
            description = "AWS endpoint override, e.g. an emulator at http://127.0.0.1:5000 (AWS_ENDPOINT_URL).")
    String endpointUrl;

    @Option(names = "--region", paramLabel = "REGION", description = "AWS region (AWS_REGION).")
    String region;

    /**
     * The environment keys these options set. {@code MLDEPLOY_TIMEOUT} and {@code MLDEPLOY_CALL_TIMEOUT} (ISO-8601)
     * carry {@code --timeout} to the targets, so they bound their own calls (describe, list, invoke have no
     * per-call timeout in the API).
     */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(TIMEOUT_KEY, timeout.toString());
        env.put(TargetContext.CALL_TIMEOUT, timeout.toString());
        if (endpointUrl != null) {
            env.put(AwsEnvironment.ENDPOINT_URL, endpointUrl);
        }
        if (region != null) {
            env.put(AwsEnvironment.REGION, region);
        }
        return env;
    }
}
