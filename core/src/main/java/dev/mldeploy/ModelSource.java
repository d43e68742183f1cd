package dev.mldeploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.eclipse.jgit.ignore.FastIgnoreRule;

/**
 * Where a model comes from: its directory (absolute, normalized), the hooks file in it ({@value #ENTRY_POINT}, which
 * defines {@code model_fn} and {@code predict_fn}), and the excludes that decide which of its files are packaged.
 * Checked when made. The directory's files are listed only when {@code SourceTree.of(source)} is asked (package
 * {@code dev.mldeploy.bundle}), and afresh each time, so a spec kept while the model is edited packages what is on
 * disk at that moment.
 *
 * @param directory the model directory
 * @param excludes  the spec's exclude patterns (gitignore syntax), applied after the defaults and the ignore file
 */
public record ModelSource(Path directory, List<String> excludes) {
    /** The file in the model directory that defines the hooks. */
    public static final String ENTRY_POINT = "inference.py";
    private static final List<String> REQUIRED_HOOKS = List.of("model_fn", "predict_fn");

    /**
     * @throws InvalidSpecException when {@code directory} is not a directory, has no {@value #ENTRY_POINT}, or that
     *                              file does not define the required hooks at top level
     */
    public ModelSource {
        Objects.requireNonNull(directory, "directory");
        directory = validate(directory);
        excludes = List.copyOf(excludes);
    }

    /** The source in {@code directory}, with no excludes of the spec's own. */
    public static ModelSource of(Path directory) {
        return new ModelSource(directory, List.of());
    }

    /** The hooks file's name: {@value #ENTRY_POINT}. */
    public String entryPoint() {
        return ENTRY_POINT;
    }

    /** The hooks file. */
    public Path hooksFile() {
        return directory.resolve(ENTRY_POINT);
    }

    /**
     * Checks one exclude pattern (gitignore syntax) and returns it.
     *
     * @throws InvalidSpecException when it is blank, a comment, spans lines, or is not a pattern gitignore parses
     */
    public static String requireValidExclude(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        String what = "exclude pattern " + quoted(pattern);
        if (pattern.isBlank() || pattern.startsWith("#")) {
            throw new InvalidSpecException(what + " is " + (pattern.isBlank() ? "blank" : "a comment")
                    + "; give a gitignore pattern such as 'data/raw/' or '*.ckpt'");
        }
        if (pattern.indexOf('\n') >= 0 || pattern.indexOf('\r') >= 0) {
            throw new InvalidSpecException(what + " spans several lines; give one pattern per call");
        }
        if (new FastIgnoreRule(pattern).isEmpty()) {
            // JGit turns a pattern it cannot parse (an unclosed '[', a trailing '\', a lone '!') into one that
            // matches nothing; silently packaging what the user meant to leave out would be worse than refusing
            throw new InvalidSpecException(what + " is not a valid gitignore pattern (an unclosed '[', a range "
                    + "such as [z-a], a trailing '\\' or a lone '!'); fix it, or escape special characters with '\\'");
        }
        return pattern;
    }

    /** {@code text} in double quotes, with quotes, backslashes and control characters escaped. */
    private static String quoted(String text) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '\\' || c == '"') {
                sb.append('\\').append(c);
            } else if (Character.isISOControl(c) || Character.isSurrogate(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    private static Path validate(Path source) {
        Path dir = source.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new InvalidSpecException("model source " + dir + " is not a directory; point it at the directory "
                    + "holding " + ENTRY_POINT);
        }
        Path entry = dir.resolve(ENTRY_POINT);
        if (!Files.isRegularFile(entry)) {
            throw new InvalidSpecException("model source " + dir + " has no " + ENTRY_POINT + "; add one that "
                    + "defines model_fn(model_dir) and predict_fn(data, model)");
        }
        String code;
        try {
            code = Files.readString(entry, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidSpecException("cannot read " + entry + ": " + e.getMessage(), e);
        }
        for (String hook : REQUIRED_HOOKS) {
            if (!Pattern.compile("(?m)^(async\\s+)?def\\s+" + hook + "\\s*\\(").matcher(code).find()) {
                throw new InvalidSpecException(entry + " does not define " + hook + "(...) at top level; "
                        + "model_fn(model_dir) and predict_fn(data, model) are required "
                        + "(input_fn and output_fn are optional)");
            }
        }
        return dir;
    }
}
