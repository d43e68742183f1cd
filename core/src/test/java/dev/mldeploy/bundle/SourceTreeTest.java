package dev.mldeploy.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.kit.HostileNames;
import dev.mldeploy.kit.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceTreeTest {
    @TempDir
    Path tmp;

    private Path model() {
        return TestModels.copy(TestModels.ECHO, tmp);
    }

    private static void write(Path dir, String... relativePaths) throws IOException {
        for (String rel : relativePaths) {
            Path f = dir.resolve(rel);
            Files.createDirectories(f.getParent());
            Files.writeString(f, "content of " + rel);
        }
    }

    private static List<String> paths(SourceTree tree) {
        return tree.entries().stream().map(SourceTree.Entry::path).toList();
    }

    private static Map<String, SourceTree.Excluded> excluded(SourceTree tree) {
        return tree.excluded().stream().collect(Collectors.toMap(SourceTree.Excluded::path, e -> e));
    }

    @Test
    void of_leavesOutSecretsVcsVirtualEnvsAndLitter_byDefault_andSaysWhichRule() throws IOException {
        Path dir = model();
        write(dir, ".env", ".env.local", "sub/.env.production", ".aws/credentials", ".ssh/id_rsa", ".netrc", ".npmrc",
                ".pypirc", ".docker/config.json", ".git/config", ".hg/hgrc", ".svn/entries", ".bzr/x", "CVS/Root",
                ".venv/bin/activate", "venv/lib/x.py", "__pycache__/inference.cpython-311.pyc", "lib/util.pyc",
                ".DS_Store", ".idea/workspace.xml", ".vscode/settings.json", "lib/__pycache__/m.pyc",
                "weights.bin", "lib/util.py", "env.py", "environment.yml");

        SourceTree tree = SourceTree.of(dir);

        assertEquals(List.of("env.py", "environment.yml", "inference.py", "lib/util.py", "weights.bin"), paths(tree));
        Map<String, SourceTree.Excluded> out = excluded(tree);
        for (String p : List.of(".env", ".env.local", "sub/.env.production", ".aws", ".ssh", ".netrc", ".npmrc",
                ".pypirc", ".docker", ".git", ".hg", ".svn", ".bzr", "CVS", ".venv", "venv", "__pycache__",
                "lib/util.pyc", ".DS_Store", ".idea", ".vscode", "lib/__pycache__")) {
            assertTrue(out.containsKey(p), p + " should be left out; left out: " + out.keySet());
            assertEquals(SourceTree.ExcludeReason.DEFAULT, out.get(p).reason(), p);
        }
        assertTrue(out.get(".aws").directory(), "a directory is listed once, not its files");
        assertFalse(out.containsKey(".aws/credentials"));
        assertEquals("default rule \".aws/\"", out.get(".aws").describe());
        assertEquals(tree.excluded(), tree.excludedByDefault());
    }

    @Test
    void of_honoursMldeployignore_withGitignoreSyntax() throws IOException {
        Path dir = model();
        write(dir, "data/raw/a.csv", "data/clean/b.csv", "top.log", "sub/top.log", "keep.log", "notes/x.md",
                "sub/notes/y.md", "checkpoints/a/b/c.ckpt", "checkpoints/final.ckpt", "img1.png", "img22.png",
                "v1.bin", "v9.bin", "#hash.txt", "!bang.txt", "only-dir", "build/out.txt", "docs/deep/er/README.md",
                "docs/guide.md", "trailing.txt");
        Files.writeString(dir.resolve(".mldeployignore"), String.join("\n",
                "# a comment, then a blank line",
                "",
                "data/raw/",          // trailing '/': a directory, anchored because of the inner '/'
                "*.log",              // '*' at any depth
                "!keep.log",          // '!' re-includes
                "/notes/",            // leading '/': only at the root
                "checkpoints/**/*.ckpt", // '**'
                "img?.png",           // '?': one character
                "v[0-5].bin",         // character class
                "\\#hash.txt",        // escaped '#'
                "\\!bang.txt",        // escaped '!'
                "only-dir/",          // a directory pattern does not match a file
                "build",              // no slash: file or directory
                "docs/**/README.md",
                "trailing.txt   ",    // trailing spaces are not part of the pattern
                ""));

        SourceTree tree = SourceTree.of(dir);

        assertEquals(List.of("data/clean/b.csv", "docs/guide.md", "img22.png", "inference.py",
                "keep.log", "only-dir", "sub/notes/y.md", "v9.bin"), paths(tree));
        Map<String, SourceTree.Excluded> out = excluded(tree);
        assertEquals(SourceTree.ExcludeReason.IGNORE_FILE, out.get("data/raw").reason());
        assertEquals(3, out.get("data/raw").line());
        assertEquals(".mldeployignore line 4 \"*.log\"", out.get("top.log").describe());
        assertTrue(out.containsKey("sub/top.log"));
        assertTrue(out.containsKey("notes"));
        assertTrue(out.containsKey("#hash.txt") && out.containsKey("!bang.txt"));
        assertTrue(out.containsKey("checkpoints/a/b/c.ckpt"));
        assertTrue(out.containsKey("checkpoints/final.ckpt"), "as in git, a/**/b matches a/b too");
        assertTrue(out.get("build").directory());
        assertEquals(SourceTree.ExcludeReason.DEFAULT, out.get(".mldeployignore").reason(),
                "the ignore file itself is not packaged");
    }

    @Test
    void of_mldeployignoreNegation_reIncludesADefault_butNotInsideAnExcludedDirectory() throws IOException {
        Path dir = model();
        write(dir, ".env", ".env.example", ".aws/config");
        Files.writeString(dir.resolve(".mldeployignore"), "!.env.example\n!.aws/config\n");

        SourceTree tree = SourceTree.of(dir);

        assertEquals(List.of(".env.example", "inference.py"), paths(tree));
        assertTrue(excluded(tree).containsKey(".aws"), "as in git, nothing under an excluded directory comes back");
    }

    @Test
    void of_specExcludes_applyAfterTheIgnoreFile_andAreListedAsSpec() throws IOException {
        Path dir = model();
        write(dir, "a.ckpt", "b.ckpt", "raw/x.csv");
        Files.writeString(dir.resolve(".mldeployignore"), "*.ckpt\n");
        ModelSpec spec = ModelSpec.builder("m").source(dir).exclude("raw/", "!b.ckpt").build();

        SourceTree tree = SourceTree.of(spec);

        assertEquals(List.of("b.ckpt", "inference.py"), paths(tree));
        assertEquals(SourceTree.ExcludeReason.SPEC, excluded(tree).get("raw").reason());
        assertEquals("spec exclude \"raw/\"", excluded(tree).get("raw").describe());
        assertEquals(SourceTree.ExcludeReason.IGNORE_FILE, excluded(tree).get("a.ckpt").reason());
    }

    @Test
    void of_whenIgnoreFileHasAnInvalidPattern_refusesNamingTheLine() throws IOException {
        Path dir = model();
        Files.writeString(dir.resolve(".mldeployignore"), "ok.txt\n[abc\n");

        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> SourceTree.of(dir));

        assertTrue(e.getMessage().contains(".mldeployignore line 2 (\"[abc\")"), e.getMessage());
    }

    @Test
    void of_whenIgnoreFileIsNotUtf8_refuses() throws IOException {
        Path dir = model();
        Files.write(dir.resolve(".mldeployignore"), new byte[] {'a', (byte) 0xff, '\n'});

        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> SourceTree.of(dir));

        assertTrue(e.getMessage().contains("is not UTF-8"), e.getMessage());
    }

    @Test
    void of_whenFileNamesAreHostile_refusesNamingEveryOne_neverRewritingThem() throws IOException {
        Path dir = model();
        List<String> made = HostileNames.createJavaNames(dir);
        assertEquals(HostileNames.JAVA_NAMES, made, "Linux accepts every one of these names");

        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> SourceTree.of(dir));

        assertTrue(e.getMessage().startsWith("model source " + dir.toAbsolutePath().normalize() + " has "
                + made.size() + " file names that cannot be packaged safely"), e.getMessage());
        for (String name : made) {
            assertTrue(e.getMessage().contains(PackageEntryNames.display(name)), name + " missing in " + e.getMessage());
        }
        assertTrue(e.getMessage().contains("backslash"));
        assertTrue(e.getMessage().contains("control character"));
        assertFalse(e.getMessage().contains("../../"), "a backslash is never turned into '/'");
        assertFalse(e.getMessage().chars().anyMatch(Character::isISOControl), "the message is one safe line");
    }

    @Test
    void of_whenAHostileNameIsInADirectory_refusesTheFile() throws IOException {
        Path dir = model();
        Path sub = Files.createDirectories(dir.resolve("..\\..\\up"));
        Files.writeString(sub.resolve("x.txt"), "x");

        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> SourceTree.of(dir));

        assertTrue(e.getMessage().contains(PackageEntryNames.display("..\\..\\up/x.txt")), e.getMessage());
    }

    @Test
    void of_whenAFileNameIsNotUtf8_refusesNamingIt() {
        Path dir = model();
        assumeTrue(HostileNames.createInvalidUtf8Name(dir), "this file system refuses names that are not UTF-8");

        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> SourceTree.of(dir));

        assertTrue(e.getMessage().contains("\"" + HostileNames.INVALID_UTF8_PREFIX), e.getMessage());
        assertTrue(e.getMessage().contains("is not valid UTF-8"), e.getMessage());
    }

    @Test
    void of_whenHostileNamesAreExcluded_packagesTheRest() throws IOException {
        Path dir = model();
        Path junk = Files.createDirectories(dir.resolve("junk"));
        HostileNames.createJavaNames(junk);
        Files.writeString(dir.resolve(".mldeployignore"), "/junk/\n");

        SourceTree tree = SourceTree.of(dir);

        assertEquals(List.of("inference.py"), paths(tree));
    }

    @Test
    void sha256_coversOnlyWhatIsPackaged() throws IOException {
        Path dir = model();
        write(dir, ".env", ".aws/credentials");
        String before = SourceTree.of(dir).sha256();

        Files.writeString(dir.resolve(".env"), "AWS_SECRET_ACCESS_KEY=changed");
        Files.writeString(dir.resolve(".aws/credentials"), "changed");
        assertEquals(before, SourceTree.of(dir).sha256(), "excluded files do not count");

        Files.writeString(dir.resolve(".mldeployignore"), "!.env\n");
        assertNotEquals(before, SourceTree.of(dir).sha256(), "a re-included .env is packaged, so it counts");
    }
}
