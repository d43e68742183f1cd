package dev.mldeploy.bundle;

import dev.mldeploy.InvalidSpecException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.ignore.FastIgnoreRule;

/**
 * Which files of a model directory stay out of its packages, in gitignore syntax: mldeploy's defaults first, then
 * the model root's {@value #IGNORE_FILE}, then the spec's own excludes; as in git, the last rule that matches a
 * path decides, so {@code !pattern} in a later layer re-includes what an earlier one left out (a default included),
 * and nothing under an excluded directory can be re-included. Matching is JGit's ({@link FastIgnoreRule}), a
 * well-kept implementation of gitignore: comments, blank lines, {@code !}, trailing {@code /}, leading {@code /},
 * {@code *}, {@code ?}, {@code **}, character classes, {@code \#} and {@code \!}. Immutable and thread-safe. Package-private: {@link SourceTree} is its face.
 */
final class ExcludeRules {
    /** The ignore file read from the model root. */
    static final String IGNORE_FILE = ".mldeployignore";

    /**
     * mldeploy's default excludes: secrets and credentials, version control, virtual environments, bytecode, editor
     * and OS litter, and the ignore file itself (it says what to package; it is not part of the model).
     */
    static final List<String> DEFAULTS = List.of(
            // secrets and credentials
            ".env", ".env.*", ".aws/", ".ssh/", ".netrc", ".npmrc", ".pypirc", ".docker/", ".git-credentials",
            // version control (".git" without a slash: in a worktree or submodule it is a file)
            ".git", ".hg/", ".svn/", ".bzr/", "CVS/",
            // virtual environments and bytecode
            ".venv/", "venv/", "__pycache__/", "*.pyc", ".mypy_cache/", ".pytest_cache/", ".ipynb_checkpoints/",
            // editors and operating systems
            ".idea/", ".vscode/", ".vs/", ".fleet/", ".DS_Store", "Thumbs.db",
            // mldeploy's own
            "/" + IGNORE_FILE);

    /** Where a rule comes from. */
    enum Origin { DEFAULT, IGNORE_FILE, SPEC }

    /**
     * One rule.
     *
     * @param pattern the pattern as written
     * @param origin  where it comes from
     * @param line    its line in {@value #IGNORE_FILE} (1-based), or 0
     */
    record Rule(String pattern, Origin origin, int line, FastIgnoreRule matcher) {
    }

    private final List<Rule> rules;

    private ExcludeRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The defaults, then {@code root}'s {@value #IGNORE_FILE} if there is one, then {@code specExcludes}. */
    static ExcludeRules load(Path root, List<String> specExcludes) {
        List<Rule> rules = new ArrayList<>();
        for (String p : DEFAULTS) {
            rules.add(new Rule(p, Origin.DEFAULT, 0, new FastIgnoreRule(p)));
        }
        Path file = root.resolve(IGNORE_FILE);
        if (Files.isRegularFile(file)) {
            rules.addAll(parseIgnoreFile(file));
        }
        for (String p : specExcludes) {
            rules.add(new Rule(p, Origin.SPEC, 0, compile(p, "exclude pattern " + PackageEntryNames.display(p)
                    + " in the ModelSpec")));
        }
        return new ExcludeRules(rules);
    }

    /** The rule that decides {@code path} ('/'-separated, relative to the root), if it is left out. */
    Optional<Rule> excluding(String path, boolean directory) {
        for (int i = rules.size() - 1; i >= 0; i--) {
            Rule r = rules.get(i);
            if (r.matcher().isMatch(path, directory, true)) {
                return r.matcher().getResult() ? Optional.of(r) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static List<Rule> parseIgnoreFile(Path file) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidSpecException(file + " is not UTF-8 text; save it as UTF-8", e);
        } catch (IOException e) {
            throw new InvalidSpecException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<Rule> rules = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            // as git: blank lines and '#' comments say nothing; a lone '/' matches nothing
            if (line.isBlank() || line.startsWith("#") || line.equals("/")) {
                continue;
            }
            rules.add(new Rule(line, Origin.IGNORE_FILE, i + 1,
                    compile(line, IGNORE_FILE + " line " + (i + 1) + " (" + PackageEntryNames.display(line) + ")")));
        }
        return rules;
    }

    private static FastIgnoreRule compile(String pattern, String what) {
        FastIgnoreRule rule = new FastIgnoreRule(pattern);
        if (rule.isEmpty()) {
            // JGit turns a pattern it cannot parse (an unclosed '[', a trailing '\', a lone '!') into one that
            // matches nothing; silently packaging what the user meant to leave out would be worse than refusing
            throw new InvalidSpecException(what + " is not a valid gitignore pattern (an unclosed '[', a range "
                    + "such as [z-a], a trailing '\\' or a lone '!'); fix it, or escape special characters with '\\'");
        }
        return rule;
    }
}
