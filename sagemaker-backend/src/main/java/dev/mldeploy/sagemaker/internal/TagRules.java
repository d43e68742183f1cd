package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.aws.AwsNames;
import java.util.Map;

/**
 * AWS's tag rules ({@link AwsNames}) as SageMaker's checks say them, before any CreateModel, CreateEndpointConfig,
 * CreateEndpoint or AddTags, plus the prefix mldeploy reserves for its own tags. Not API.
 */
public final class TagRules {
    public static final int MAX_KEY = AwsNames.MAX_TAG_KEY;
    public static final int MAX_VALUE = AwsNames.MAX_TAG_VALUE;
    public static final int MAX_TAGS = AwsNames.MAX_TAGS;

    private TagRules() {
    }

    /** Whether {@code s} uses only the characters SageMaker allows in tag keys and values. */
    public static boolean allowedChars(String s) {
        return AwsNames.tagChars(s);
    }

    /**
     * Throws {@link InvalidConfigurationException} for a user tag AWS would refuse or a key mldeploy reserves.
     *
     * @param where where the tag was given ("the sagemaker target", "model 'x'"), for the message
     */
    public static void checkUserTag(String key, String value, String where) {
        AwsNames.tagKeyProblem(key).ifPresent(why -> {
            throw new InvalidConfigurationException("tag key '" + AwsNames.printable(key) + "' of " + where
                    + " is invalid; " + why);
        });
        if (key.startsWith(AwsNames.MLDEPLOY_TAG_PREFIX)) {
            throw new InvalidConfigurationException("tag key '" + key + "' of " + where + " uses a reserved prefix "
                    + "(aws:, mldeploy:); choose another key");
        }
        checkValue(key, value, where);
    }

    /** Throws {@link InvalidConfigurationException} when {@code value} is not a valid SageMaker tag value. */
    public static void checkValue(String key, String value, String where) {
        AwsNames.tagValueProblem(value).ifPresent(why -> {
            throw new InvalidConfigurationException("tag '" + key + "' of " + where + " has the value '"
                    + AwsNames.printable(AwsNames.abbreviate(value)) + "', which SageMaker refuses; " + why);
        });
    }

    /** Throws when {@code all} (every tag one resource would get) has more than SageMaker allows. */
    public static void checkCount(Map<String, String> all, int userTags, String name) {
        if (all.size() > MAX_TAGS) {
            throw new InvalidConfigurationException("deployment '" + name + "' would carry " + all.size()
                    + " tags (" + userTags + " from the target and the spec, " + (all.size() - userTags)
                    + " of mldeploy's); SageMaker allows " + MAX_TAGS + " per resource: drop "
                    + (all.size() - MAX_TAGS));
        }
    }
}
