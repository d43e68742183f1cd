package dev.mldeploy.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The smallest model the CLI's tests deploy, plan and package: an {@code inference.py} that echoes its input. */
final class TinyModel {
    static final String INFERENCE_PY = "def model_fn(d):\n    return 1\n\ndef predict_fn(x, m):\n    return x\n";

    private TinyModel() {
    }

    /** Creates {@code dir} (and its parents) holding the model's {@code inference.py}; returns {@code dir}. */
    static Path in(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("inference.py"), INFERENCE_PY);
        return dir;
    }
}
