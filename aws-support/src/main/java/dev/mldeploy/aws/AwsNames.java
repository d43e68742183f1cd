package dev.mldeploy.aws;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * AWS's naming rules that both targets must respect before any call: tags (SageMaker's, Lambda's and IAM's
 * {@code TagKey} 1 to 128 and {@code TagValue} 0 to 256 characters of {@code [\p{L}\p{Z}\p{N}_.:/=+\-@]}, at most
 * {@value #MAX_TAGS} per resource, the {@code aws:} prefix AWS's own; botocore's service models), S3 general purpose
 * bucket names (S3 User Guide, "General purpose bucket naming rules") and IAM role ARNs. Hand-written: the SDK
 * checks none of this client-side. Stateless.
 */
public final class AwsNames {
    public static final int MAX_TAG_KEY = 128;
    public static final int MAX_TAG_VALUE = 256;
    /** Tags on one resource (SageMaker model, endpoint, Lambda function, IAM role). */
    public static final int MAX_TAGS = 50;
    /** mldeploy's own tag keys start with this; users may not set them. */
    public static final String MLDEPLOY_TAG_PREFIX = "mldeploy:";
    private static final Pattern TAG_CHARS = Pattern.compile("^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$");
    /** {@code arn:<partition>:iam::<12 digits>:role/<optional path/><name of 1 to 64>}. */
    private static final Pattern ROLE_ARN = Pattern.compile(
            "^arn:aws(-[a-z]+)*:iam::\\d{12}:role/([\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}$");
    /** What a role ARN looks like, for messages. */
    public static final String ROLE_ARN_FORM = "arn:aws:iam::<12-digit account id>:role/<optional path/><role name>, "
            + "for example arn:aws:iam::123456789012:role/SageMakerExecutionRole";
    private static final Pattern BUCKET = Pattern.compile("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$");
    private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");
    private static final List<String> RESERVED_BUCKET_PREFIXES = List.of("xn--", "sthree-", "amzn-s3-demo-");
    private static final List<String> RESERVED_BUCKET_SUFFIXES = List.of("-s3alias", "--ol-s3", ".mrap", "--x-s3",
            "--table-s3");

    private AwsNames() {
    }

    /** Whether {@code s} uses only the characters AWS allows in tag keys and values. */
    public static boolean tagChars(String s) {
        return TAG_CHARS.matcher(s).matches();
    }

    /** Why AWS would refuse {@code key} as a tag key, or empty. */
    public static Optional<String> tagKeyProblem(String key) {
        if (key.isEmpty() || key.length() > MAX_TAG_KEY || !tagChars(key)) {
            return Optional.of("tag keys are 1 to " + MAX_TAG_KEY + " letters, digits, spaces and _ . : / = + - @");
        }
        if (key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
            return Optional.of("the prefix aws: is reserved by AWS");
        }
        return Optional.empty();
    }

    /** Why AWS would refuse {@code value} as a tag value, or empty. */
    public static Optional<String> tagValueProblem(String value) {
        if (value.length() > MAX_TAG_VALUE || !tagChars(value)) {
            return Optional.of("tag values are at most " + MAX_TAG_VALUE
                    + " letters, digits, spaces and _ . : / = + - @");
        }
        return Optional.empty();
    }

    /**
     * Checks every tag one resource would get ({@code resource}: "function x", "IAM role y"), their number included.
     *
     * @param error builds the exception to throw from its message
     */
    public static <E extends RuntimeException> void checkTags(Map<String, String> tags, String resource,
                                                              Function<String, E> error) {
        if (tags.size() > MAX_TAGS) {
            throw error.apply(resource + " would get " + tags.size() + " tags (the spec's, the target's and "
                    + "mldeploy's own), over AWS's " + MAX_TAGS + " per resource; remove " + (tags.size() - MAX_TAGS)
                    + " of the spec's or the target's tags");
        }
        tags.forEach((k, v) -> {
            tagKeyProblem(k).ifPresent(why -> {
                throw error.apply("tag key '" + printable(k) + "' on " + resource + " is not accepted by AWS: " + why);
            });
            tagValueProblem(v).ifPresent(why -> {
                throw error.apply("the value of tag '" + printable(k) + "' on " + resource + " is not accepted by "
                        + "AWS: " + why + " (was " + v.length() + " characters: '" + printable(abbreviate(v)) + "')");
            });
        });
    }

    /** Whether {@code arn} is an IAM role ARN. */
    public static boolean isRoleArn(String arn) {
        return ROLE_ARN.matcher(arn).matches();
    }

    /** Why S3 would refuse {@code name} as a bucket name, or empty when it is valid. */
    public static Optional<String> bucketProblem(String name) {
        if (name.length() < 3 || name.length() > 63) {
            return Optional.of("S3 bucket names are 3 to 63 characters, not " + name.length() + " characters");
        }
        if (!BUCKET.matcher(name).matches()) {
            return Optional.of("S3 bucket names are 3 to 63 lower-case letters, digits, dots and hyphens, "
                    + "starting and ending with a letter or digit");
        }
        if (name.contains("..")) {
            return Optional.of("S3 bucket names may not contain two adjacent dots");
        }
        if (name.contains(".-") || name.contains("-.")) {
            return Optional.of("S3 bucket names may not have a dot next to a hyphen");
        }
        if (IPV4.matcher(name).matches()) {
            return Optional.of("S3 bucket names may not be formatted as an IP address");
        }
        for (String p : RESERVED_BUCKET_PREFIXES) {
            if (name.startsWith(p)) {
                return Optional.of("S3 reserves the bucket name prefix " + p);
            }
        }
        for (String s : RESERVED_BUCKET_SUFFIXES) {
            if (name.endsWith(s)) {
                return Optional.of("S3 reserves the bucket name suffix " + s);
            }
        }
        return Optional.empty();
    }

    /** {@code s} cut to 40 characters. */
    public static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    /** {@code s} with control characters shown escaped, so that a message stays one line. */
    public static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }
}
