package dev.mldeploy.bundle;

import dev.mldeploy.InvalidSpecException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The one rule for the name of a file inside a package (the SageMaker {@code model.tar.gz}, its uncompressed S3
 * prefix, the Lambda zip) and for a file the local target serves: a relative, '/'-separated path that stays inside
 * whatever directory it is extracted to, on any system. A name is refused when it is empty or absolute ({@code /x},
 * {@code C:x}), has an empty, {@code .} or {@code ..} segment, a backslash (a separator on Windows: never rewritten,
 * since {@code ..\..\x} would become {@code ../../x}), a control character (which also keeps terminals safe when a
 * name is printed), or is not valid UTF-8 (an unpaired surrogate, or U+FFFD, which is what Java makes of bytes it
 * cannot decode in a file name).
 *
 * <p>{@link SourceTree} applies it to every file it lists, and the archive writers apply it again to every entry
 * they write. Stateless.
 */
public final class PackageEntryNames {
    private PackageEntryNames() {
    }

    /** Returns {@code name} if it is a safe entry name, else throws {@link InvalidSpecException} naming it. */
    public static String requireSafe(String name) {
        Optional<String> problem = problem(name);
        if (problem.isPresent()) {
            throw new InvalidSpecException("package entry name " + display(name) + " " + problem.get()
                    + "; rename the file or exclude it (.mldeployignore)");
        }
        return name;
    }

    /** Why {@code name} is not a safe entry name (for example "has a backslash"), or empty when it is. */
    public static Optional<String> problem(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("is empty");
        }
        if (name.startsWith("/") || (name.length() >= 2 && name.charAt(1) == ':' && isAsciiLetter(name.charAt(0)))) {
            return Optional.of("is absolute");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\\') {
                return Optional.of("has a backslash (a path separator on Windows)");
            }
            if (Character.isISOControl(c)) {
                return Optional.of("has a control character (U+" + String.format("%04X", (int) c) + ")");
            }
            if (c == '\uFFFD') {
                return Optional.of("is not valid UTF-8 (it holds U+FFFD, what Java makes of undecodable bytes)");
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < name.length()
                        && Character.isLowSurrogate(name.charAt(i + 1));
                if (!paired) {
                    return Optional.of("is not valid UTF-8 (it holds an unpaired surrogate)");
                }
                i++;
            }
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty()) {
                return Optional.of("has an empty path segment");
            }
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.of("has a '" + segment + "' segment");
            }
        }
        return Optional.empty();
    }

    /**
     * Why the name of {@code component}, one file or directory name as the file system holds it, cannot be
     * packaged, or empty when it can. It catches what {@link #problem(String)} cannot see in a Java string: bytes
     * the JVM's file-name encoding ({@code sun.jnu.encoding}) cannot decode, and names that are not UTF-8 when
     * that encoding is not UTF-8.
     */
    static Optional<String> diskNameProblem(Path component) {
        String name = component.toString();
        // Unix paths are bytes: an undecodable name comes back as U+FFFD and no longer names the same file
        if (!component.getFileSystem().getPath(name).equals(component)) {
            return Optional.of("is not valid UTF-8 (or not valid in this JVM's file-name encoding "
                    + FILE_NAME_CHARSET.name() + ")");
        }
        if (!FILE_NAME_CHARSET.equals(StandardCharsets.UTF_8)) {
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(name.getBytes(FILE_NAME_CHARSET)));
            } catch (CharacterCodingException e) {
                return Optional.of("is not valid UTF-8");
            }
        }
        return problem(name);
    }

    /**
     * {@code name} quoted for a message or a listing, with backslashes, quotes and control characters escaped, so
     * that printing it cannot move a terminal's cursor or fake another line.
     */
    public static String display(String name) {
        if (name == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\\' || c == '"') {
                sb.append('\\').append(c);
            } else if (Character.isISOControl(c) || Character.isSurrogate(c) && !isPairAt(name, i)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    private static boolean isPairAt(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static final Charset FILE_NAME_CHARSET = fileNameCharset();

    private static Charset fileNameCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name()));
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }
}
