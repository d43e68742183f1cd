package dev.mldeploy.examples.cli;

import dev.mldeploy.MlDeployException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.local.LocalTarget;
import dev.mldeploy.DependencySizes;
import dev.mldeploy.python.DependencyInstallException;
import dev.mldeploy.python.InstalledEstimate;
import dev.mldeploy.python.NoPlatformBuildException;
import dev.mldeploy.python.Pip;
import dev.mldeploy.python.PlatformResolver;
import dev.mldeploy.python.PythonPlatform;
import dev.mldeploy.python.Requirements;
import dev.mldeploy.python.ResolvedDependencies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code plan}'s measurement of a model's dependencies for Lambda: resolves its {@code requirements.txt} for the
 * function's platform into a temporary directory (removed afterwards) and turns the result, or the reason there is
 * none, into the {@link DependencySizes} placement counts. When it cannot resolve, it estimates from the same
 * distributions installed for the interpreter on this machine ({@link InstalledEstimate}), or reports the size
 * unknown when the interpreter has none of them.
 */
final class DependencyMeasurement {
    private final Map<String, String> environment;
    private final Duration timeout;

    /** @param environment the CLI's environment: its {@code PIP_*} keys and {@code MLDEPLOY_PYTHON} are used */
    DependencyMeasurement(Map<String, String> environment, Duration timeout) {
        this.environment = Map.copyOf(environment);
        this.timeout = timeout;
    }

    /** The interpreter whose pip resolves: {@code MLDEPLOY_PYTHON}, else {@code python3}, as the local target. */
    Path python() {
        String p = environment.get(LocalTarget.ENV_PYTHON);
        return Path.of(p == null || p.isBlank() ? LocalTarget.DEFAULT_PYTHON : p);
    }

    /** The model's dependencies for Lambda, or empty when it has no requirements.txt. */
    Optional<DependencySizes> measure(ModelSpec spec) {
        Optional<Requirements> requirements = spec.source().flatMap(Requirements::find);
        if (requirements.isEmpty()) {
            return Optional.empty();
        }
        PythonPlatform platform;
        try {
            platform = PythonPlatform.lambda(spec.pythonVersion(), spec.resources().architecture());
        } catch (MlDeployException e) {
            return Optional.of(estimateOr(requirements.get(), "not resolved: " + e.getMessage()));
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("mldeploy-plan-deps-");
        } catch (IOException e) {
            return Optional.of(estimateOr(requirements.get(), "not resolved: no temporary directory: "
                    + e.getMessage()));
        }
        try {
            ResolvedDependencies r = new PlatformResolver(new Pip(python()), pipEnvironment())
                    .resolve(requirements.get(), platform, dir.resolve("python"), timeout, line -> { });
            return Optional.of(DependencySizes.measured(r.totalBytes(), r.packages(),
                    "resolved for Lambda " + platform.describe()));
        } catch (NoPlatformBuildException e) {
            return Optional.of(DependencySizes.refused(firstLine(e.getMessage())));
        } catch (DependencyInstallException | dev.mldeploy.OperationTimeoutException e) {
            return Optional.of(estimateOr(requirements.get(), "not resolved: " + firstLine(e.getMessage())));
        } finally {
            delete(dir);
        }
    }

    /**
     * Without resolving: the estimate from the interpreter's installed distributions, or unknown ({@code why})
     * when it has none of them; empty without a requirements.txt.
     */
    Optional<DependencySizes> estimate(ModelSpec spec, String why) {
        return spec.source().flatMap(Requirements::find).map(r -> estimateOr(r, why));
    }

    private DependencySizes estimateOr(Requirements requirements, String why) {
        Optional<InstalledEstimate.Estimate> e = new InstalledEstimate(new Pip(python())).estimate(requirements,
                timeout);
        if (e.isEmpty() || e.get().packages().isEmpty()) {
            return DependencySizes.unknown(why);
        }
        return DependencySizes.estimated(e.get().totalBytes(), e.get().packages(), why
                + "; estimated from the packages installed for "
                + e.get().interpreter() + " on this machine" + (e.get().missing().isEmpty() ? ""
                : ", which lacks " + String.join(", ", e.get().missing())));
    }

    private Map<String, String> pipEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        environment.forEach((k, v) -> {
            if (k.startsWith("PIP_")) {
                env.put(k, v);
            }
        });
        return env;
    }

    private static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove " + dir, e);
        }
    }
}
