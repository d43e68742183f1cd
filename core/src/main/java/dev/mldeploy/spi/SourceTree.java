package dev.mldeploy.spi;

import dev.mldeploy.InvalidSpecException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The files of a model directory in a fixed order (by relative path, '/'-separated), with sizes and one content
 * hash: what every backend packages, so that the same content gives the same package and the same hash.
 * Skips {@code __pycache__}, {@code *.pyc}, {@code .git} and other editor and OS litter. Symbolic links are
 * followed only when they stay inside the directory.
 */
public final class SourceTree {
    private static final Set<String> SKIPPED_DIRS = Set.of("__pycache__", ".git", ".hg", ".svn", ".idea",
            ".vscode", ".mypy_cache", ".pytest_cache", ".ipynb_checkpoints");
    private static final Set<String> SKIPPED_FILES = Set.of(".DS_Store", "Thumbs.db");

    /**
     * One file.
     *
     * @param path       its path relative to the root, with '/' separators
     * @param file       where it is on disk
     * @param size       its size in bytes
     * @param executable whether its owner may execute it
     */
    public record Entry(String path, Path file, long size, boolean executable) {
    }

    private final Path root;
    private final List<Entry> entries;
    private final long totalBytes;
    private volatile String sha256;

    private SourceTree(Path root, List<Entry> entries) {
        this.root = root;
        this.entries = List.copyOf(entries);
        this.totalBytes = entries.stream().mapToLong(Entry::size).sum();
    }

    /** Lists {@code dir}. */
    public static SourceTree of(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new InvalidSpecException("model source " + root + " is not a directory");
        }
        List<Entry> entries = new ArrayList<>();
        try {
            Path realRoot = root.toRealPath();
            Files.walkFileTree(root, Set.of(java.nio.file.FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
                                throws IOException {
                            if (!d.equals(root) && SKIPPED_DIRS.contains(d.getFileName().toString())) {
                                return FileVisitResult.SKIP_SUBTREE;
                            }
                            if (!d.toRealPath().startsWith(realRoot)) {
                                throw new InvalidSpecException("model source has a link " + d
                                        + " that leads outside it; copy the files in instead");
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                            String name = f.getFileName().toString();
                            if (!attrs.isRegularFile() || SKIPPED_FILES.contains(name) || name.endsWith(".pyc")) {
                                return FileVisitResult.CONTINUE;
                            }
                            if (!f.toRealPath().startsWith(realRoot)) {
                                throw new InvalidSpecException("model source has a link " + f
                                        + " that leads outside it; copy the file in instead");
                            }
                            String rel = root.relativize(f).toString().replace('\\', '/');
                            boolean exec = Files.isExecutable(f);
                            entries.add(new Entry(rel, f, attrs.size(), exec));
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            throw new InvalidSpecException("cannot read model source " + root + ": " + e, e);
        }
        entries.sort(Comparator.comparing(Entry::path));
        return new SourceTree(root, entries);
    }

    public Path root() {
        return root;
    }

    /** The files, sorted by path. */
    public List<Entry> entries() {
        return entries;
    }

    /** The sum of the files' sizes: the unpacked package size, before the adapter is added. */
    public long totalBytes() {
        return totalBytes;
    }

    /** SHA-256 over every file's path, mode and content, in order; hex. Computed once. */
    public String sha256() {
        String h = sha256;
        if (h == null) {
            h = computeHash();
            sha256 = h;
        }
        return h;
    }

    private String computeHash() {
        MessageDigest md = newSha256();
        byte[] buf = new byte[1 << 16];
        for (Entry e : entries) {
            md.update(e.path().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update((byte) (e.executable() ? 1 : 0));
            md.update(Long.toString(e.size()).getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            try (InputStream in = Files.newInputStream(e.file())) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                }
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot read " + e.file(), ex);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
