package dev.mldeploy.sagemaker.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.sagemaker.model.Tag;

/**
 * Names and tags of what mldeploy creates on SageMaker and in S3. The endpoint takes the model's name; each model
 * and endpoint config is {@code <name>-<12 hex of the spec fingerprint>}; every resource carries
 * {@code mldeploy:managed=true}, {@code mldeploy:name} and {@code mldeploy:spec-hash}, so any process can find,
 * compare and remove them. Not API.
 */
public final class Naming {
    public static final String TAG_MANAGED = "mldeploy:managed";
    public static final String TAG_NAME = "mldeploy:name";
    public static final String TAG_SPEC_HASH = "mldeploy:spec-hash";
    public static final String TAG_MODE = "mldeploy:variant";
    public static final String TAG_ARTIFACTS = "mldeploy:artifacts";
    /** How many tags mldeploy adds to every resource. */
    public static final int MLDEPLOY_TAGS = 5;
    public static final String SCALING_POLICY = "mldeploy-invocations-per-instance";
    public static final String SCALABLE_DIMENSION = "sagemaker:variant:DesiredInstanceCount";

    private Naming() {
    }

    /** The endpoint's name: the model's. */
    public static String endpointName(String name) {
        return name;
    }

    /** The model's and the endpoint config's name for fingerprint {@code specHash}. */
    public static String versionedName(String name, String specHash) {
        return name + "-" + specHash.substring(0, 12);
    }

    /** Whether {@code resourceName} is a model or config name mldeploy derives from {@code name}. */
    public static boolean isVersionOf(String resourceName, String name) {
        return Pattern.matches(Pattern.quote(name) + "-[0-9a-f]{12}", resourceName);
    }

    /** The S3 key prefix (ending in '/') under which the artifacts of {@code name} live. */
    public static String artifactPrefix(String prefix, String name) {
        return (prefix.isEmpty() ? "" : prefix + "/") + name + "/";
    }

    /** The scalable-target resource id of one variant. */
    public static String scalingResourceId(String endpointName, String variant) {
        return "endpoint/" + endpointName + "/variant/" + variant;
    }

    /** The resource-id prefix of every variant of an endpoint. */
    public static String scalingResourcePrefix(String endpointName) {
        return "endpoint/" + endpointName + "/variant/";
    }

    /** The tags of every resource of a deployment: user tags first, then mldeploy's (which win). */
    public static List<Tag> tags(String name, String specHash, String mode, String artifactsUri,
                                 Map<String, String> userTags) {
        List<Tag> tags = new ArrayList<>();
        tagMap(name, specHash, mode, artifactsUri, userTags).forEach((k, v) -> tags.add(Tag.builder().key(k)
                .value(v).build()));
        return tags;
    }

    /**
     * The same tags as a map. The artifacts tag is {@code s3://<bucket>/<prefix>/<name>/}: its characters are
     * those SageMaker allows in tag values (the prefix is restricted to them) and its length is bounded by the
     * bucket, prefix and name limits.
     */
    public static Map<String, String> tagMap(String name, String specHash, String mode, String artifactsUri,
                                             Map<String, String> userTags) {
        Map<String, String> all = new LinkedHashMap<>(userTags);
        all.put(TAG_MANAGED, "true");
        all.put(TAG_NAME, name);
        all.put(TAG_SPEC_HASH, specHash);
        all.put(TAG_MODE, mode);
        all.put(TAG_ARTIFACTS, artifactsUri);
        return all;
    }

    /** The artifacts location of deployment {@code name}: {@code s3://<bucket>/<prefix>/<name>/}. */
    public static String artifactsUri(String bucket, String prefix, String name) {
        return "s3://" + bucket + "/" + artifactPrefix(prefix, name);
    }

    /** Tags as a map. */
    public static Map<String, String> toMap(List<Tag> tags) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Tag t : tags) {
            m.put(t.key(), t.value());
        }
        return m;
    }

    /** Whether {@code tags} mark a resource mldeploy made for {@code name}. */
    public static boolean isManaged(Map<String, String> tags, String name) {
        return "true".equals(tags.get(TAG_MANAGED)) && name.equals(tags.get(TAG_NAME));
    }
}
