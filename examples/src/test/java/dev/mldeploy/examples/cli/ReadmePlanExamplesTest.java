package dev.mldeploy.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's placement worked examples come from the code: every {@code $ ./mldeploy plan ...} block in
 * README.md is run through the CLI, each output line the README shows must be a line of the real output, and every
 * dollar amount in the prose after the block must appear in that output.
 */
class ReadmePlanExamplesTest {
    static final Path README = Path.of("../README.md");
    private static final Pattern USD = Pattern.compile("\\$\\d[\\d,]*\\.\\d{2}(?![\\d])");

    /** One worked example: the command's arguments, the output lines shown, the prose after the block. */
    record Example(List<String> args, List<String> shownLines, String prose) {
    }

    static List<Example> examples(List<String> readme) {
        List<Example> found = new ArrayList<>();
        for (int i = 0; i < readme.size(); i++) {
            if (!readme.get(i).equals("```text") || i + 1 >= readme.size()
                    || !readme.get(i + 1).startsWith("$ ./mldeploy plan ")) {
                continue;
            }
            int k = i + 1;
            StringBuilder command = new StringBuilder();
            while (true) {
                String line = readme.get(k).strip();
                boolean more = line.endsWith("\\");
                command.append(' ').append(more ? line.substring(0, line.length() - 1) : line);
                k++;
                if (!more) {
                    break;
                }
            }
            List<String> shown = new ArrayList<>();
            while (!readme.get(k).equals("```")) {
                shown.add(readme.get(k));
                k++;
            }
            StringBuilder prose = new StringBuilder();
            for (k++; k < readme.size() && !readme.get(k).startsWith("**Worked example")
                    && !readme.get(k).startsWith("#") && !readme.get(k).startsWith("```"); k++) {
                prose.append(readme.get(k)).append('\n');
            }
            List<String> words = new ArrayList<>(Arrays.asList(command.toString().strip().split("\\s+")));
            words.subList(0, 3).clear(); // "$ ./mldeploy plan"
            found.add(new Example(words, shown, prose.toString()));
            i = k - 1;
        }
        return found;
    }

    private static String plan(List<String> args) {
        List<String> all = new ArrayList<>();
        all.add("plan");
        // the README runs from the repository root; this test runs in examples/
        args.forEach(a -> all.add(a.startsWith("examples/") ? "../" + a : a));
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true);
        StringWriter err = new StringWriter();
        int status = MlDeployCli.execute(all.toArray(String[]::new), out, new PrintWriter(err, true), stdout,
                Map.of(), List.of());
        out.flush();
        assertEquals(0, status, () -> all + " failed: " + err);
        return stdout.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyWorkedPlanExample_showsWhatTheCodePrints() throws IOException {
        List<Example> examples = examples(Files.readAllLines(README));
        assertEquals(3, examples.size(), "the README's three worked examples: " + examples);
        for (Example e : examples) {
            String output = plan(e.args());
            List<String> actual = output.lines().map(String::stripTrailing).toList();
            for (String shown : e.shownLines()) {
                assertTrue(shown.isBlank() || actual.contains(shown.stripTrailing()), () -> "README line\n  " + shown
                        + "\nis not what 'mldeploy plan " + String.join(" ", e.args()) + "' prints:\n" + output);
            }
            Matcher m = USD.matcher(e.prose());
            while (m.find()) {
                String amount = m.group();
                assertTrue(output.contains(amount), () -> "the README's prose says " + amount + " after 'mldeploy plan "
                        + String.join(" ", e.args()) + "', which prints:\n" + output);
            }
        }
    }

    @Test
    void examples_parsesTheCommandItsOutputAndTheProse() {
        List<String> readme = List.of("intro", "```text", "$ ./mldeploy plan --memory-mb 512 \\",
                "      --peak-rps 15", "TARGET  FITS", "lambda  yes", "```", "", "It costs $1.60 a month.",
                "**Worked example 2**", "```text", "not a plan", "```");
        List<Example> e = examples(readme);
        assertEquals(1, e.size());
        assertEquals(List.of("--memory-mb", "512", "--peak-rps", "15"), e.get(0).args());
        assertEquals(List.of("TARGET  FITS", "lambda  yes"), e.get(0).shownLines());
        assertEquals("\nIt costs $1.60 a month.\n", e.get(0).prose());
    }
}
