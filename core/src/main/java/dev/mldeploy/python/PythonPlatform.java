package dev.mldeploy.python;

import dev.mldeploy.Architecture;
import dev.mldeploy.InvalidSpecException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The platform Python packages are resolved for: a CPython version, a machine and the wheel platform tags it can
 * load, most specific first (the order pip is given them in).
 *
 * <p>{@link #lambda(String, Architecture)} knows which glibc each Lambda Python runtime has. Source: the AWS Lambda
 * runtimes page (docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html) puts python3.12 and later on Amazon Linux
 * 2023 and python3.9 to python3.11 on Amazon Linux 2; Amazon Linux 2023 ships glibc 2.34, Amazon Linux 2 glibc 2.26
 * (Amazon Linux release notes). aws-facts.md lists the runtimes but not their glibc. A wheel tagged
 * {@code manylinux_2_N} needs glibc 2.N or newer, so the tags run from {@code manylinux_2_<glibc>} down to
 * {@code manylinux_2_17} and its legacy alias {@code manylinux2014}, the oldest level built for aarch64 and the one
 * AWS documents. {@code linux_<machine>} (a wheel built on some machine, for that machine alone) is never included.
 *
 * @param pythonVersion CPython {@code 3.N}, for example {@code 3.12}
 * @param machine       {@code x86_64} or {@code aarch64}, as wheel tags spell it
 * @param platformTags  the platform tags, most specific first; at least one
 */
public record PythonPlatform(String pythonVersion, String machine, List<String> platformTags) {
    private static final Pattern VERSION = Pattern.compile("^3\\.(\\d{1,2})$");
    /** Oldest manylinux level listed: manylinux2014 is its alias, and aarch64 has nothing older. */
    private static final int OLDEST_GLIBC_MINOR = 17;
    /** glibc of Amazon Linux 2023 (python3.12 and later). */
    private static final int AL2023_GLIBC_MINOR = 34;
    /** glibc of Amazon Linux 2 (python3.9 to python3.11). */
    private static final int AL2_GLIBC_MINOR = 26;
    /** The first Python runtime on Amazon Linux 2023. */
    private static final int FIRST_AL2023_PYTHON_MINOR = 12;
    private static final int OLDEST_LAMBDA_PYTHON_MINOR = 9;

    public PythonPlatform {
        Objects.requireNonNull(pythonVersion, "pythonVersion");
        Objects.requireNonNull(machine, "machine");
        platformTags = List.copyOf(platformTags);
        if (!VERSION.matcher(pythonVersion).matches()) {
            throw new InvalidSpecException("python version '" + pythonVersion + "' is invalid; use 3.N");
        }
        if (platformTags.isEmpty()) {
            throw new IllegalArgumentException("a platform needs at least one platform tag");
        }
    }

    /**
     * The platform of Lambda's {@code python<pythonVersion>} runtime on {@code architecture}.
     *
     * @throws InvalidSpecException when Lambda has no runtime for that Python version (3.9 is the oldest known here)
     */
    public static PythonPlatform lambda(String pythonVersion, Architecture architecture) {
        Objects.requireNonNull(architecture, "architecture");
        int minor = minor(pythonVersion);
        if (minor < OLDEST_LAMBDA_PYTHON_MINOR) {
            throw new InvalidSpecException("python " + pythonVersion + " has no Lambda runtime; use 3."
                    + OLDEST_LAMBDA_PYTHON_MINOR + " or later");
        }
        int glibc = minor >= FIRST_AL2023_PYTHON_MINOR ? AL2023_GLIBC_MINOR : AL2_GLIBC_MINOR;
        String machine = architecture == Architecture.ARM64 ? "aarch64" : "x86_64";
        List<String> tags = new ArrayList<>();
        for (int g = glibc; g >= OLDEST_GLIBC_MINOR; g--) {
            tags.add("manylinux_2_" + g + "_" + machine);
        }
        tags.add("manylinux2014_" + machine);
        return new PythonPlatform(pythonVersion, machine, tags);
    }

    /** The CPython ABI tag: {@code cp312} for 3.12. */
    public String abi() {
        return "cp3" + minor(pythonVersion);
    }

    /** {@code python3.12 x86_64}, for messages. */
    public String describe() {
        return "python" + pythonVersion + " " + machine;
    }

    private static int minor(String pythonVersion) {
        Matcher m = VERSION.matcher(Objects.requireNonNull(pythonVersion, "pythonVersion"));
        if (!m.matches()) {
            throw new InvalidSpecException("python version '" + pythonVersion + "' is invalid; use 3.N");
        }
        return Integer.parseInt(m.group(1));
    }
}
