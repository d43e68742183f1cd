package dev.mldeploy.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CliJsonTest {
    private enum Change { CREATED }

    @Test
    void pretty_whenNested_printsTheToolsLayout() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("usd", new BigDecimal("1E+3"));
        inner.put("ratio", 1.0e-7);
        inner.put("float", 0.1f);
        inner.put("whole", 2.0);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("change", Change.CREATED);
        m.put("message", "a \"quoted\"\nline\u0001");
        m.put("none", null);
        m.put("empty", Map.of());
        m.put("list", List.of());
        m.put("items", List.of(inner, 3L, true));

        assertEquals("""
                {
                  "change": "CREATED",
                  "message": "a \\"quoted\\"\\nline\\u0001",
                  "none": null,
                  "empty": {},
                  "list": [],
                  "items": [
                    {
                      "usd": 1000,
                      "ratio": 0.0000001,
                      "float": 0.1,
                      "whole": 2
                    },
                    3,
                    true
                  ]
                }""", CliJson.pretty(m));
    }

    @Test
    void compact_printsOneLine() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", "UsageError");
        error.put("exitCode", 2);

        assertEquals("{\"error\":{\"type\":\"UsageError\",\"exitCode\":2}}", CliJson.compact(Map.of("error", error)));
    }

    @Test
    void parse_keepsOrderAndDecimals_soTheAnswerPrintsBackAsItCame() {
        String answer = "{\"label\":\"positive\",\"score\":0.10,\"big\":12345678901234567890,\"tags\":[1,2e3]}";

        Object parsed = CliJson.parse(answer);

        assertEquals(List.of("label", "score", "big", "tags"), new ArrayList<>(((Map<?, ?>) parsed).keySet()));
        assertEquals("{\"label\":\"positive\",\"score\":0.10,\"big\":12345678901234567890,\"tags\":[1,2000]}",
                CliJson.compact(parsed));
    }

    @Test
    void parse_whenNotJson_throwsIllegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> CliJson.parse("{\"a\": "));
        assertThrows(IllegalArgumentException.class, () -> CliJson.parse("[1] trailing"));
        assertThrows(IllegalArgumentException.class, () -> CliJson.parse("[".repeat(5000)));
    }
}
