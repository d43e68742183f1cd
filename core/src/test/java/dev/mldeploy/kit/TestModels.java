package dev.mldeploy.kit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * The small Python test models shipped in core's test resources ({@code /models/<name>/}, also in the test-jar),
 * and a way to copy one into a directory (a JUnit {@code @TempDir}) to deploy it from.
 *
 * <ul>
 *   <li>{@value #ECHO}: JSON {@code {"text": "hi"}} answers {@code {"echo": {"text": "hi"}, "version": "1"}}
 *       ({@code version} is {@code $ECHO_VERSION}, default {@code "1"}); a {@code text/*} body answers the same
 *       text, other bytes the same bytes.</li>
 *   <li>{@value #SHOUT}: every hook defined; {@code "hello"} answers {@code "HELLO!"} as
 *       {@code text/plain; charset=utf-8} (the "!" is read from {@code suffix.txt} by model_fn).</li>
 *   <li>{@value #FAILS_ON_LOAD}: model_fn raises {@code RuntimeError("cannot load weights: model.bin is missing")}.</li>
 *   <li>{@value #FAILS_ON_PREDICT}: predict_fn raises {@code ValueError("expected a 'text' field, got [...]")}
 *       (the JSON object's sorted keys).</li>
 *   <li>{@value #SLOW_LOAD}: model_fn sleeps {@code $SLOW_LOAD_SECONDS} (default 60 s).</li>
 *   <li>{@value #IGNORES_SIGTERM}: model_fn makes the process ignore SIGTERM; answers {@code {"echo": <json>}}.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class TestModels {
    public static final String ECHO = "echo";
    public static final String SHOUT = "shout";
    public static final String FAILS_ON_LOAD = "fails-on-load";
    public static final String FAILS_ON_PREDICT = "fails-on-predict";
    public static final String SLOW_LOAD = "slow-load";
    public static final String IGNORES_SIGTERM = "ignores-sigterm";

    /** The model's load error message. */
    public static final String LOAD_ERROR = "cannot load weights: model.bin is missing";

    private static final Map<String, List<String>> FILES = Map.of(
            ECHO, List.of("inference.py"),
            SHOUT, List.of("inference.py", "suffix.txt"),
            FAILS_ON_LOAD, List.of("inference.py"),
            FAILS_ON_PREDICT, List.of("inference.py"),
            SLOW_LOAD, List.of("inference.py"),
            IGNORES_SIGTERM, List.of("inference.py"));

    private TestModels() {
    }

    /** What {@value #ECHO} answers to {@code {"text": <text>}} with {@code ECHO_VERSION} = {@code version}. */
    public static String echoAnswer(String text, String version) {
        return "{\"echo\": {\"text\": " + dev.mldeploy.spi.Json.quote(text) + "}, \"version\": "
                + dev.mldeploy.spi.Json.quote(version) + "}";
    }

    /** Copies the model {@code name} into {@code parent/<name>} and returns that directory. */
    public static Path copy(String name, Path parent) {
        return copy(name, parent, name);
    }

    /** Copies the model {@code name} into {@code parent/<dirName>} and returns that directory. */
    public static Path copy(String name, Path parent, String dirName) {
        List<String> files = FILES.get(name);
        if (files == null) {
            throw new IllegalArgumentException("no test model " + name + "; known: " + FILES.keySet());
        }
        Path dir = parent.resolve(dirName);
        try {
            Files.createDirectories(dir);
            for (String f : files) {
                try (InputStream in = TestModels.class.getResourceAsStream("/models/" + name + "/" + f)) {
                    if (in == null) {
                        throw new IllegalStateException("test resource /models/" + name + "/" + f + " is missing");
                    }
                    Files.copy(in, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
