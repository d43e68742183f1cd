package dev.mldeploy.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    @Test
    void parse_readsEveryKindOfValue() {
        Object v = Json.parse(" {\"s\": \"x\", \"n\": 42, \"neg\": -7, \"d\": 1.5, \"e\": 1e3, \"t\": true, \"f\": false,"
                + " \"z\": null, \"a\": [1, [], {}], \"o\": {\"k\": \"v\"}} ");

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("s", "x");
        expected.put("n", 42L);
        expected.put("neg", -7L);
        expected.put("d", new BigDecimal("1.5"));
        expected.put("e", new BigDecimal("1e3"));
        expected.put("t", true);
        expected.put("f", false);
        expected.put("z", null);
        expected.put("a", List.of(1L, List.of(), Map.of()));
        expected.put("o", Map.of("k", "v"));
        assertEquals(expected, v);
        assertEquals(List.copyOf(expected.keySet()), new ArrayList<>(((Map<?, ?>) v).keySet()), "keeps key order");
    }

    @Test
    void parse_whenIntegerOutOfLongRange_readsBigDecimal() {
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
        assertEquals(new BigDecimal("9223372036854775808"), Json.parse("9223372036854775808"));
    }

    @Test
    void parse_decodesEscapes() {
        assertEquals("a\"b\\c/d\b\f\n\r\t é 😀", Json.parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "\"open", "tru", "nul", "01x", "1.2.3", "-",
        "\"\\x\"", "\"\\u12\"", "\"\\u+123\"", "\"\\u-123\"", "\"\\u١٢٣٤\"", "{1:2}", "[1] 2", "\"a\nb\""})
    void parse_whenMalformed_throwsWithTheOffset(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(text));
        assertTrue(e.getMessage().startsWith("malformed JSON at offset "), e.getMessage());
    }

    @Test
    void parseObject_whenNotAnObject_throws() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1]"));
        assertTrue(e.getMessage().contains("expected a JSON object"), e.getMessage());
        assertNull(Json.parse("null"));
    }

    @Test
    void write_writesCompactJsonInMapOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", 1);
        m.put("a", List.of("x", 2.5, true));
        m.put("n", null);
        m.put("arr", new Object[] {1L, "y"});
        m.put("e", Thread.State.NEW);
        m.put("big", new BigDecimal("1E+3"));

        assertEquals("{\"b\":1,\"a\":[\"x\",2.5,true],\"n\":null,\"arr\":[1,\"y\"],\"e\":\"NEW\",\"big\":1000}",
                Json.write(m));
    }

    @Test
    void write_writesNumbersWithoutNoise() {
        assertEquals("1", Json.write(1.0));
        assertEquals("0.1", Json.write(0.1));
        assertEquals("0.1", Json.write(0.1f), "a float is written as it prints, not widened");
        assertEquals("[3]", Json.write(Arrays.asList(3)));
    }

    @Test
    void write_whenNotRepresentable_throws() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Float.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    }

    @Test
    void quote_escapesControlCharactersAndRoundTrips() {
        String text = "q\"b\\n\n\t\u0001é";
        String quoted = Json.quote(text);

        assertEquals("\"q\\\"b\\\\n\\n\\t\\u0001é\"", quoted);
        assertEquals(text, Json.parse(quoted));
    }

    @Test
    void writePretty_indentsByTwoSpaces() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", List.of(1, 2));
        m.put("b", Map.of());

        assertEquals("{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}", Json.writePretty(m));
    }

    @Test
    void writeThenParse_roundTripsNestedValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("list", List.of(1L, "two", List.of(false)));
        m.put("obj", Map.of("k", "v\u2028"));
        assertEquals(m, Json.parse(Json.write(m)));
        assertEquals(m, Json.parse(Json.writePretty(m)));
    }

    @Test
    void parse_when400KbOfOpenBrackets_refusesTheNestingInsteadOfOverflowingTheStack() {
        String text = "[".repeat(400 * 1024);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(text));
        assertTrue(e.getMessage().contains("nested deeper than " + Json.MAX_DEPTH), e.getMessage());
    }

    @Test
    void parse_whenNestedExactlyToTheLimit_readsIt() {
        String text = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        Object v = Json.parse(text);
        int depth = 0;
        while (v instanceof List<?> l) {
            depth++;
            v = l.isEmpty() ? null : l.get(0);
        }
        assertEquals(Json.MAX_DEPTH, depth);
    }

    @Test
    void parse_whenObjectsNestOneLevelTooDeep_refusesThem() {
        String text = "{\"a\":".repeat(Json.MAX_DEPTH + 1) + "1" + "}".repeat(Json.MAX_DEPTH + 1);
        assertThrows(IllegalArgumentException.class, () -> Json.parse(text));
    }

    @Test
    void parse_whenSiblingsAreManyButShallow_readsThem() {
        String text = "[" + "[],".repeat(Json.MAX_DEPTH * 2) + "[]]";
        assertEquals(Json.MAX_DEPTH * 2 + 1, ((List<?>) Json.parse(text)).size());
    }
}
