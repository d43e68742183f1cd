package dev.mldeploy.kit;

import dev.mldeploy.spi.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Extracts an archive with Python's own {@code tarfile} (with no extraction filter: the trusting behaviour of Python
 * 3.11 and of many deployment tools) or {@code zipfile}, as the targets' runtimes would, into a directory deep inside
 * a scratch {@code scope}, and reports what happened: the archive's member names, every file that now exists anywhere
 * in the scope, and the members whose resolved path falls outside the extraction directory.
 */
public final class PythonExtract {
    private static final String SCRIPT = String.join("\n",
            "import json, os, sys, tarfile, zipfile",
            "kind, archive, dest, scope = sys.argv[1:5]",
            "os.makedirs(dest)",
            "if kind == 'tar':",
            "    with tarfile.open(archive) as t:",
            "        members = [m.name for m in t.getmembers()]",
            "        if hasattr(tarfile, 'fully_trusted_filter'):",
            "            t.extractall(dest, filter='fully_trusted')",
            "        else:",
            "            t.extractall(dest)",
            "else:",
            "    with zipfile.ZipFile(archive) as z:",
            "        members = z.namelist()",
            "        z.extractall(dest)",
            "root = os.path.realpath(dest) + os.sep",
            "escaping = [m for m in members if not os.path.realpath(os.path.join(dest, m)).startswith(root)]",
            "files = []",
            "for base, dirs, names in os.walk(scope):",
            "    for n in names + [d for d in dirs if os.path.islink(os.path.join(base, d))]:",
            "        files.append(os.path.relpath(os.path.join(base, n), scope))",
            "print(json.dumps({'members': members, 'files': sorted(files), 'escaping': escaping}))",
            "");

    /**
     * What an extraction did.
     *
     * @param members  the archive's member names
     * @param files    every file in the scope afterwards, relative to the scope
     * @param escaping members whose path resolves outside the extraction directory
     * @param destination the extraction directory, relative to the scope ('/'-separated)
     */
    public record Result(List<String> members, List<String> files, List<String> escaping, String destination) {
        /** Whether every file in the scope is under the extraction directory. */
        public boolean allInsideDestination() {
            return files.stream().allMatch(f -> f.startsWith(destination + "/"));
        }
    }

    private PythonExtract() {
    }

    /** Extracts a {@code .tar.gz} (or any tar Python reads) into {@code scope/a/b/c/out}. */
    public static Result tar(Path archive, Path scope) {
        return run("tar", archive, scope);
    }

    /** Extracts a zip into {@code scope/a/b/c/out}. */
    public static Result zip(Path archive, Path scope) {
        return run("zip", archive, scope);
    }

    @SuppressWarnings("unchecked")
    private static Result run(String kind, Path archive, Path scope) {
        String destination = "a/b/c/out";
        try {
            Files.createDirectories(scope);
            Process p = new ProcessBuilder("python3", "-c", SCRIPT, kind, archive.toString(),
                    scope.resolve(destination).toString(), scope.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("python3 did not extract " + archive + " in 120 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("python3 could not extract " + archive + ": " + out);
            }
            String last = out.strip().lines().reduce((a, b) -> b).orElse("{}");
            Map<String, Object> m = Json.parseObject(last);
            return new Result((List<String>) m.get("members"), (List<String>) m.get("files"),
                    (List<String>) m.get("escaping"), destination);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
