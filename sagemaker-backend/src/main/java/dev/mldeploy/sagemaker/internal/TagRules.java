package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.InvalidConfigurationException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * SageMaker's rules for tags, checked before any call so that AWS never refuses a CreateModel,
 * CreateEndpointConfig, CreateEndpoint or AddTags for its tags. Source: botocore's
 * {@code sagemaker/2017-07-24/service-2.json}, shapes {@code TagKey} (1 to 128 characters), {@code TagValue}
 * (0 to 256) with the pattern {@code ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$}, and {@code TagList} (at most 50); keys
 * starting {@code aws:} are AWS's. Not API.
 */
public final class TagRules {
    public static final int MAX_KEY = 128;
    public static final int MAX_VALUE = 256;
    public static final int MAX_TAGS = 50;
    private static final Pattern CHARS = Pattern.compile("^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$");

    private TagRules() {
    }

    /** Whether {@code s} uses only the characters SageMaker allows in tag keys and values. */
    public static boolean allowedChars(String s) {
        return CHARS.matcher(s).matches();
    }

    /**
     * Throws {@link InvalidConfigurationException} for a user tag AWS would refuse or a key mldeploy reserves.
     *
     * @param where where the tag was given ("the sagemaker target", "model 'x'"), for the message
     */
    public static void checkUserTag(String key, String value, String where) {
        String lower = key.toLowerCase(Locale.ROOT);
        if (key.isEmpty() || key.length() > MAX_KEY || !allowedChars(key)) {
            throw new InvalidConfigurationException("tag key '" + key + "' of " + where + " is invalid; SageMaker "
                    + "tag keys are 1 to " + MAX_KEY + " letters, digits, spaces and _ . : / = + - @");
        }
        if (lower.startsWith("aws:") || key.startsWith("mldeploy:")) {
            throw new InvalidConfigurationException("tag key '" + key + "' of " + where + " uses a reserved prefix "
                    + "(aws:, mldeploy:); choose another key");
        }
        checkValue(key, value, where);
    }

    /** Throws {@link InvalidConfigurationException} when {@code value} is not a valid SageMaker tag value. */
    public static void checkValue(String key, String value, String where) {
        if (value.length() > MAX_VALUE || !allowedChars(value)) {
            throw new InvalidConfigurationException("tag '" + key + "' of " + where + " has the value '"
                    + abbreviate(value) + "', which SageMaker refuses; tag values are at most " + MAX_VALUE
                    + " letters, digits, spaces and _ . : / = + - @");
        }
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

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
