package dev.mldeploy.lambda.internal;

/** The tags mldeploy puts on what it creates, so that any process can find it again. Constants; stateless. */
public final class Tags {
    /** {@code true} on every function and role mldeploy made. */
    public static final String MANAGED = "mldeploy:managed";
    /** The deployment's name. */
    public static final String NAME = "mldeploy:name";
    /** The fingerprint of the spec the function's current configuration came from. */
    public static final String SPEC_HASH = "mldeploy:spec-hash";
    /** {@code true} when mldeploy created the function's execution role (undeploy removes it). */
    public static final String ROLE_CREATED = "mldeploy:role-created";
    /** The bucket holding uploaded packages, when any went through S3. */
    public static final String BUCKET = "mldeploy:bucket";
    /** The alias's description prefix: {@code mldeploy:spec-hash=<hash>}, the spec the alias serves. */
    public static final String ALIAS_HASH_PREFIX = SPEC_HASH + "=";

    private Tags() {
    }

    /** The spec hash an alias or version description holds, or "" when it holds none. */
    public static String hashFromDescription(String description) {
        if (description == null) {
            return "";
        }
        int i = description.indexOf(ALIAS_HASH_PREFIX);
        if (i < 0) {
            return "";
        }
        String rest = description.substring(i + ALIAS_HASH_PREFIX.length());
        int end = 0;
        while (end < rest.length() && Character.isLetterOrDigit(rest.charAt(end))) {
            end++;
        }
        return rest.substring(0, end);
    }
}
