package dev.mldeploy.aws;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Amazon ECR's naming rules, checked before any call (the SDK checks none of them client-side), and the names
 * mldeploy gives what it pushes: a repository {@code mldeploy/<target>/<deployment name in lower case>} per
 * deployment, and image tags {@code mldeploy-<16 hex of the spec hash>}, the prefix by which undeploy tells
 * mldeploy's images from others. Repository names are 2 to 256 characters of {@code [a-z0-9]} parts joined by
 * {@code .}, {@code _}, {@code __} or dashes, in {@code /}-separated components (botocore's ECR service model,
 * {@code RepositoryName}); tags are Docker's ({@code [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}}); digests
 * {@code sha256:<64 hex>}. Stateless.
 */
public final class EcrNames {
    public static final int MIN_REPOSITORY = 2;
    public static final int MAX_REPOSITORY = 256;
    /** Every image tag mldeploy pushes starts with this. */
    public static final String TAG_PREFIX = "mldeploy-";
    private static final String COMPONENT = "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*";
    private static final Pattern REPOSITORY = Pattern.compile("^" + COMPONENT + "(/" + COMPONENT + ")*$");
    private static final Pattern TAG = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$");
    private static final Pattern DIGEST = Pattern.compile("^sha256:[0-9a-f]{64}$");

    private EcrNames() {
    }

    /** Why ECR would refuse {@code name} as a repository name, or empty when it is valid. */
    public static Optional<String> repositoryProblem(String name) {
        if (name.length() < MIN_REPOSITORY || name.length() > MAX_REPOSITORY) {
            return Optional.of("ECR repository names are " + MIN_REPOSITORY + " to " + MAX_REPOSITORY
                    + " characters, not " + name.length());
        }
        if (!REPOSITORY.matcher(name).matches()) {
            return Optional.of("ECR repository names are lower-case letters and digits in parts joined by '.', "
                    + "'_', '__' or '-', in components separated by '/', each starting and ending with a letter or "
                    + "digit");
        }
        return Optional.empty();
    }

    /**
     * The repository mldeploy pushes the images of deployment {@code name} of {@code target} to, checked.
     *
     * @param error builds the exception to throw when ECR would refuse the name (the advice says to rename)
     */
    public static <E extends RuntimeException> String repositoryFor(String target, String name,
                                                                    Function<String, E> error) {
        String repository = "mldeploy/" + target + "/" + name.toLowerCase(Locale.ROOT);
        repositoryProblem(repository).ifPresent(why -> {
            throw error.apply("model '" + AwsNames.printable(name) + "' would be pushed to the ECR repository '"
                    + AwsNames.printable(repository) + "', which ECR refuses: " + why + "; rename the model (for "
                    + "example without '_' next to '-', or three '_' in a row)");
        });
        return repository;
    }

    /** The tag mldeploy pushes the image of spec fingerprint {@code specHash} (hex) under. */
    public static String imageTag(String specHash) {
        String tag = TAG_PREFIX + specHash.substring(0, Math.min(16, specHash.length()));
        if (!TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("not a spec hash: " + specHash);
        }
        return tag;
    }

    /** Whether {@code tag} is one mldeploy pushes. */
    public static boolean isMldeployTag(String tag) {
        return tag != null && tag.startsWith(TAG_PREFIX);
    }

    /** Whether {@code digest} is an image digest ({@code sha256:<64 lower-case hex>}). */
    public static boolean isDigest(String digest) {
        return digest != null && DIGEST.matcher(digest).matches();
    }

    /** {@code <repositoryUri>@<digest>}: the image by digest, as Lambda and SageMaker are given it. */
    public static String byDigest(String repositoryUri, String digest) {
        if (!isDigest(digest)) {
            throw new IllegalArgumentException("not an image digest: " + digest);
        }
        return repositoryUri + "@" + digest;
    }

    /** The digest of an image URI that names one ({@code ...@sha256:...}), or empty. */
    public static Optional<String> digestOf(String imageUri) {
        if (imageUri == null) {
            return Optional.empty();
        }
        int at = imageUri.lastIndexOf('@');
        return at < 0 ? Optional.empty() : Optional.of(imageUri.substring(at + 1)).filter(EcrNames::isDigest);
    }
}
