package dev.mldeploy.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.spi.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sample model's hooks, run with python3 directly: sensible answers, and training reproduces the weights. */
class SentimentModelTest {
    static final Path MODEL = Path.of("models/sentiment");

    private static String python(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("python3"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python3 finished");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** Runs input_fn -> predict_fn -> output_fn on {@code body} and parses the answer. */
    private static Object predict(String body) throws Exception {
        String script = "import sys, inference as m\n"
                + "model = m.model_fn('.')\n"
                + "body, ctype = m.output_fn(m.predict_fn(m.input_fn(sys.argv[1].encode(), 'application/json'), "
                + "model), 'application/json')\n"
                + "assert ctype == 'application/json', ctype\n"
                + "print(body)\n";
        return Json.parse(python(MODEL, "-c", script, body).trim());
    }

    @Test
    void obviousTexts_getTheObviousLabel_withAProbability() throws Exception {
        Map<String, String> expected = Map.of(
                "What a lovely day", "positive",
                "I love this, it is excellent", "positive",
                "The service was great and the staff friendly", "positive",
                "Not bad at all", "positive",
                "This is awful, I hate it", "negative",
                "Terrible food and rude staff", "negative",
                "Not good", "negative",
                "I would not recommend it", "negative");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> answer = (Map<String, Object>) predict(Json.write(Map.of("text", e.getKey())));
            assertEquals(e.getValue(), answer.get("label"), e.getKey());
            double score = ((Number) answer.get("score")).doubleValue();
            assertTrue(score > 0.5 && score <= 1.0, e.getKey() + " -> " + answer);
        }
    }

    @Test
    void aListOfTexts_getsAListOfPredictionsInOrder() throws Exception {
        Object answer = predict("{\"texts\": [\"great value\", \"a waste of money\"]}");
        List<?> list = (List<?>) answer;
        assertEquals("positive", ((Map<?, ?>) list.get(0)).get("label"));
        assertEquals("negative", ((Map<?, ?>) list.get(1)).get("label"));
    }

    @Test
    void train_reproducesTheCommittedWeights(@TempDir Path tmp) throws Exception {
        for (String f : List.of("train.py", "inference.py", "reviews.csv")) {
            Files.copy(MODEL.resolve(f), tmp.resolve(f));
        }
        python(tmp, "train.py");
        assertEquals(Files.readString(MODEL.resolve("weights.json")), Files.readString(tmp.resolve("weights.json")),
                "weights.json is what train.py writes from reviews.csv");
        assertTrue(Files.size(MODEL.resolve("weights.json")) < 64 * 1024, "the trained parameters stay small");
    }
}
