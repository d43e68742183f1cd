package dev.mldeploy.local;

import dev.mldeploy.MlDeployException;
import dev.mldeploy.python.DependencyInstallException;
import dev.mldeploy.python.InterpreterIdentity;
import dev.mldeploy.python.Pip;
import dev.mldeploy.python.Requirements;
import dev.mldeploy.spi.DeployContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The virtual environments the local target runs models with a {@code requirements.txt} in:
 * {@code <home>/venvs/<key>/}, one per interpreter identity and requirements content ({@link #key}), made with
 * {@code python -m venv} and filled by {@code pip install -r requirements.txt}, and reused as they are by every later
 * deploy with the same key (no venv or pip run at all).
 *
 * <p>An environment is built in its final directory and counts only once its {@value #COMPLETE_MARKER} file is
 * written, last: a deploy killed while building leaves a directory without it, which the next deploy needing that
 * key removes and builds again. Building holds a lock on the key ({@link StateLock} under {@code <home>/venvs}), so
 * two deploys, in one JVM or two, never build the same environment twice or see a half-built one. A failed build
 * removes its directory. Directories are 0700. Nothing is ever pruned: deleting {@code <home>/venvs} (or one key in
 * it) while no local model runs from it clears the cache.
 *
 * <p>pip runs with the inherited environment plus the target's {@link LocalTarget#pipEnvironment()}, so its own
 * configuration ({@code PIP_INDEX_URL}, {@code PIP_EXTRA_INDEX_URL}, {@code PIP_FIND_LINKS}, {@code PIP_NO_INDEX},
 * {@code pip.conf}) applies; it is never run {@code --isolated}. Thread-safe.
 */
final class VenvCache {
    private static final Logger LOG = LoggerFactory.getLogger(VenvCache.class);
    /** Written last into a complete environment; its absence marks one to rebuild. */
    static final String COMPLETE_MARKER = ".mldeploy-complete";
    /** Bumped when the layout or the way environments are built changes, so old ones are not reused. */
    private static final String LAYOUT = "mldeploy-venv-1";
    /** pip lines worth a progress event; the rest (download bars, "already satisfied") go to the debug log. */
    private static final List<String> REPORTED_PREFIXES = List.of("Collecting ", "Processing ",
            "Installing collected packages", "Successfully installed", "ERROR", "WARNING");
    private static final String PHASE = "dependencies";

    private final Path root;
    private final Map<String, String> pipEnvironment;

    /**
     * @param root           the cache directory, {@code <home>/venvs}
     * @param pipEnvironment variables added to the inherited environment of venv and pip
     */
    VenvCache(Path root, Map<String, String> pipEnvironment) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.pipEnvironment = Map.copyOf(pipEnvironment);
    }

    Path root() {
        return root;
    }

    /**
     * The environment's key: a SHA-256 (24 hex digits kept) of the interpreter's identity and the requirements'
     * SHA-256. The same interpreter with the same file content gives the same key; anything else another.
     */
    static String key(InterpreterIdentity interpreter, Requirements requirements) {
        String text = LAYOUT + "\n" + interpreter.canonical() + "requirements=" + requirements.sha256() + "\n";
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The directory of the environment with {@code key}. */
    Path directory(String key) {
        return root.resolve(key);
    }

    /** The Python executable of the environment in {@code dir}. */
    static Path pythonOf(Path dir) {
        return isWindows() ? dir.resolve("Scripts").resolve("python.exe") : dir.resolve("bin").resolve("python");
    }

    /**
     * The environment for {@code requirements} made from {@code interpreter} (run as {@code python}): reused when
     * complete, else built, within the context's deadline.
     *
     * @param model the deployment's name, for messages
     * @return the environment's Python executable
     * @throws DependencyInstallException venv or pip failed; nothing of the environment is left
     * @throws dev.mldeploy.OperationTimeoutException the deadline passed; nothing of the environment is left
     */
    Path ensure(String python, InterpreterIdentity interpreter, Requirements requirements, String model,
                DeployContext ctx) {
        String key = key(interpreter, requirements);
        Path dir = directory(key);
        try {
            PrivateFiles.createDirectory(root);
            PrivateFiles.restrict(root);
        } catch (IOException e) {
            throw new MlDeployException("cannot create the environment cache " + root + ": " + e, e);
        }
        try (StateLock lock = StateLock.acquire(root, key, "environment " + key, ctx)) {
            if (isComplete(dir)) {
                ctx.progress(PHASE, "reused", "reusing cached environment " + key + " (" + dir + ") for "
                        + requirements.file());
                return pythonOf(dir);
            }
            if (Files.exists(dir)) {
                ctx.progress(PHASE, "", "removing the incomplete environment " + key + " (a build was "
                        + "interrupted); building it again");
                deleteTree(dir);
            }
            try {
                build(python, interpreter, requirements, model, key, dir, ctx);
            } catch (RuntimeException e) {
                try {
                    deleteTree(dir);
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
            return pythonOf(dir);
        }
    }

    private void build(String python, InterpreterIdentity interpreter, Requirements requirements, String model,
                       String key, Path dir, DeployContext ctx) {
        try {
            PrivateFiles.createDirectory(dir); // 0700 before venv fills it
        } catch (IOException e) {
            throw new MlDeployException("cannot create " + dir + ": " + e, e);
        }
        ctx.progress(PHASE, "", "creating virtual environment " + key + " from " + interpreter.executable()
                + " (" + firstWord(interpreter.version()) + ") in " + dir);
        Pip.Result venv = new Pip(Path.of(python)).run(List.of("-m", "venv", dir.toString()), pipEnvironment,
                ctx.remaining(), line -> LOG.debug("venv: {}", line));
        if (!venv.succeeded()) {
            throw new DependencyInstallException("local model '" + model + "': '" + python + " -m venv' could not "
                    + "create a virtual environment for " + requirements.file() + " (exit " + venv.exitCode()
                    + "); install the interpreter's venv module (on Debian: apt-get install python3-venv), or use "
                    + "the interpreter's own packages (" + LocalTarget.ENV_INTERPRETER_PACKAGES
                    + "=true, --interpreter-packages)", venv.tail());
        }
        int count = requirements.lines().size();
        ctx.progress(PHASE, "", "installing " + count + " requirement" + (count == 1 ? "" : "s") + " from "
                + requirements.file() + " with pip");
        Pip.Result pip = new Pip(pythonOf(dir)).pip(List.of("install", "--no-input", "-r",
                        requirements.file().toString()), pipEnvironment, ctx.remaining(), reporter(ctx));
        if (!pip.succeeded()) {
            throw new DependencyInstallException("local model '" + model + "': pip could not install "
                    + requirements.file() + " (exit " + pip.exitCode() + "); check the package names and versions "
                    + "in it, and pip's index settings (PIP_INDEX_URL, PIP_EXTRA_INDEX_URL, PIP_FIND_LINKS, "
                    + "PIP_NO_INDEX, pip.conf), or use the interpreter's own packages ("
                    + LocalTarget.ENV_INTERPRETER_PACKAGES + "=true, --interpreter-packages)", pip.tail());
        }
        try {
            PrivateFiles.write(dir.resolve(COMPLETE_MARKER), (interpreter.canonical() + "requirements="
                    + requirements.sha256() + "\nfile=" + requirements.file() + "\ncompleted=" + Instant.now()
                    + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mark " + dir + " complete", e);
        }
        ctx.progress(PHASE, "installed", "environment " + key + " is ready (" + dir + ")");
    }

    /** Reports pip's lines that say what it does; all of them go to the debug log. */
    private static Consumer<String> reporter(DeployContext ctx) {
        return line -> {
            LOG.debug("pip: {}", line);
            String s = line.strip();
            if (REPORTED_PREFIXES.stream().anyMatch(s::startsWith)) {
                ctx.progress(PHASE, "pip", s);
            }
        };
    }

    private static boolean isComplete(Path dir) {
        return Files.isRegularFile(dir.resolve(COMPLETE_MARKER)) && Files.exists(pythonOf(dir));
    }

    /** Removes {@code dir} and everything in it, without following symbolic links (a venv's python is one). */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(dir, Set.of(), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) {
                        throw e;
                    }
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the environment " + dir, e);
        }
    }

    private static String firstWord(String s) {
        int sp = s.indexOf(' ');
        return sp < 0 ? s : s.substring(0, sp);
    }

    private static boolean isWindows() {
        return System.getProperty("os.name").startsWith("Windows");
    }
}
