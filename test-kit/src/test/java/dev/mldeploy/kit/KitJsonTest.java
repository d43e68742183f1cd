package dev.mldeploy.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class KitJsonTest {
    @Test
    void quote_escapesQuotesBackslashesAndControlCharacters() {
        assertEquals("\"a\\\"b\\\\c\\nd\\u0001\"", KitJson.quote("a\"b\\c\nd\u0001"));
    }

    @Test
    void compact_dropsWhiteSpaceOutsideStringsOnly() {
        assertEquals("{\"a b\":[1,\"c \\\" d\"]}", KitJson.compact("{ \"a b\" : [ 1 ,\n \"c \\\" d\" ] }"));
    }

    @Test
    void compact_keepsDifferentValuesApart() {
        assertNotEquals(KitJson.compact("{\"version\": \"1\"}"), KitJson.compact("{\"version\": \"2\"}"));
    }

    @Test
    void echoAnswer_isTheEchoModelsJsonForTheText() {
        assertEquals("{\"echo\":{\"text\":\"hi \\\"x\\\"\"},\"version\":\"2\"}",
                KitJson.compact(KitModels.echoAnswer("hi \"x\"", "2")));
    }

    @Test
    void adapterError_isTheAdaptersErrorBody() {
        assertEquals("{\"errorType\":\"ValueError\",\"errorMessage\":\"bad 'x'\",\"stackTrace\":[]}",
                KitJson.compact(KitModels.adapterError("ValueError", "bad 'x'")));
    }
}
