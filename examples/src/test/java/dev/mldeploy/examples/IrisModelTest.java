package dev.mldeploy.examples;

import static dev.mldeploy.examples.SklearnPython.IRIS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.spi.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The iris example's hooks and training, run with Debian's python3 directly (no deployment): training reproduces the
 * committed files, and input_fn refuses malformed rows saying what to send. {@code IrisModelIT} deploys it.
 */
class IrisModelTest {
    /**
     * Runs the hooks on each [body, content type] pair of the JSON list in argv[1], in one process (importing
     * scikit-learn takes seconds); prints one line per pair: the answer, or "ValueError: message".
     */
    private static final String HOOKS = "import json, sys, inference as m\n"
            + "model = m.model_fn('.')\n"
            + "for body, content_type in json.loads(sys.argv[1]):\n"
            + "    try:\n"
            + "        data = m.input_fn(body.encode(), content_type)\n"
            + "    except ValueError as e:\n"
            + "        print('ValueError: %s' % e); continue\n"
            + "    print(m.output_fn(m.predict_fn(data, model), 'application/json')[0])\n";

    /** The malformed requests below and, in the same order, what input_fn said to them. */
    private static final List<List<String>> MALFORMED = List.of(
            List.of("{\"instances\": [[5.1, 3.5, 1.4]]}", "application/json"),
            List.of("{\"instances\": [[5.1, 3.5, 1.4, 0.2], 7]}", "application/json"),
            List.of("{\"instances\": [[5.1, \"wide\", 1.4, 0.2]]}", "application/json"),
            List.of("{\"instances\": [[5.1, true, 1.4, 0.2]]}", "application/json"),
            List.of("{\"instances\": [[NaN, 3.5, 1.4, 0.2]]}", "application/json"),
            List.of("{\"instances\": []}", "application/json"),
            List.of("{\"rows\": [[5.1, 3.5, 1.4, 0.2]]}", "application/json"),
            List.of("5.1,3.5,x,0.2", "text/csv"),
            List.of("sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm", "text/csv"),
            List.of("5.1,3.5,1.4,0.2", "application/x-npy"));
    private static List<String> malformedAnswers;

    private static List<String> hooks(List<List<String>> requests) throws Exception {
        return SklearnPython.run(IRIS, "-c", HOOKS, Json.write(requests)).lines().toList();
    }

    @BeforeEach
    void needsSklearn() {
        SklearnPython.assumeAvailable();
    }

    private static String hooks(String body, String contentType) throws Exception {
        return SklearnPython.run(IRIS, "-c", HOOKS, body, contentType).trim();
    }

    @Test
    void train_reproducesTheCommittedWeightsAndHeldOutRows(@TempDir Path tmp) throws Exception {
        Map<?, ?> committed = (Map<?, ?>) Json.parse(Files.readString(IRIS.resolve("weights.json")));
        String trainedWith = (String) ((Map<?, ?>) committed.get("trained_with")).get("scikit-learn");
        String installed = SklearnPython.run(IRIS, "-c", "import sklearn; print(sklearn.__version__)").trim();
        Assumptions.assumeTrue(trainedWith.equals(installed), "weights.json was trained with scikit-learn "
                + trainedWith + ", " + SklearnPython.PYTHON + " has " + installed + "; lbfgs may end elsewhere");
        for (String f : List.of("train.py", "inference.py")) {
            Files.copy(IRIS.resolve(f), tmp.resolve(f));
        }
        String out = SklearnPython.run(tmp, "train.py", tmp.toString());
        assertTrue(out.contains("held-out accuracy"), out);
        for (String f : List.of("weights.json", "heldout.csv")) {
            assertEquals(Files.readString(IRIS.resolve(f)), Files.readString(tmp.resolve(f)),
                    f + " is what train.py writes");
        }
    }

    @Test
    void hooks_givenJsonAndCsvOfTheSameRows_answerTheSame() throws Exception {
        List<String> answers = hooks(List.of(
                List.of("{\"instances\": [[5.1, 3.5, 1.4, 0.2], [6.3, 3.3, 6.0, 2.5]]}", "application/json"),
                List.of("5.1,3.5,1.4,0.2\r\n\n6.3,3.3,6.0,2.5", "text/csv; charset=utf-8")));
        String json = answers.get(0);
        String csv = answers.get(1);
        assertEquals(json, csv);
        Map<?, ?> answer = (Map<?, ?>) Json.parse(json);
        assertEquals(List.of("setosa", "virginica"), answer.get("predictions"));
        assertEquals(List.of("setosa", "versicolor", "virginica"), answer.get("classes"));
        for (Object row : (List<?>) answer.get("probabilities")) {
            double sum = ((List<?>) row).stream().mapToDouble(p -> ((Number) p).doubleValue()).sum();
            assertEquals(1.0, sum, 1e-3, "probabilities of one flower add up to 1: " + row);
        }
    }

    @ParameterizedTest(name = "request {0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "0|ValueError: instance 1 has 3 values; each row holds 4 numbers (sepal length, sepal width, petal length,"
                + " petal width in cm)",
        "1|ValueError: instance 2 has no list of values but 7; each row holds 4 numbers",
        "2|ValueError: instance 1, value 2 is 'wide'; send a number",
        "3|ValueError: instance 1, value 2 is True; send a number",
        "4|ValueError: instance 1, value 1 is nan; send a finite number",
        "5|ValueError: no rows: send at least one flower of 4 measurements",
        "6|ValueError: expected a JSON object {\"instances\": [[5.1, 3.5, 1.4, 0.2], ...]}",
        "7|ValueError: CSV line 1, value 3 is 'x'; send a number",
        "8|ValueError: CSV line 1, value 1 is 'sepal_length_cm'; send a number",
        "9|ValueError: unsupported content type 'application/x-npy'; send application/json or text/csv",
    })
    void inputFn_givenAMalformedRequest_raisesValueError_sayingWhatToSend(int request, String expected)
            throws Exception {
        synchronized (IrisModelTest.class) {
            if (malformedAnswers == null) {
                malformedAnswers = hooks(MALFORMED);
            }
        }
        assertEquals(MALFORMED.size(), malformedAnswers.size(), malformedAnswers::toString);
        String answer = malformedAnswers.get(request);
        assertTrue(answer.startsWith(expected), MALFORMED.get(request) + " -> " + answer);
    }
}
