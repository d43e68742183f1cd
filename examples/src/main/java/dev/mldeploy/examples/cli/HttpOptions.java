package dev.mldeploy.examples.cli;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.aws.http.HttpAccess;
import dev.mldeploy.spi.TargetContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * {@code deploy}'s HTTPS front door options, mapped onto the environment keys both AWS providers read
 * ({@link HttpAccess}): checked here, before any call, with the same rules the providers apply.
 */
final class HttpOptions {
    @Option(names = "--http", description = "[sagemaker, lambda] Give the deployment an HTTPS endpoint for clients "
            + "that are not Java: POST <url>/invocations through API Gateway; describe shows the URL, undeploy "
            + "removes it (MLDEPLOY_HTTP).")
    boolean http;
    @Option(names = "--http-auth", paramLabel = "iam|api-key", description = "[sagemaker, lambda] How HTTPS "
            + "callers authenticate: iam (SigV4-signed, the default) or api-key (an x-api-key header, throttled by "
            + "a usage plan) (MLDEPLOY_HTTP_AUTH). There is no open endpoint.")
    String auth;
    @Option(names = "--http-rate", paramLabel = "RPS", description = "[sagemaker, lambda] With --http-auth "
            + "api-key: steady requests per second the usage plan allows, default 100 (MLDEPLOY_HTTP_RATE).")
    Double rate;
    @Option(names = "--http-burst", paramLabel = "N", description = "[sagemaker, lambda] With --http-auth api-key: "
            + "requests let through at once, default 200 (MLDEPLOY_HTTP_BURST).")
    Integer burst;

    private static final Set<String> TARGETS = Set.of("sagemaker", "lambda");
    private static final Set<String> KNOWN_TARGETS = Set.of("sagemaker", "lambda", "local");

    /** The options given. */
    List<String> given() {
        Map<String, Boolean> set = new LinkedHashMap<>();
        set.put("--http", http);
        set.put("--http-auth", auth != null);
        set.put("--http-rate", rate != null);
        set.put("--http-burst", burst != null);
        return set.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
    }

    /**
     * The environment keys these options set.
     *
     * @throws IllegalArgumentException they contradict each other, ask for an open endpoint, or give a throttle AWS
     *                                  refuses
     */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        if (http) {
            env.put(HttpAccess.HTTP, "true");
        }
        if (auth != null) {
            env.put(HttpAccess.AUTH, auth);
        }
        if (rate != null) {
            env.put(HttpAccess.RATE, rate.toString());
        }
        if (burst != null) {
            env.put(HttpAccess.BURST, burst.toString());
        }
        try {
            HttpAccess.fromEnvironment(new TargetContext(env)); // the providers' own rules, before any call
        } catch (InvalidConfigurationException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return env;
    }

    /**
     * Refuses the options on a target that has no front door: a local deployment already answers at its
     * {@code http://127.0.0.1} URL (describe shows it), so {@code --http} would add nothing.
     *
     * @throws IllegalArgumentException naming the options
     */
    void checkUsedBy(String target, String how) {
        if (!KNOWN_TARGETS.contains(target) || TARGETS.contains(target) || given().isEmpty()) {
            return;
        }
        throw new IllegalArgumentException(String.join(", ", given()) + " (lambda, sagemaker only) "
                + (given().size() == 1 ? "does" : "do") + " nothing on " + how + ": a local deployment already "
                + "answers at its http://127.0.0.1 URL (describe shows it); remove " + (given().size() == 1 ? "it"
                : "them") + " or deploy to sagemaker or lambda");
    }
}
