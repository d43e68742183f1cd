package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.bundle.ModelBundle;
import dev.mldeploy.bundle.PackageEntryNames;
import dev.mldeploy.bundle.SourceTree;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a model's files are laid out in its SageMaker artifact, which SageMaker extracts to {@code /opt/ml/model}.
 * Both layouts are deterministic: entries sorted by path. Not API.
 */
public enum ArtifactLayout {
    /**
     * For a bring-your-own container (an image given): {@link ModelBundle.Layout#SAGEMAKER_ARCHIVE}, the model's
     * files and mldeploy's serving adapter under {@code code/}, where the adapter in the image loads them.
     */
    CONTAINER,
    /**
     * For AWS's prebuilt framework images (no image given), whose inference toolkit imports
     * {@code $SAGEMAKER_SUBMIT_DIRECTORY/$SAGEMAKER_PROGRAM} ({@code /opt/ml/model/code/inference.py}), installs
     * {@code code/requirements.txt} at start and calls {@code model_fn("/opt/ml/model")}: the model's Python files
     * ({@code *.py} at any depth) and its top-level {@code requirements.txt} go under {@code code/} at their own
     * paths; every other file (weights, data) stays at its own path at the archive's root, so that
     * {@code os.path.join(model_dir, "model.joblib")} finds it there as it does in the model directory locally.
     * No adapter file is added: the container serves the hooks itself.
     */
    FRAMEWORK;

    public static final String CODE_DIR = "code/";
    public static final String REQUIREMENTS = "requirements.txt";

    /** The artifact's files for {@code tree}, sorted by path. */
    public List<ModelBundle.Entry> entries(SourceTree tree) {
        if (this == CONTAINER) {
            return ModelPackager.bundle(tree).entries();
        }
        List<ModelBundle.Entry> entries = new ArrayList<>(tree.entries().size());
        Map<String, String> placedFrom = new HashMap<>();
        for (SourceTree.Entry e : tree.entries()) {
            String path = isCode(e.path()) ? CODE_DIR + e.path() : e.path();
            String other = placedFrom.putIfAbsent(path, e.path());
            if (other != null) {
                throw new InvalidSpecException("model files '" + other + "' and '" + e.path() + "' would both be '"
                        + path + "' in the SageMaker framework artifact (Python files and requirements.txt go under "
                        + CODE_DIR + "); rename or exclude one (.mldeployignore), or give your own image (--image)");
            }
            entries.add(new ModelBundle.Entry(PackageEntryNames.requireSafe(path), e.file(), null, e.size(),
                    e.executable()));
        }
        entries.sort(Comparator.comparing(ModelBundle.Entry::path));
        return List.copyOf(entries);
    }

    /** Whether a model file (path relative to the model directory) is code the container imports or installs. */
    static boolean isCode(String path) {
        return path.endsWith(".py") || path.equals(REQUIREMENTS);
    }
}
