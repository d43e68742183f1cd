package dev.mldeploy.bundle;

import dev.mldeploy.ModelSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fingerprint of what a deployment runs: the model directory's packaged content ({@link SourceTree#sha256()}:
 * excluded files such as {@code .env} do not count), the adapter, the Python version, resources, environment, tags,
 * features and the spec's excludes, plus the target's own settings (instance type, memory, ...).
 * The traffic profile is left out: it informs placement and cost, not what runs. Equal fingerprints mean
 * "nothing to change".
 */
public final class SpecFingerprint {
    private SpecFingerprint() {
    }

    /** The fingerprint of {@code spec} with the target's {@code settings}; 64 hex characters. */
    public static String of(ModelSpec spec, SourceTree tree, Map<String, String> settings) {
        Map<String, String> parts = new TreeMap<>();
        parts.put("source", tree.sha256());
        parts.put("adapter", AdapterFiles.sha256());
        parts.put("python", spec.pythonVersion());
        parts.put("resources", spec.resources().toString());
        parts.put("features", spec.features().toString());
        if (!spec.excludes().isEmpty()) {
            // only when given, so that specs without excludes keep the fingerprints they had
            parts.put("excludes", String.join("\n", spec.excludes()));
        }
        spec.environment().forEach((k, v) -> parts.put("env." + k, v));
        spec.tags().forEach((k, v) -> parts.put("tag." + k, v));
        settings.forEach((k, v) -> parts.put("target." + k, v));
        MessageDigest md = SourceTree.newSha256();
        parts.forEach((k, v) -> {
            md.update(k.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(v.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
        });
        return HexFormat.of().formatHex(md.digest());
    }

    /** A short form (first 12 hex characters) for resource names. */
    public static String shortForm(String fingerprint) {
        return fingerprint.substring(0, Math.min(12, fingerprint.length()));
    }
}
