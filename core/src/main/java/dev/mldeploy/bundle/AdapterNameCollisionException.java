package dev.mldeploy.bundle;

import dev.mldeploy.InvalidSpecException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A model file would take the place of one of mldeploy's adapter files in a bundle: same name, same directory, or a
 * path in the adapter's package directory {@code mldeploy_adapter/}. The model is refused rather than either file silently shadowing the other.
 */
public class AdapterNameCollisionException extends InvalidSpecException {
    private static final long serialVersionUID = 1L;

    private final transient Path modelFile;
    private final String adapterEntry;

    AdapterNameCollisionException(Path modelFile, String adapterEntry, ModelBundle.Layout layout) {
        super("model file " + modelFile + " collides with mldeploy's adapter file "
                + PackageEntryNames.display(adapterEntry) + " in " + layout.description()
                + "; rename the model's file, or leave it out with " + SourceTree.IGNORE_FILE);
        this.modelFile = Objects.requireNonNull(modelFile, "modelFile");
        this.adapterEntry = Objects.requireNonNull(adapterEntry, "adapterEntry");
    }

    /** The model's file, on disk. */
    public Path modelFile() {
        return modelFile;
    }

    /** The adapter file's path inside the bundle ({@code code/mldeploy_serve.py}, {@code mldeploy_adapter/hooks.py}). */
    public String adapterEntry() {
        return adapterEntry;
    }
}
