package dev.mldeploy.image;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parsed image reference {@code [registry/]repository[:tag][@digest]}, checked against the grammar of the
 * distribution registry ({@code distribution/reference}): lower-case path components, a tag of at most 128 word
 * characters, dots and dashes, a {@code sha256:} digest of 64 hex digits. A first component with a dot or a colon,
 * or {@code localhost}, names the registry; otherwise the registry is Docker Hub ({@code registry-1.docker.io},
 * {@code library/} added to one-component names). With neither tag nor digest the tag is {@code latest}.
 *
 * @param registry   the registry host, with {@code :port} when given ({@code 127.0.0.1:5000}, {@code [::1]:5000})
 * @param repository the repository ({@code lambda/python})
 * @param tag        the tag, empty when only a digest was given
 * @param digest     the digest ({@code sha256:...}), empty when not given
 */
public record ImageReference(String registry, String repository, String tag, String digest) {
    /** Docker Hub's registry host. */
    public static final String DOCKER_HUB = "registry-1.docker.io";
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern HOST = Pattern.compile(
            "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
                    + "|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?");
    private static final int MAX_NAME = 255;

    public ImageReference {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        tag = tag == null ? "" : tag;
        digest = digest == null ? "" : digest;
        if (!HOST.matcher(registry).matches()) {
            throw new InvalidImageException("'" + registry + "' is not a registry host[:port]");
        }
        for (String c : repository.split("/", -1)) {
            if (!COMPONENT.matcher(c).matches()) {
                throw new InvalidImageException("repository '" + repository + "' has an invalid component '" + c
                        + "': use lower-case letters, digits and single '.', '_', '__' or '-' between them");
            }
        }
        if (registry.length() + 1 + repository.length() > MAX_NAME) {
            throw new InvalidImageException("image name '" + registry + "/" + repository + "' is longer than "
                    + MAX_NAME + " characters");
        }
        if (!tag.isEmpty() && !TAG.matcher(tag).matches()) {
            throw new InvalidImageException("tag '" + tag + "' is invalid: up to 128 letters, digits, '_', '.', '-',"
                    + " not starting with '.' or '-'");
        }
        if (!digest.isEmpty() && !DIGEST.matcher(digest).matches()) {
            throw new InvalidImageException("digest '" + digest + "' is invalid: use sha256: and 64 lower-case hex"
                    + " digits");
        }
        if (tag.isEmpty() && digest.isEmpty()) {
            tag = "latest";
        }
    }

    /**
     * Parses {@code reference}.
     *
     * @throws InvalidImageException when it is not a valid reference, saying which part is wrong
     */
    public static ImageReference parse(String reference) {
        Objects.requireNonNull(reference, "reference");
        String s = reference.trim();
        if (s.isEmpty() || !s.equals(reference) || s.chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidImageException("image reference '" + reference + "' is empty or has spaces; use "
                    + "[registry/]repository[:tag][@sha256:digest], e.g. 127.0.0.1:5000/models/iris:1");
        }
        String digest = "";
        int at = s.indexOf('@');
        if (at >= 0) {
            digest = s.substring(at + 1);
            s = s.substring(0, at);
        }
        String tag = "";
        int slash = s.lastIndexOf('/');
        int colon = s.lastIndexOf(':');
        if (colon > slash) {
            tag = s.substring(colon + 1);
            s = s.substring(0, colon);
            if (tag.isEmpty()) {
                throw new InvalidImageException("image reference '" + reference + "' has an empty tag after ':'");
            }
        }
        String registry;
        String repository;
        int first = s.indexOf('/');
        String head = first < 0 ? s : s.substring(0, first);
        if (first >= 0 && (head.contains(".") || head.contains(":") || head.equals("localhost")
                || head.startsWith("["))) {
            registry = head;
            repository = s.substring(first + 1);
        } else {
            registry = DOCKER_HUB;
            repository = first < 0 ? "library/" + s : s;
        }
        if (repository.isEmpty()) {
            throw new InvalidImageException("image reference '" + reference + "' names no repository");
        }
        try {
            return new ImageReference(registry, repository, tag, digest);
        } catch (InvalidImageException e) {
            throw new InvalidImageException("image reference '" + reference + "': " + e.getMessage());
        }
    }

    /** The same repository at {@code newDigest} (the tag dropped). */
    public ImageReference withDigest(String newDigest) {
        return new ImageReference(registry, repository, "", newDigest);
    }

    /** The same repository with tag {@code newTag} (the digest dropped). */
    public ImageReference withTag(String newTag) {
        return new ImageReference(registry, repository, Objects.requireNonNull(newTag, "newTag"), "");
    }

    /** The tag, when the reference has one. */
    public Optional<String> tagIfAny() {
        return tag.isEmpty() ? Optional.empty() : Optional.of(tag);
    }

    /** The digest, when the reference has one. */
    public Optional<String> digestIfAny() {
        return digest.isEmpty() ? Optional.empty() : Optional.of(digest);
    }

    /** The registry's host without its port ({@code ::1} for {@code [::1]:5000}). */
    public String host() {
        String r = registry;
        if (r.startsWith("[")) {
            return r.substring(1, r.indexOf(']'));
        }
        int c = r.indexOf(':');
        return (c < 0 ? r : r.substring(0, c)).toLowerCase(Locale.ROOT);
    }

    /** Whether the registry is on loopback ({@code 127.0.0.1}, {@code localhost}, {@code ::1}): the only plain-HTTP ones. */
    public boolean isLoopback() {
        String h = host();
        return h.equals("127.0.0.1") || h.equals("localhost") || h.equals("::1")
                || h.equals("0:0:0:0:0:0:0:1");
    }

    /** {@code registry/repository[:tag][@digest]}. */
    @Override
    public String toString() {
        return registry + "/" + repository + (tag.isEmpty() ? "" : ":" + tag) + (digest.isEmpty() ? "" : "@" + digest);
    }
}
