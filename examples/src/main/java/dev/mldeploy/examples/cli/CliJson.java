package dev.mldeploy.examples.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;

/**
 * The command-line tool's JSON, written and read with Jackson. The layout is the one the tool has always printed,
 * which scripts and the README's examples read: two spaces of indent, {@code "key": value}, one array element a
 * line, {@code {}} and {@code []} when empty, decimals in plain notation ({@code 0.0000001}, not {@code 1.0E-7};
 * {@code 2}, not {@code 2.0}), enums as their {@code toString()}. Thread-safe.
 */
final class CliJson {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .addModule(new SimpleModule("mldeploy-cli-numbers")
                    .addSerializer(Double.class, new PlainDecimal<>(Double.class))
                    .addSerializer(double.class, new PlainDecimal<>(Double.class))
                    .addSerializer(Float.class, new PlainDecimal<>(Float.class))
                    .addSerializer(float.class, new PlainDecimal<>(Float.class)))
            .build();
    private static final ObjectWriter COMPACT = MAPPER.writer();
    private static final ObjectWriter PRETTY = MAPPER.writer(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private CliJson() {
    }

    /** {@code value} on one line (the error object, so that a script reads one line per failure). */
    static String compact(Object value) {
        return write(COMPACT, value);
    }

    /** {@code value} indented, for the commands' {@code --output json}. */
    static String pretty(Object value) {
        return write(PRETTY, value);
    }

    /**
     * {@code text} as maps, lists, strings, numbers ({@link BigDecimal} for decimals, so {@code 0.10} prints back
     * as {@code 0.10}), booleans and nulls.
     *
     * @throws IllegalArgumentException when {@code text} is not JSON (or nests deeper than Jackson allows)
     */
    static Object parse(String text) {
        try {
            return MAPPER.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String write(ObjectWriter writer, Object value) {
        try {
            return writer.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            // only the tool's own maps are written: a failure here is a bug, not bad input
            throw new UncheckedIOException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** A double or float as its shortest plain decimal, the way it prints ({@code 0.1f} is {@code 0.1}). */
    private static final class PlainDecimal<T extends Number> extends StdSerializer<T> {
        PlainDecimal(Class<T> type) {
            super(type);
        }

        @Override
        public void serialize(T value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            double d = value.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("JSON cannot hold " + value);
            }
            BigDecimal plain = value instanceof Float ? new BigDecimal(value.toString()) : BigDecimal.valueOf(d);
            gen.writeNumber(plain.stripTrailingZeros().toPlainString());
        }
    }
}
