package dev.mldeploy.python;

import dev.mldeploy.OperationTimeoutException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Installs a model's requirements for another machine's platform (Lambda's), not the one running pip: binary
 * wheels only, for the platform's CPython version, ABI and manylinux tags, as AWS documents for .zip packages and as
 * SAM (aws-lambda-builders' {@code python_pip} packager) and Chalice do:
 * {@code pip install --target DIR --platform <tag>... --implementation cp --python-version X.Y --abi cpXY
 * --only-binary=:all: -r requirements.txt}.
 *
 * <p>A requirement that has no wheel for the platform but a source distribution is built on this machine
 * ({@code pip wheel --no-deps --no-build-isolation}, so it needs no index for build tools) and accepted only when the
 * wheel is pure Python ({@code py3-none-any}); the install then runs again with that wheel on
 * {@code --find-links}. A source distribution that builds machine code (a C extension) is refused with a
 * {@link DependencyInstallException} naming the package and the ways out: a container image or SageMaker, which
 * install on the platform itself. pip reports one unsatisfiable requirement a run, so this repeats until pip
 * succeeds or fails for another reason.
 *
 * <p>pip's own configuration is honoured: the environment ({@code PIP_INDEX_URL}, {@code PIP_FIND_LINKS},
 * {@code PIP_NO_INDEX}, ...) is inherited and {@code pip.conf} read ({@code --isolated} is never passed). No byte
 * code is written ({@code PYTHONDONTWRITEBYTECODE=1}, {@code --no-compile}) and any that appears is deleted. Every
 * pip run shares the one timeout. On failure the target directory is emptied again. Thread-safe: it holds only
 * the {@link Pip}.
 */
public final class PlatformResolver {
    /** pip's line for a requirement nothing satisfies (unchanged since pip 10). */
    private static final Pattern NO_MATCH = Pattern.compile("No matching distribution found for (\\S+)");
    /** What pip prints when it cannot reach an index (urllib3's retries, socket errors). */
    private static final Pattern UNREACHABLE = Pattern.compile("Retrying \\(Retry\\(|NewConnectionError|Failed to "
            + "establish a new connection|Temporary failure in name resolution|Could not fetch URL|"
            + "ConnectTimeoutError|ProxyError");

    private final Pip pip;
    private final Map<String, String> environment;

    /** A resolver running {@code pip}, with pip's configuration from this process's environment and pip.conf. */
    public PlatformResolver(Pip pip) {
        this(pip, Map.of());
    }

    /**
     * Like {@link #PlatformResolver(Pip)}, with {@code environment} added to every pip run (for example
     * {@code PIP_NO_INDEX=1} and {@code PIP_FIND_LINKS=DIR} for an offline wheelhouse).
     */
    public PlatformResolver(Pip pip, Map<String, String> environment) {
        this.pip = Objects.requireNonNull(pip, "pip");
        Map<String, String> env = new java.util.LinkedHashMap<>(Objects.requireNonNull(environment, "environment"));
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        this.environment = java.util.Collections.unmodifiableMap(env);
    }

    /**
     * Installs {@code requirements} for {@code platform} into {@code targetDirectory} and measures the result.
     *
     * @param targetDirectory where the packages go (created if absent; must be empty)
     * @param timeout         how long all pip runs together may take
     * @param progress        receives what is happening and pip's output lines (redacted)
     * @throws NoPlatformBuildException  a requirement has no build for the platform and none can be made here
     * @throws DependencyInstallException pip failed otherwise (an index it cannot reach, a version conflict)
     * @throws OperationTimeoutException  the runs took longer than {@code timeout}
     */
    public ResolvedDependencies resolve(Requirements requirements, PythonPlatform platform, Path targetDirectory,
                                        Duration timeout, Consumer<String> progress) {
        Objects.requireNonNull(requirements, "requirements");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(targetDirectory, "targetDirectory");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(progress, "progress");
        long deadline = System.nanoTime() + timeout.toNanos();
        prepare(targetDirectory);
        if (requirements.isEmpty()) {
            return InstalledTree.measure(targetDirectory);
        }
        Path scratch = null;
        boolean done = false;
        try {
            progress.accept("resolving " + requirements.file() + " for " + platform.describe()
                    + " (binary wheels for " + platform.abi() + ", " + platform.platformTags().get(0) + " to "
                    + platform.platformTags().get(platform.platformTags().size() - 1) + ")");
            Set<String> built = new HashSet<>();
            while (true) {
                Pip.Result r = pip.in(requirements.file().toAbsolutePath().getParent())
                        .pip(installArgs(requirements, platform, targetDirectory, scratch),
                        environment, left(deadline, timeout), progress);
                if (r.succeeded()) {
                    break;
                }
                if (r.tail().stream().anyMatch(l -> UNREACHABLE.matcher(l).find())) {
                    throw new DependencyInstallException("pip could not reach a package index to install "
                            + requirements.file() + " for " + platform.describe() + "; check the network or point "
                            + "pip at an index or wheelhouse it can reach (PIP_INDEX_URL, PIP_FIND_LINKS, pip.conf)",
                            r.tail());
                }
                Optional<String> unmatched = unmatched(r.tail());
                if (unmatched.isEmpty() || !built.add(unmatched.get())) {
                    throw new DependencyInstallException("pip could not install " + requirements.file() + " for "
                            + platform.describe() + " (pip exited with " + r.exitCode() + "); see pip's output "
                            + "below (an index that cannot be reached, a version conflict, or a package with no "
                            + "build for the platform)", r.tail());
                }
                if (scratch == null) {
                    scratch = Files.createTempDirectory("mldeploy-sdist-");
                }
                InstalledTree.clear(targetDirectory);
                buildPureWheel(unmatched.get(), platform, scratch, r.tail(), deadline, timeout, progress);
            }
            InstalledTree.stripBytecode(targetDirectory);
            ResolvedDependencies resolved = InstalledTree.measure(targetDirectory);
            progress.accept("resolved " + resolved.packages().size() + " distributions for " + platform.describe()
                    + ": " + resolved.totalBytes() + " bytes");
            done = true;
            return resolved;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (scratch != null) {
                InstalledTree.deleteTree(scratch);
            }
            if (!done) {
                InstalledTree.clear(targetDirectory);  // a failed resolution leaves nothing half-installed
            }
        }
    }

    private static void prepare(Path targetDirectory) {
        try {
            Files.createDirectories(targetDirectory);
            try (Stream<Path> children = Files.list(targetDirectory)) {
                if (children.findAny().isPresent()) {
                    throw new IllegalArgumentException("target directory " + targetDirectory + " is not empty; "
                            + "give an empty or absent directory");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The platform install; with {@code builtWheels} (the wheels built from source so far) on --find-links. */
    static List<String> installArgs(Requirements requirements, PythonPlatform platform, Path target,
                                    Path builtWheels) {
        List<String> args = new ArrayList<>(List.of("install", "--target", target.toString(), "--no-compile",
                "--only-binary=:all:", "--implementation", "cp", "--python-version", platform.pythonVersion(),
                "--abi", platform.abi()));
        for (String tag : platform.platformTags()) {
            args.add("--platform");
            args.add(tag);
        }
        if (builtWheels != null) {
            args.add("--find-links");
            args.add(builtWheels.resolve("wheels").toString());
        }
        args.add("-r");
        args.add(requirements.file().toString());
        return args;
    }

    /** The requirement pip found nothing for, from its last lines ({@code cext==1.0}, {@code cext}). */
    static Optional<String> unmatched(List<String> tail) {
        for (int i = tail.size() - 1; i >= 0; i--) {
            Matcher m = NO_MATCH.matcher(tail.get(i));
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    /**
     * Fetches {@code requirement}'s source distribution, builds it into a wheel on this machine and keeps it in
     * {@code scratch/wheels} if it is pure Python; otherwise refuses.
     */
    private void buildPureWheel(String requirement, PythonPlatform platform, Path scratch, List<String> installTail,
                                long deadline, Duration timeout, Consumer<String> progress) throws IOException {
        String name = requirementName(requirement);
        Path sdists = Files.createDirectories(scratch.resolve("sdists-" + Integer.toHexString(requirement.hashCode())));
        Path wheels = Files.createDirectories(scratch.resolve("wheels"));
        progress.accept("no wheel of " + requirement + " fits " + platform.describe()
                + "; looking for its source distribution");
        Pip.Result download = pip.pip(List.of("download", "--no-deps", "--no-binary=:all:", "--no-build-isolation",
                "--dest", sdists.toString(), requirement), environment, left(deadline, timeout), progress);
        List<Path> sources = list(sdists);
        if (!download.succeeded() || sources.isEmpty()) {
            throw new NoPlatformBuildException(name, "'" + name + "'" + (name.equals(requirement) ? "" : " ("
                    + requirement + ")") + " has no wheel for " + platform.describe() + " (" + platform.abi() + ", "
                    + platform.platformTags().get(0) + " to " + last(platform.platformTags()) + ", or pure Python) "
                    + "and no source distribution to build one from on the indexes pip reaches. "
                    + waysOut(platform), installTail);
        }
        List<Path> before = list(wheels);
        progress.accept("building " + sources.get(0).getFileName() + " into a wheel on this machine");
        Pip.Result build = pip.pip(List.of("wheel", "--no-deps", "--no-build-isolation", "--wheel-dir",
                wheels.toString(), sources.get(0).toString()), environment, left(deadline, timeout), progress);
        List<Path> made = new ArrayList<>(list(wheels));
        made.removeAll(before);
        if (!build.succeeded() || made.isEmpty()) {
            throw new NoPlatformBuildException(name, "'" + name + "' is available only as a source distribution ("
                    + sources.get(0).getFileName() + ") and it does not build into a pure-Python wheel here (the "
                    + "build failed), so mldeploy cannot install it for " + platform.describe() + ". "
                    + (build.tail().stream().anyMatch(l -> l.contains("invalid command 'bdist_wheel'"))
                    ? "The interpreter " + pip.python() + " lacks the 'wheel' package setuptools needs to build "
                    + "wheels: install it (" + pip.python() + " -m pip install wheel) or choose another "
                    + "interpreter. " : "") + waysOut(platform), build.tail());
        }
        for (Path wheel : made) {
            if (!isPurePython(wheel.getFileName().toString())) {
                Files.deleteIfExists(wheel);
                throw new NoPlatformBuildException(name, "'" + name + "' is available only as a source distribution ("
                        + sources.get(0).getFileName() + ") and builds machine code (" + wheel.getFileName()
                        + " for this machine, not " + platform.describe() + "), so mldeploy cannot build it for "
                        + "Lambda. " + waysOut(platform), List.of());
            }
            progress.accept("built pure-Python " + wheel.getFileName() + "; installing it for "
                    + platform.describe());
        }
    }

    /** What to do about a package that cannot be built for the platform. */
    static String waysOut(PythonPlatform platform) {
        return "Ways out: deploy it as a container image (placement lambda:image, --package image), which "
                + "installs the requirements on the platform itself; deploy to SageMaker (--target sagemaker); or "
                + "publish a wheel for " + platform.abi() + " " + last(platform.platformTags())
                + " to your package index.";
    }

    /** Whether a wheel's file name says it runs anywhere: {@code py3-none-any}, {@code py2.py3-none-any}. */
    static boolean isPurePython(String wheelFileName) {
        if (!wheelFileName.endsWith(".whl")) {
            return false;
        }
        String[] parts = wheelFileName.substring(0, wheelFileName.length() - 4).split("-");
        if (parts.length < 5) {
            return false;
        }
        String py = parts[parts.length - 3];
        String abi = parts[parts.length - 2];
        String plat = parts[parts.length - 1];
        return abi.equals("none") && plat.equals("any")
                && Stream.of(py.split("\\.")).allMatch(t -> t.startsWith("py"));
    }

    /** {@code Cext[fast]>=1.0} is {@code Cext}. */
    static String requirementName(String requirement) {
        Matcher m = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]*").matcher(requirement);
        return m.find() ? m.group() : requirement;
    }

    private static Duration left(long deadline, Duration timeout) {
        long nanos = deadline - System.nanoTime();
        if (nanos <= 0) {
            throw new OperationTimeoutException("resolving the requirements did not finish within " + timeout
                    + "; raise the timeout (--timeout) or use a closer package index");
        }
        return Duration.ofNanos(nanos);
    }

    private static String last(List<String> l) {
        return l.get(l.size() - 1);
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
