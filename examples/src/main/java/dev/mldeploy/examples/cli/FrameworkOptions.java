package dev.mldeploy.examples.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --framework} and {@code --framework-version} of {@code plan} and {@code package}: the same options, keys
 * and checks as {@code deploy}'s ({@link BackendOptions}), which the sagemaker provider reads.
 */
final class FrameworkOptions {
    static final String FRAMEWORK = "MLDEPLOY_SAGEMAKER_FRAMEWORK";
    static final String FRAMEWORK_VERSION = "MLDEPLOY_SAGEMAKER_FRAMEWORK_VERSION";

    @Option(names = "--framework", paramLabel = "sklearn|pytorch|xgboost", description = "[sagemaker] AWS's prebuilt "
            + "serving image the model would run on; default sklearn for CPU models, pytorch for GPU "
            + "(MLDEPLOY_SAGEMAKER_FRAMEWORK).")
    String framework;
    @Option(names = "--framework-version", paramLabel = "VERSION", description = "[sagemaker] The prebuilt image's "
            + "framework version, e.g. 1.2-1 or 2.6; default the newest mldeploy knows "
            + "(MLDEPLOY_SAGEMAKER_FRAMEWORK_VERSION).")
    String frameworkVersion;

    boolean given() {
        return framework != null || frameworkVersion != null;
    }

    /**
     * Refuses the options for a target other than sagemaker, with deploy's words.
     *
     * @throws IllegalArgumentException naming the options and the target
     */
    void checkUsedBy(String target, String how) {
        if (!given() || target == null || "sagemaker".equals(target) || !(target.equals("lambda")
                || target.equals("local"))) {
            return;
        }
        String options = framework != null && frameworkVersion != null ? "--framework (sagemaker only), "
                + "--framework-version (sagemaker only) do" : (framework != null ? "--framework" : "--framework-version")
                + " (sagemaker only) does";
        throw new IllegalArgumentException(options + " nothing on " + how + "; remove "
                + (framework != null && frameworkVersion != null ? "them" : "it") + " or use --target sagemaker");
    }

    /** The environment keys the options set. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        if (framework != null) {
            env.put(FRAMEWORK, framework);
        }
        if (frameworkVersion != null) {
            env.put(FRAMEWORK_VERSION, frameworkVersion);
        }
        return env;
    }
}
