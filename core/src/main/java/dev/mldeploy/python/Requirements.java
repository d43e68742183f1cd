package dev.mldeploy.python;

import dev.mldeploy.InvalidSpecException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A model's {@code requirements.txt}: where it is, its lines and the SHA-256 of its bytes (the cache key of
 * everything resolved from it). pip parses the file itself; this only reads it.
 *
 * @param file    the file
 * @param content its bytes
 */
public record Requirements(Path file, byte[] content) {
    /** The file name mldeploy looks for in the model's directory. */
    public static final String FILE_NAME = "requirements.txt";

    public Requirements {
        Objects.requireNonNull(file, "file");
        content = content.clone();
    }

    /** The model's {@code requirements.txt}, or empty when the directory has none. */
    public static Optional<Requirements> find(Path modelDirectory) {
        Path file = modelDirectory.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Requirements(file, Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new InvalidSpecException("cannot read " + file + ": " + e.getMessage());
        }
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    /** Lowercase hex SHA-256 of the file's bytes. */
    public String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The requirement lines: blank lines and {@code #} comments left out, whitespace trimmed. */
    public List<String> lines() {
        return new String(content, StandardCharsets.UTF_8).lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    /** Whether the file names no requirement at all (only comments or blank lines). */
    public boolean isEmpty() {
        return lines().isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Requirements r && r.file.equals(file) && java.util.Arrays.equals(r.content, content);
    }

    @Override
    public int hashCode() {
        return file.hashCode() * 31 + java.util.Arrays.hashCode(content);
    }

    @Override
    public String toString() {
        return "Requirements{" + file + ", sha256=" + sha256() + "}";
    }

}
