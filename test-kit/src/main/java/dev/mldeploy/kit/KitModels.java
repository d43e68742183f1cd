package dev.mldeploy.kit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;

/**
 * The small Python models the kit deploys, shipped in this jar under {@code /dev/mldeploy/kit/models/<name>/}, and a
 * way to copy one into a directory to deploy it from (a model's source must be a directory on disk).
 *
 * <ul>
 *   <li>{@value #ECHO}: JSON {@code {"text": "hi"}} answers {@code {"echo": {"text": "hi"}, "version": "1"}}
 *       ({@code version} is {@code $ECHO_VERSION}, default {@code "1"}).</li>
 *   <li>{@value #FAILS_ON_LOAD}: model_fn raises {@code RuntimeError(}{@value #LOAD_ERROR}{@code )}.</li>
 *   <li>{@value #FAILS_ON_PREDICT}: predict_fn raises {@code ValueError("expected a 'text' field, got [<keys>]")}
 *       (the JSON object's sorted keys).</li>
 *   <li>{@value #SLOW_LOAD}: model_fn sleeps {@code $SLOW_LOAD_SECONDS} (default 60 s).</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class KitModels {
    public static final String ECHO = "echo";
    public static final String FAILS_ON_LOAD = "fails-on-load";
    public static final String FAILS_ON_PREDICT = "fails-on-predict";
    public static final String SLOW_LOAD = "slow-load";

    /** The message {@value #FAILS_ON_LOAD}'s model_fn raises. */
    public static final String LOAD_ERROR = "cannot load weights: model.bin is missing";

    private static final Set<String> MODELS = Set.of(ECHO, FAILS_ON_LOAD, FAILS_ON_PREDICT, SLOW_LOAD);
    private static final String FILE = "inference.py";

    private KitModels() {
    }

    /** What {@value #ECHO} answers to {@code {"text": <text>}} with {@code ECHO_VERSION} = {@code version}. */
    public static String echoAnswer(String text, String version) {
        return "{\"echo\": {\"text\": " + KitJson.quote(text) + "}, \"version\": " + KitJson.quote(version) + "}";
    }

    /**
     * The body mldeploy's adapter answers when the model raises {@code errorType(message)} (Lambda's shape for a
     * Python exception), for a target tested on an emulator to queue in {@link TargetContractKit#expectModelError}.
     */
    public static String adapterError(String errorType, String message) {
        return "{\"errorType\": " + KitJson.quote(errorType) + ", \"errorMessage\": " + KitJson.quote(message)
                + ", \"stackTrace\": []}";
    }

    /** What {@value #FAILS_ON_PREDICT} raises for a JSON object with the one key {@code key}. */
    public static String predictError(String key) {
        return "expected a 'text' field, got ['" + key + "']";
    }

    /** Copies the model {@code name} into {@code parent/<dirName>} and returns that directory. */
    public static Path copy(String name, Path parent, String dirName) {
        if (!MODELS.contains(name)) {
            throw new IllegalArgumentException("no kit model " + name + "; known: " + MODELS);
        }
        Path dir = parent.resolve(dirName);
        String resource = "/dev/mldeploy/kit/models/" + name + "/" + FILE;
        try (InputStream in = KitModels.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("kit resource " + resource + " is missing from the classpath");
            }
            Files.createDirectories(dir);
            Files.copy(in, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
