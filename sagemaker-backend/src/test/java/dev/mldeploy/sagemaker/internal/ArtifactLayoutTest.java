package dev.mldeploy.sagemaker.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.bundle.AdapterFiles;
import dev.mldeploy.bundle.ModelBundle;
import dev.mldeploy.bundle.SourceTree;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The framework artifact's layout: code under code/, data where model_fn(model_dir="/opt/ml/model") finds it. */
class ArtifactLayoutTest {
    @TempDir
    Path tmp;

    private Path model() throws Exception {
        Path m = Fixtures.model(tmp.resolve("m"), "w");
        Files.writeString(m.resolve("requirements.txt"), "scikit-learn==1.2.2\n");
        Files.writeString(m.resolve("features.py"), "def f(x):\n    return x\n");
        Files.createDirectories(m.resolve("lib/sub"));
        Files.writeString(m.resolve("lib/__init__.py"), "");
        Files.writeString(m.resolve("lib/sub/vocab.txt"), "a b c");
        Files.writeString(m.resolve("model.joblib"), "weights");
        return m;
    }

    @Test
    void framework_putsPythonFilesAndRequirementsUnderCodeAndDataAtTheRootWithoutTheAdapter() throws Exception {
        List<String> paths = ArtifactLayout.FRAMEWORK.entries(SourceTree.of(model())).stream()
                .map(ModelBundle.Entry::path).toList();
        assertEquals(List.of("code/features.py", "code/inference.py", "code/lib/__init__.py", "code/requirements.txt",
                "lib/sub/vocab.txt", "model.joblib", "weights.txt"), paths);
        assertTrue(paths.stream().noneMatch(p -> AdapterFiles.NAMES.stream().anyMatch(p::endsWith)), paths.toString());
    }

    @Test
    void framework_tarGz_isReadByTarWithTheSameFilesAndIsDeterministic() throws Exception {
        Path m = model();
        ModelPackager packager = new ModelPackager(6);
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        packager.writeTarGz(SourceTree.of(m), ArtifactLayout.FRAMEWORK, first);
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        packager.writeTarGz(SourceTree.of(m), ArtifactLayout.FRAMEWORK, second);
        assertArrayEquals(first.toByteArray(), second.toByteArray());

        Path archive = Files.write(tmp.resolve("model.tar.gz"), first.toByteArray());
        Path x = Files.createDirectories(tmp.resolve("x"));
        Process p = new ProcessBuilder("tar", "xzf", archive.toString(), "-C", x.toString()).redirectErrorStream(true)
                .start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(Files.readString(m.resolve("inference.py")), Files.readString(x.resolve("code/inference.py")));
        assertEquals("scikit-learn==1.2.2\n", Files.readString(x.resolve("code/requirements.txt")));
        assertEquals("weights", Files.readString(x.resolve("model.joblib")));
        assertEquals("a b c", Files.readString(x.resolve("lib/sub/vocab.txt")));
    }

    @Test
    void contentKey_differsBetweenTheLayoutsAndKeepsTheContainerKeyOfBefore() throws Exception {
        SourceTree tree = SourceTree.of(model());
        ModelPackager packager = new ModelPackager(1);
        assertNotEquals(packager.contentKey(tree, false, ArtifactLayout.CONTAINER),
                packager.contentKey(tree, false, ArtifactLayout.FRAMEWORK));
        assertEquals(packager.contentKey(tree, false), packager.contentKey(tree, false, ArtifactLayout.CONTAINER));
    }

    @Test
    void framework_whenADataFileWouldTakeTheRequirementsPlace_refusesNamingBoth() throws Exception {
        Path m = model();
        Files.createDirectories(m.resolve("code"));
        Files.writeString(m.resolve("code/requirements.txt"), "data, not requirements");
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> ArtifactLayout.FRAMEWORK.entries(SourceTree.of(m)));
        assertTrue(e.getMessage().contains("'code/requirements.txt' and 'requirements.txt'")
                || e.getMessage().contains("'requirements.txt' and 'code/requirements.txt'"), e.getMessage());
    }
}
