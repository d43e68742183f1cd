package dev.mldeploy.kit;

import dev.mldeploy.bundle.TarWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A directory of hand-built Python distributions for tests that must install packages with no package index:
 * wheels (a zip of the package plus a {@code *.dist-info} with METADATA, WHEEL and RECORD, as PEP 427 says) and
 * source distributions, and the pip environment that installs only from here ({@code PIP_NO_INDEX=1},
 * {@code PIP_FIND_LINKS}).
 *
 * <p>Hand-written because the machines these tests run on have no {@code wheel} or {@code build} package and no
 * index to fetch them from; a wheel is a small, fully specified zip. Entries have fixed timestamps, so the same
 * call gives the same bytes.
 */
public final class Wheelhouse {
    /** The distribution {@link #whichBuild} writes. */
    public static final String WHICH_BUILD = "which-build";
    private static final FileTime EPOCH = FileTime.fromMillis(315532800000L);  // 1980-01-01, zip's earliest
    private final Path directory;

    private Wheelhouse(Path directory) {
        this.directory = directory;
    }

    /** A wheelhouse in {@code directory}, created if absent. */
    public static Wheelhouse at(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Wheelhouse(directory);
    }

    /** The directory pip is pointed at. */
    public Path directory() {
        return directory;
    }

    /**
     * The environment that makes pip install only from this wheelhouse: {@code PIP_NO_INDEX=1} and
     * {@code PIP_FIND_LINKS=<directory>}.
     */
    public Map<String, String> pipEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PIP_NO_INDEX", "1");
        env.put("PIP_FIND_LINKS", directory.toAbsolutePath().toString());
        env.put("PIP_DISABLE_PIP_VERSION_CHECK", "1");
        return env;
    }

    /** Starts a wheel of {@code distribution} at {@code version}. */
    public WheelBuilder wheel(String distribution, String version) {
        return new WheelBuilder(distribution, version);
    }

    /**
     * Writes the package {@code which-build} 1.0 in three builds whose module {@code which_build} says which build it
     * is ({@code BUILD = 'host'}, {@code 'lambda-x86_64'}, {@code 'lambda-aarch64'}): one tagged for
     * {@code hostPython} ({@link #hostTag}) and two for Lambda's python3.12 ({@code cp312-cp312-manylinux2014_x86_64}
     * and {@code _aarch64}). A test that imports it proves which platform a target resolved for.
     */
    public Wheelhouse whichBuild(Path hostPython) {
        wheel(WHICH_BUILD, "1.0").tag(hostTag(hostPython)).file("which_build/__init__.py", "BUILD = 'host'\n").build();
        wheel(WHICH_BUILD, "1.0").tag("cp312-cp312-manylinux2014_x86_64")
                .file("which_build/__init__.py", "BUILD = 'lambda-x86_64'\n").build();
        wheel(WHICH_BUILD, "1.0").tag("cp312-cp312-manylinux2014_aarch64")
                .file("which_build/__init__.py", "BUILD = 'lambda-aarch64'\n").build();
        return this;
    }

    /**
     * Writes a source distribution of {@code distribution} 1.0 whose {@code setup.py} compiles a C extension: no
     * platform but the build machine's can use what it builds, so a resolver for another platform must refuse it.
     */
    public Path cExtensionSdist(String distribution) {
        String module = normalize(distribution);
        return sdist(distribution, "1.0", Map.of(
                "setup.py", "from setuptools import setup, Extension\nsetup(name='" + distribution + "', version='1.0', "
                        + "ext_modules=[Extension('" + module + "', ['" + module + ".c'])])\n",
                module + ".c", "#include <Python.h>\nstatic struct PyModuleDef m = {PyModuleDef_HEAD_INIT, \""
                        + module + "\", NULL, -1, NULL};\nPyMODINIT_FUNC PyInit_" + module + "(void) "
                        + "{ return PyModule_Create(&m); }\n"));
    }

    /**
     * Writes a source distribution {@code <name>-<version>.tar.gz} holding {@code files} under
     * {@code <name>-<version>/} plus a PKG-INFO. The caller supplies {@code setup.py} (or {@code pyproject.toml}).
     */
    public Path sdist(String distribution, String version, Map<String, String> files) {
        String base = normalize(distribution) + "-" + version;
        Path out = directory.resolve(base + ".tar.gz");
        Map<String, byte[]> entries = new TreeMap<>();
        entries.put(base + "/PKG-INFO", metadata(distribution, version, List.of()).getBytes(StandardCharsets.UTF_8));
        files.forEach((k, v) -> entries.put(base + "/" + k, v.getBytes(StandardCharsets.UTF_8)));
        try (OutputStream os = Files.newOutputStream(out); GZIPOutputStream gz = new GZIPOutputStream(os)) {
            TarWriter tar = new TarWriter(gz);
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                tar.addBytes(e.getKey(), e.getValue(), false);
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * The tag of a build the given interpreter installs and no other platform does:
     * {@code cp<XY>-cp<XY>-linux_<machine>} (for example {@code cp311-cp311-linux_x86_64}).
     */
    public static String hostTag(Path python) {
        String out = runPython(python, "import sys, platform; "
                + "print('cp%d%d-cp%d%d-linux_%s' % (sys.version_info[0], sys.version_info[1], "
                + "sys.version_info[0], sys.version_info[1], platform.machine()))");
        return out.strip();
    }

    /**
     * The interpreter the dependency tests run pip with: the first of {@code MLDEPLOY_PYTHON}, {@code python3} and
     * {@code /usr/bin/python3} that can also build wheels from source distributions with no index (it has
     * setuptools and the {@code wheel} package that setuptools before 70.1 needs for {@code bdist_wheel}; this
     * machine's pyenv Python lacks it, Debian's {@code /usr/bin/python3} has it with python3-pip), else the first
     * that runs at all. A test that builds a source distribution checks {@link #canBuildWheels(Path)} first and is
     * skipped, saying what to install, when it cannot.
     */
    public static Path wheelBuildingPython() {
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("MLDEPLOY_PYTHON");
        if (env != null && !env.isBlank()) {
            candidates.add(env);
        }
        candidates.add("python3");
        candidates.add("/usr/bin/python3");
        for (String c : candidates) {
            if (canBuildWheels(Path.of(c))) {
                return Path.of(c);
            }
        }
        return Path.of(candidates.get(0));
    }

    /** Whether {@code python} has pip, setuptools and wheel, so pip can build a source distribution offline. */
    public static boolean canBuildWheels(Path python) {
        try {
            runPython(python, "import setuptools, wheel, pip");
            return true;
        } catch (IllegalStateException | UncheckedIOException e) {
            return false;
        }
    }

    /** The reason a test that needs {@link #canBuildWheels(Path)} gives when it is skipped. */
    public static String cannotBuildWheels(Path python) {
        return python + " cannot build wheels from source distributions (it lacks setuptools or the 'wheel' "
                + "package): install them (on Debian: apt-get install python3-pip, as .ci/run does) or set "
                + "MLDEPLOY_PYTHON to an interpreter that has them";
    }

    private static String runPython(Path python, String code) {
        try {
            Process p = new ProcessBuilder(python.toString(), "-c", code).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(python + " -c failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String normalize(String distribution) {
        return distribution.replaceAll("[-_.]+", "_").toLowerCase(Locale.ROOT);
    }

    private static String metadata(String distribution, String version, List<String> requires) {
        StringBuilder sb = new StringBuilder("Metadata-Version: 2.1\nName: ").append(distribution)
                .append("\nVersion: ").append(version).append('\n');
        for (String r : requires) {
            sb.append("Requires-Dist: ").append(r).append('\n');
        }
        return sb.append("Summary: built by mldeploy's test kit\n").toString();
    }

    /** One wheel: its files, dependencies and tag, written by {@link #build()}. */
    public final class WheelBuilder {
        private final String distribution;
        private final String version;
        private final Map<String, byte[]> files = new TreeMap<>();
        private final List<String> requires = new ArrayList<>();
        private String tag = "py3-none-any";

        private WheelBuilder(String distribution, String version) {
            this.distribution = Objects.requireNonNull(distribution, "distribution");
            this.version = Objects.requireNonNull(version, "version");
        }

        /**
         * The wheel's tag {@code python-abi-platform}, for example {@code py3-none-any} (the default),
         * {@code cp311-cp311-linux_x86_64} or {@code cp312-cp312-manylinux2014_aarch64}; compressed tag sets
         * ({@code manylinux_2_17_x86_64.manylinux2014_x86_64}) are allowed.
         */
        public WheelBuilder tag(String tag) {
            if (tag.split("-").length != 3) {
                throw new IllegalArgumentException("a wheel tag is python-abi-platform: " + tag);
            }
            this.tag = tag;
            return this;
        }

        /** A file in the wheel at {@code path} (relative, '/'-separated), e.g. {@code mypkg/__init__.py}. */
        public WheelBuilder file(String path, String content) {
            return file(path, content.getBytes(StandardCharsets.UTF_8));
        }

        /** A file in the wheel with binary content. */
        public WheelBuilder file(String path, byte[] content) {
            files.put(path, content.clone());
            return this;
        }

        /** A {@code Requires-Dist} line, e.g. {@code otherpkg>=1.0}. */
        public WheelBuilder requires(String requirement) {
            requires.add(requirement);
            return this;
        }

        /** Writes {@code <dist>-<version>-<tag>.whl} into the wheelhouse and returns its path. */
        public Path build() {
            String name = normalize(distribution);
            String distInfo = name + "-" + version + ".dist-info";
            boolean pure = tag.endsWith("-none-any");
            Map<String, byte[]> entries = new LinkedHashMap<>(files);
            entries.put(distInfo + "/METADATA", metadata(distribution, version, requires)
                    .getBytes(StandardCharsets.UTF_8));
            StringBuilder wheel = new StringBuilder("Wheel-Version: 1.0\nGenerator: mldeploy-test-kit\n")
                    .append("Root-Is-Purelib: ").append(pure).append('\n');
            String[] parts = tag.split("-");
            for (String py : parts[0].split("\\.")) {
                for (String abi : parts[1].split("\\.")) {
                    for (String plat : parts[2].split("\\.")) {
                        wheel.append("Tag: ").append(py).append('-').append(abi).append('-').append(plat).append('\n');
                    }
                }
            }
            entries.put(distInfo + "/WHEEL", wheel.toString().getBytes(StandardCharsets.UTF_8));
            StringBuilder record = new StringBuilder();
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                record.append(e.getKey()).append(",sha256=").append(digest(e.getValue())).append(',')
                        .append(e.getValue().length).append('\n');
            }
            record.append(distInfo).append("/RECORD,,\n");
            entries.put(distInfo + "/RECORD", record.toString().getBytes(StandardCharsets.UTF_8));
            Path out = directory.resolve(name + "-" + version + "-" + tag + ".whl");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    ZipEntry entry = new ZipEntry(e.getKey());
                    entry.setLastModifiedTime(EPOCH);
                    zip.putNextEntry(entry);
                    zip.write(e.getValue());
                    zip.closeEntry();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                Files.write(out, bytes.toByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out;
        }

        private static String digest(byte[] content) {
            try {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(content);
                return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
