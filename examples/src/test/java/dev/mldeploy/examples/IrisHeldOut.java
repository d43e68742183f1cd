package dev.mldeploy.examples;

import dev.mldeploy.spi.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The iris example's held-out flowers ({@code heldout.csv}, written by its train.py with their true species) and
 * the accuracy train.py recorded on them ({@code weights.json} {@code heldout.accuracy}).
 *
 * @param header the CSV's header line
 * @param rows the measurements, one CSV line each (no species column), as written
 * @param species the true species, in the same order
 * @param recordedAccuracy what train.py measured on these rows
 */
record IrisHeldOut(String header, List<String> rows, List<String> species, double recordedAccuracy) {
    static IrisHeldOut read(Path model) throws IOException {
        List<String> lines = Files.readAllLines(model.resolve("heldout.csv"));
        List<String> rows = new ArrayList<>();
        List<String> species = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            int cut = line.lastIndexOf(',');
            rows.add(line.substring(0, cut));
            species.add(line.substring(cut + 1));
        }
        Map<?, ?> weights = (Map<?, ?>) Json.parse(Files.readString(model.resolve("weights.json")));
        double accuracy = ((Number) ((Map<?, ?>) weights.get("heldout")).get("accuracy")).doubleValue();
        return new IrisHeldOut(lines.get(0), List.copyOf(rows), List.copyOf(species), accuracy);
    }

    /** {"instances": [[...], ...]} of every row. */
    String instancesJson() {
        return "{\"instances\": [" + String.join(", ", rows.stream().map(r -> "[" + r + "]").toList()) + "]}";
    }

    /** The rows as a text/csv body, one flower a line, no header. */
    String csv() {
        return String.join("\n", rows) + "\n";
    }

    /** The share of {@code predicted} equal to the true species. */
    double accuracyOf(List<?> predicted) {
        if (predicted.size() != species.size()) {
            throw new AssertionError(predicted.size() + " predictions for " + species.size() + " rows");
        }
        int right = 0;
        for (int i = 0; i < species.size(); i++) {
            right += species.get(i).equals(predicted.get(i)) ? 1 : 0;
        }
        return (double) right / species.size();
    }
}
