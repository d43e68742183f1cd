package dev.mldeploy;

import dev.mldeploy.bundle.SourceTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a model comes from: its directory (absolute, normalized), the hooks file in it ({@value #ENTRY_POINT}, which
 * defines {@code model_fn} and {@code predict_fn}), and the excludes that decide which of its files are packaged.
 * Checked when made. The directory's files are listed only when {@link #tree()} is asked, and afresh each time, so a
 * spec kept while the model is edited packages what is on disk at that moment.
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

    /** Lists the files that are packaged (every exclude applied), now. */
    public SourceTree tree() {
        return SourceTree.of(directory, excludes);
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
