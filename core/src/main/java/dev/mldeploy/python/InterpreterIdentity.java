package dev.mldeploy.python;

import dev.mldeploy.InvalidConfigurationException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who a Python interpreter is, as it reports itself: its resolved executable, full version string (with its build),
 * implementation and platform. Two interpreters with the same identity install the same wheels, so a virtual
 * environment made from one serves the other; anything else (an upgrade, another build, another machine type) is a
 * different identity. The kernel version is left out on purpose: it does not change which wheels install.
 *
 * @param executable     {@code os.path.realpath(sys.executable)}: the interpreter behind any shim or symlink
 * @param version        {@code sys.version}, e.g. {@code 3.11.7 (main, May 9 2026, 07:35:25) [GCC 12.2.0]}
 * @param implementation {@code sys.implementation.name} and {@code cache_tag}, e.g. {@code cpython cpython-311}
 * @param platform       {@code sysconfig.get_platform()}, the machine and the C library, e.g.
 *                       {@code linux-x86_64 x86_64 glibc 2.36}
 */
public record InterpreterIdentity(String executable, String version, String implementation, String platform) {
    /** Prints one {@code key=value} line per field; {@code repr} keeps each value on one line. */
    private static final String PROBE = String.join("; ",
            "import os, platform, sys, sysconfig",
            "print('executable=' + os.path.realpath(sys.executable))",
            "print('version=' + ' '.join(sys.version.split()))",
            "print('implementation=%s %s' % (sys.implementation.name, sys.implementation.cache_tag))",
            "print('platform=%s %s %s' % (sysconfig.get_platform(), platform.machine(), ' '.join(platform.libc_ver())))");

    public InterpreterIdentity {
        Objects.requireNonNull(executable, "executable");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(implementation, "implementation");
        Objects.requireNonNull(platform, "platform");
    }

    /**
     * Asks {@code python} who it is.
     *
     * @throws InvalidConfigurationException it cannot be run, or it does not answer like Python 3
     * @throws dev.mldeploy.OperationTimeoutException it did not answer within {@code timeout}
     */
    public static InterpreterIdentity probe(String python, Duration timeout) {
        List<String> out = new ArrayList<>();
        Pip.Result r;
        try {
            r = new Pip(java.nio.file.Path.of(python)).run(List.of("-I", "-c", PROBE), Map.of(), timeout, out::add);
        } catch (DependencyInstallException e) {
            throw new InvalidConfigurationException(e.getMessage(), e);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : out) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                fields.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        if (!r.succeeded() || !fields.keySet().containsAll(List.of("executable", "version", "implementation",
                "platform"))) {
            throw new InvalidConfigurationException("'" + python + "' did not answer like Python 3 when asked its "
                    + "version (exit " + r.exitCode() + "): " + String.join(" | ", r.tail())
                    + "; name a Python 3.9 or later executable");
        }
        return new InterpreterIdentity(fields.get("executable"), fields.get("version"), fields.get("implementation"),
                fields.get("platform"));
    }

    /** The identity as stable text, one field a line: what a cache key is made from. */
    public String canonical() {
        return "executable=" + executable + "\nversion=" + version + "\nimplementation=" + implementation
                + "\nplatform=" + platform + "\n";
    }
}
