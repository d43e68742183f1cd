package dev.mldeploy.python;

import dev.mldeploy.PackageSize;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The files pip installed into a {@code --target} directory: leaves out byte code and measures each distribution
 * from its {@code *.dist-info/RECORD} (the file list pip writes for every install, PEP 376/627). A file counts for
 * the first distribution whose RECORD names it, with its size on disk, so sizes never count a file twice and files
 * deleted after the install (byte code) count for nothing. Hand-written: reading a CSV of paths needs no library.
 */
final class InstalledTree {
    private InstalledTree() {
    }

    /** Deletes every {@code __pycache__} directory and {@code *.pyc}/{@code *.pyo} file under {@code dir}. */
    static void stripBytecode(Path dir) {
        List<Path> doomed = new ArrayList<>();
        try (Stream<Path> all = Files.walk(dir)) {
            all.forEach(p -> {
                String n = p.getFileName().toString();
                if ((Files.isDirectory(p) && n.equals("__pycache__")) || n.endsWith(".pyc") || n.endsWith(".pyo")) {
                    doomed.add(p);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path p : doomed) {
            deleteTree(p);
        }
    }

    /** Measures {@code dir}: every file's bytes, and each distribution's from its RECORD. */
    static ResolvedDependencies measure(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        long total;
        try (Stream<Path> all = Files.walk(root)) {
            total = all.filter(Files::isRegularFile).mapToLong(InstalledTree::size).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<PackageSize> packages = new ArrayList<>();
        Set<Path> counted = new HashSet<>();
        List<Path> distInfos;
        try (Stream<Path> top = Files.list(root)) {
            distInfos = top.filter(p -> p.getFileName().toString().endsWith(".dist-info") && Files.isDirectory(p))
                    .sorted(Comparator.comparing(Path::toString)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path info : distInfos) {
            String[] nameVersion = nameAndVersion(info);
            long bytes = 0;
            for (Path file : recordedFiles(root, info)) {
                if (counted.add(file) && Files.isRegularFile(file)) {
                    bytes += size(file);
                }
            }
            packages.add(new PackageSize(nameVersion[0], nameVersion[1], bytes));
        }
        return new ResolvedDependencies(dir, total, packages);
    }

    /** The files a RECORD lists (plus the RECORD itself), resolved, only those inside {@code root}. */
    private static List<Path> recordedFiles(Path root, Path distInfo) {
        List<Path> files = new ArrayList<>();
        files.add(distInfo.resolve("RECORD"));
        Path record = distInfo.resolve("RECORD");
        if (!Files.isRegularFile(record)) {
            return files;
        }
        try {
            for (String line : Files.readAllLines(record, StandardCharsets.UTF_8)) {
                String path = firstCsvField(line);
                if (path.isEmpty()) {
                    continue;
                }
                Path file = root.resolve(path).normalize();
                if (file.startsWith(root)) {
                    files.add(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** RECORD is CSV: a path with a comma is quoted, with {@code ""} for a quote. */
    static String firstCsvField(String line) {
        if (!line.startsWith("\"")) {
            int comma = line.indexOf(',');
            return (comma < 0 ? line : line.substring(0, comma)).strip();
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    sb.append('"');
                    i++;
                } else {
                    break;
                }
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Name and version from METADATA, else from the directory's name ({@code name-version.dist-info}). */
    private static String[] nameAndVersion(Path distInfo) {
        String dirName = distInfo.getFileName().toString();
        String base = dirName.substring(0, dirName.length() - ".dist-info".length());
        int dash = base.lastIndexOf('-');
        String name = dash < 0 ? base : base.substring(0, dash);
        String version = dash < 0 ? "" : base.substring(dash + 1);
        Path metadata = distInfo.resolve("METADATA");
        if (Files.isRegularFile(metadata)) {
            try {
                for (String line : Files.readAllLines(metadata, StandardCharsets.UTF_8)) {
                    if (line.isEmpty()) {
                        break;  // the headers end at the first blank line; the description follows
                    }
                    if (line.startsWith("Name:")) {
                        name = line.substring(5).strip();
                    } else if (line.startsWith("Version:")) {
                        version = line.substring(8).strip();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new String[] {name, version};
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes {@code p} and everything under it; absent is fine. */
    static void deleteTree(Path p) {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(p)) {
            for (Path x : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes everything inside {@code dir}, keeping {@code dir}. */
    static void clear(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> children = Files.list(dir)) {
            for (Path c : children.toList()) {
                deleteTree(c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
