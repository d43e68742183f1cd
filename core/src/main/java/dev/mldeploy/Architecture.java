package dev.mldeploy;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** CPU architecture a model runs on. */
public enum Architecture {
    X86_64("x86_64"),
    ARM64("arm64");

    private final String awsName;

    Architecture(String awsName) {
        this.awsName = awsName;
    }

    /** The name AWS uses ({@code x86_64}, {@code arm64}). */
    public String awsName() {
        return awsName;
    }

    /** Parses {@code x86_64} or {@code arm64} (case-insensitive). */
    public static Architecture parse(String value) {
        for (Architecture a : values()) {
            if (a.awsName.equalsIgnoreCase(value) || a.name().equalsIgnoreCase(value)) {
                return a;
            }
        }
        throw new InvalidSpecException("unknown architecture '" + value + "'; use one of "
                + Arrays.stream(values()).map(Architecture::awsName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return awsName.toLowerCase(Locale.ROOT);
    }
}
