package dev.mldeploy.python;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An interpreter that can build wheels from source distributions: setuptools before 70.1 needs the {@code wheel}
 * package for that, which this machine's pyenv Python lacks and Debian's {@code /usr/bin/python3} has.
 * {@code MLDEPLOY_PYTHON} is tried first.
 */
final class BuildingPython {
    private BuildingPython() {
    }

    static Path find() {
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("MLDEPLOY_PYTHON");
        if (env != null && !env.isBlank()) {
            candidates.add(env);
        }
        candidates.add("python3");
        candidates.add("/usr/bin/python3");
        for (String c : candidates) {
            if (canBuildWheels(c)) {
                return Path.of(c);
            }
        }
        throw new IllegalStateException("no interpreter among " + candidates + " has setuptools, wheel and pip; "
                + "install the 'wheel' package into one or set MLDEPLOY_PYTHON");
    }

    private static boolean canBuildWheels(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import setuptools, wheel, pip").redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
