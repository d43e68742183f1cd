package dev.mldeploy.sagemaker.internal;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * S3's naming rules for general purpose buckets (Amazon S3 User Guide, "General purpose bucket naming rules"):
 * 3 to 63 characters; lower-case letters, digits, dots and hyphens; a letter or digit first and last; no two
 * adjacent dots; not an IP address; none of the prefixes and suffixes S3 reserves. Hand-written: the SDK does not
 * check bucket names. Not API.
 */
public final class BucketNames {
    private static final Pattern CHARS = Pattern.compile("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$");
    private static final Pattern IP = Pattern.compile("^\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$");
    private static final List<String> RESERVED_PREFIXES = List.of("xn--", "sthree-", "amzn-s3-demo-");
    private static final List<String> RESERVED_SUFFIXES = List.of("-s3alias", "--ol-s3", ".mrap", "--x-s3",
            "--table-s3");

    private BucketNames() {
    }

    /** Why S3 would refuse {@code name}, or empty when it is valid. */
    public static Optional<String> problem(String name) {
        if (!CHARS.matcher(name).matches()) {
            return Optional.of("S3 bucket names are 3 to 63 lower-case letters, digits, dots and hyphens, "
                    + "starting and ending with a letter or digit");
        }
        if (name.contains("..")) {
            return Optional.of("S3 bucket names may not contain two adjacent dots");
        }
        if (IP.matcher(name).matches()) {
            return Optional.of("S3 bucket names may not be formatted as an IP address");
        }
        for (String p : RESERVED_PREFIXES) {
            if (name.startsWith(p)) {
                return Optional.of("S3 reserves the bucket name prefix '" + p + "'");
            }
        }
        for (String s : RESERVED_SUFFIXES) {
            if (name.endsWith(s)) {
                return Optional.of("S3 reserves the bucket name suffix '" + s + "'");
            }
        }
        return Optional.empty();
    }
}
