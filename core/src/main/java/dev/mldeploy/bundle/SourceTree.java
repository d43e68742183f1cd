package dev.mldeploy.bundle;

import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.ModelSource;
import dev.mldeploy.ModelSpec;
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
import java.util.Optional;
import java.util.Set;

/**
 * The files of a model directory that go into its packages, in a fixed order (by relative path, '/'-separated),
 * with sizes and one content hash: what every backend packages, so that the same content gives the same package
 * and the same hash.
 *
 * <p>Left out, and listed by {@link #excluded()} with the rule that left each out: mldeploy's default excludes
 * (secrets such as {@code .env}, {@code .aws/} and {@code .ssh/}, version control, virtual environments, bytecode,
 * editor and OS litter; see {@link #DEFAULT_EXCLUDES}), the patterns in the model root's {@value #IGNORE_FILE}
 * (gitignore syntax, {@code !} re-includes, a default included) and the spec's {@link ModelSpec#excludes()}. The
 * ignore file itself is left out. The hash covers only the files that are packaged, so changing an excluded file
 * changes nothing.
 *
 * <p>Every packaged file's name must pass {@link PackageEntryNames}: a name that could escape the directory a
 * package is extracted to (a backslash, a control character, bytes that are not UTF-8) is refused, naming the
 * file, rather than rewritten. Symbolic links are followed only when they stay inside the directory.
 */
public final class SourceTree {
    /** The ignore file read from the model root (gitignore syntax). */
    public static final String IGNORE_FILE = ExcludeRules.IGNORE_FILE;
    /** mldeploy's default exclude patterns, in gitignore syntax. */
    public static final List<String> DEFAULT_EXCLUDES = ExcludeRules.DEFAULTS;
    /** At most this many unsafe names are quoted in the error. */
    private static final int MAX_NAMED = 10;

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

    /** Which rule left a file or directory out. */
    public enum ExcludeReason {
        /** One of {@link #DEFAULT_EXCLUDES}. */
        DEFAULT,
        /** A line of {@value #IGNORE_FILE}. */
        IGNORE_FILE,
        /** One of the spec's {@link ModelSpec#excludes()}. */
        SPEC
    }

    /**
     * A file, or a whole directory, left out.
     *
     * @param path      its path relative to the root, with '/' separators
     * @param directory whether it is a directory (left out with everything in it)
     * @param reason    which kind of rule left it out
     * @param pattern   the pattern that did
     * @param line      the pattern's line in {@value #IGNORE_FILE} (1-based), or 0 for the other reasons
     */
    public record Excluded(String path, boolean directory, ExcludeReason reason, String pattern, int line) {
        /** For people: {@code default rule ".env"}, {@code .mldeployignore line 3 "*.ckpt"}, ... */
        public String describe() {
            String p = PackageEntryNames.display(pattern);
            return switch (reason) {
                case DEFAULT -> "default rule " + p;
                case IGNORE_FILE -> IGNORE_FILE + " line " + line + " " + p;
                case SPEC -> "spec exclude " + p;
            };
        }
    }

    private final Path root;
    private final List<Entry> entries;
    private final List<Excluded> excluded;
    private final long totalBytes;
    private volatile String sha256;

    private SourceTree(Path root, List<Entry> entries, List<Excluded> excluded) {
        this.root = root;
        this.entries = List.copyOf(entries);
        this.excluded = List.copyOf(excluded);
        this.totalBytes = entries.stream().mapToLong(Entry::size).sum();
    }

    /** Lists {@code dir} with the default excludes and its {@value #IGNORE_FILE}. */
    public static SourceTree of(Path dir) {
        return of(dir, List.of());
    }

    /** Lists the files of {@code source} that are packaged (every exclude applied), now. */
    public static SourceTree of(ModelSource source) {
        return of(source.directory(), source.excludes());
    }

    /** Lists {@code spec}'s source directory with every exclude: the defaults, the ignore file and the spec's. */
    public static SourceTree of(ModelSpec spec) {
        return of(spec.requireModelSource());
    }

    /** Lists {@code dir}: the defaults, then its {@value #IGNORE_FILE}, then {@code excludes} (gitignore syntax). */
    public static SourceTree of(Path dir, List<String> excludes) {
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new InvalidSpecException("model source " + root + " is not a directory");
        }
        ExcludeRules rules = ExcludeRules.load(root, excludes);
        List<Entry> entries = new ArrayList<>();
        List<Excluded> excluded = new ArrayList<>();
        List<String> unsafe = new ArrayList<>();
        try {
            Path realRoot = root.toRealPath();
            Files.walkFileTree(root, Set.of(java.nio.file.FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
                                throws IOException {
                            if (d.equals(root)) {
                                return FileVisitResult.CONTINUE;
                            }
                            String rel = relativeName(root, d);
                            Optional<ExcludeRules.Rule> rule = rules.excluding(rel, true);
                            if (rule.isPresent()) {
                                excluded.add(excluded(rel, true, rule.get()));
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
                            if (!attrs.isRegularFile()) {
                                return FileVisitResult.CONTINUE;
                            }
                            String rel = relativeName(root, f);
                            Optional<ExcludeRules.Rule> rule = rules.excluding(rel, false);
                            if (rule.isPresent()) {
                                excluded.add(excluded(rel, false, rule.get()));
                                return FileVisitResult.CONTINUE;
                            }
                            if (!f.toRealPath().startsWith(realRoot)) {
                                throw new InvalidSpecException("model source has a link " + f
                                        + " that leads outside it; copy the file in instead");
                            }
                            Optional<String> problem = nameProblem(root, f, rel);
                            if (problem.isPresent()) {
                                unsafe.add(PackageEntryNames.display(rel) + " " + problem.get());
                                return FileVisitResult.CONTINUE;
                            }
                            entries.add(new Entry(rel, f, attrs.size(), Files.isExecutable(f)));
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            throw new InvalidSpecException("cannot read model source " + root + ": " + e, e);
        }
        if (!unsafe.isEmpty()) {
            throw new InvalidSpecException("model source " + root + " has " + unsafe.size() + " file name"
                    + (unsafe.size() == 1 ? "" : "s") + " that cannot be packaged safely: "
                    + String.join("; ", unsafe.subList(0, Math.min(MAX_NAMED, unsafe.size())))
                    + (unsafe.size() > MAX_NAMED ? "; and " + (unsafe.size() - MAX_NAMED) + " more" : "")
                    + ". Rename " + (unsafe.size() == 1 ? "it" : "them") + ", or leave " + (unsafe.size() == 1 ? "it" : "them")
                    + " out with " + IGNORE_FILE + " (a package entry may not be "
                    + "absolute or have a '..' segment, a backslash, a control character or bytes that are not UTF-8)");
        }
        entries.sort(Comparator.comparing(Entry::path));
        excluded.sort(Comparator.comparing(Excluded::path));
        return new SourceTree(root, entries, excluded);
    }

    /**
     * Checks one exclude pattern given in code ({@code ModelSpec.Builder.exclude}) and returns it.
     *
     * @throws InvalidSpecException when it is blank, a comment, spans lines or is not a valid gitignore pattern
     */
    public static String requireValidExclude(String pattern) {
        return ModelSource.requireValidExclude(pattern);
    }

    /** The path of {@code p} under {@code root}, its names joined with '/' as they are (never rewritten). */
    private static String relativeName(Path root, Path p) {
        StringBuilder sb = new StringBuilder();
        for (Path component : root.relativize(p)) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(component);
        }
        return sb.toString();
    }

    /** Why {@code f}'s name (each of its components, as the file system holds it) cannot be packaged. */
    private static Optional<String> nameProblem(Path root, Path f, String rel) {
        for (Path component : root.relativize(f)) {
            Optional<String> p = PackageEntryNames.diskNameProblem(component);
            if (p.isPresent()) {
                return p;
            }
        }
        return PackageEntryNames.problem(rel);
    }

    private static Excluded excluded(String rel, boolean directory, ExcludeRules.Rule rule) {
        ExcludeReason reason = switch (rule.origin()) {
            case DEFAULT -> ExcludeReason.DEFAULT;
            case IGNORE_FILE -> ExcludeReason.IGNORE_FILE;
            case SPEC -> ExcludeReason.SPEC;
        };
        return new Excluded(rel, directory, reason, rule.pattern(), rule.line());
    }

    public Path root() {
        return root;
    }

    /** The files that are packaged, sorted by path. */
    public List<Entry> entries() {
        return entries;
    }

    /** What was left out and why, sorted by path; an excluded directory is listed once, not its files. */
    public List<Excluded> excluded() {
        return excluded;
    }

    /** The excludes left out by mldeploy's defaults: what {@code package} lists as "left out by default". */
    public List<Excluded> excludedByDefault() {
        return excluded.stream().filter(e -> e.reason() == ExcludeReason.DEFAULT).toList();
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
