package dev.mldeploy.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.kit.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ModelBundleTest {
    @TempDir
    Path tmp;

    private Path model() throws Exception {
        Path model = TestModels.copy(TestModels.ECHO, tmp);
        Files.createDirectories(model.resolve("data"));
        Files.writeString(model.resolve("data/a.txt"), "a");
        return model;
    }

    @Test
    void of_sageMakerArchive_putsModelFilesAndEveryAdapterFileUnderCode_sortedByPath() throws Exception {
        SourceTree tree = SourceTree.of(model());
        ModelBundle bundle = ModelBundle.of(tree, ModelBundle.Layout.SAGEMAKER_ARCHIVE);

        List<String> expected = new ArrayList<>();
        tree.entries().forEach(e -> expected.add("code/" + e.path()));
        AdapterFiles.NAMES.forEach(n -> expected.add("code/" + n));
        Collections.sort(expected);
        assertEquals(expected, bundle.entries().stream().map(ModelBundle.Entry::path).toList());
        assertArrayEquals(AdapterFiles.file("mldeploy_adapter/hooks.py"), bundle.entries().stream()
                .filter(e -> e.path().equals("code/mldeploy_adapter/hooks.py")).findFirst().orElseThrow().open()
                .readAllBytes());
    }

    @Test
    void of_lambdaZip_putsModelFilesAndAdapterAtTheRoot() throws Exception {
        ModelBundle bundle = ModelBundle.of(SourceTree.of(model()), ModelBundle.Layout.LAMBDA_ZIP);

        List<String> paths = bundle.entries().stream().map(ModelBundle.Entry::path).toList();
        assertTrue(paths.containsAll(List.of("inference.py", "data/a.txt", "mldeploy_adapter/__init__.py",
                "mldeploy_adapter/hooks.py", "mldeploy_adapter/serve.py", "mldeploy_serve.py", "mldeploy_lambda.py")),
                paths.toString());
        assertTrue(paths.stream().noneMatch(p -> p.startsWith("code/")), paths.toString());
    }

    @Test
    void sizes_countTheModelFilesAndTheAdapter() throws Exception {
        SourceTree tree = SourceTree.of(model());
        ModelBundle bundle = ModelBundle.of(tree, ModelBundle.Layout.LAMBDA_ZIP);

        long adapter = AdapterFiles.files().values().stream().mapToLong(b -> b.length).sum();
        assertEquals(tree.totalBytes() + adapter, bundle.packagedBytes());
        assertEquals(adapter, ModelBundle.adapterBytes());
        assertEquals(tree.entries().size() + AdapterFiles.NAMES.size(), bundle.fileCount());
    }

    @ParameterizedTest
    @EnumSource(ModelBundle.Layout.class)
    void of_whenAModelFileIsNamedLikeAnAdapterFile_refusesNamingBoth(ModelBundle.Layout layout) throws Exception {
        Path model = model();
        Path mine = Files.writeString(model.resolve("mldeploy_serve.py"), "# mine");

        AdapterNameCollisionException e = assertThrows(AdapterNameCollisionException.class,
                () -> ModelBundle.of(ModelSpec.builder("m").source(model).build(), layout));

        assertEquals(mine.toAbsolutePath().normalize(), e.modelFile());
        assertEquals(layout.prefix() + "mldeploy_serve.py", e.adapterEntry());
        assertTrue(e.getMessage().contains(e.modelFile().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("adapter file \"" + e.adapterEntry() + "\" in " + layout.description()),
                e.getMessage());
        assertTrue(e.getMessage().contains("rename") && e.getMessage().contains(".mldeployignore"), e.getMessage());
        assertTrue(e instanceof InvalidSpecException);
    }

    @Test
    void of_whenTheFileNamedLikeAnAdapterFileIsExcluded_accepts() throws Exception {
        Path model = model();
        Files.writeString(model.resolve("mldeploy_serve.py"), "# an old copy");
        ModelSpec spec = ModelSpec.builder("m").source(model).exclude("/mldeploy_serve.py").build();

        ModelBundle bundle = ModelBundle.of(spec, ModelBundle.Layout.LAMBDA_ZIP);

        ModelBundle.Entry hooks = bundle.entries().stream().filter(e -> e.path().equals("mldeploy_serve.py"))
                .findFirst().orElseThrow();
        assertTrue(hooks.isAdapter(), "the adapter's file, not the excluded one");
    }

    @ParameterizedTest
    @EnumSource(ModelBundle.Layout.class)
    void of_whenTheModelShipsAnythingInTheAdaptersPackageDirectory_refuses(ModelBundle.Layout layout)
            throws Exception {
        Path model = model();
        Files.createDirectories(model.resolve("mldeploy_adapter"));
        Path mine = Files.writeString(model.resolve("mldeploy_adapter/extra.py"), "# would join the package");

        AdapterNameCollisionException e = assertThrows(AdapterNameCollisionException.class,
                () -> ModelBundle.of(ModelSpec.builder("m").source(model).build(), layout));

        assertEquals(mine.toAbsolutePath().normalize(), e.modelFile());
        assertEquals(layout.prefix() + "mldeploy_adapter/extra.py", e.adapterEntry());
    }

    @Test
    void of_aModelFileNamedLikeAnAdapterFileBelowTheRoot_isNoCollision() throws Exception {
        Path model = model();
        Files.writeString(model.resolve("data/mldeploy_hooks.py"), "# data");

        ModelBundle bundle = ModelBundle.of(SourceTree.of(model), ModelBundle.Layout.SAGEMAKER_ARCHIVE);

        assertTrue(bundle.entries().stream().anyMatch(e -> e.path().equals("code/data/mldeploy_hooks.py")
                && !e.isAdapter()));
    }

    @Test
    void writeZip_sameContentInAnotherDirectory_givesTheSameBytes_withTheBundlesEntries() throws Exception {
        Path a = model();
        Path b = Files.createDirectories(tmp.resolve("other"));
        Path copy = TestModels.copy(TestModels.ECHO, b);
        Files.createDirectories(copy.resolve("data"));
        Files.writeString(copy.resolve("data/a.txt"), "a");
        ModelBundle first = ModelBundle.of(SourceTree.of(a), ModelBundle.Layout.LAMBDA_ZIP);
        ModelBundle second = ModelBundle.of(SourceTree.of(copy), ModelBundle.Layout.LAMBDA_ZIP);

        first.writeZip(tmp.resolve("a.zip"));
        second.writeZip(tmp.resolve("b.zip"));

        assertArrayEquals(Files.readAllBytes(tmp.resolve("a.zip")), Files.readAllBytes(tmp.resolve("b.zip")));
        try (ZipFile zip = new ZipFile(tmp.resolve("a.zip").toFile())) {
            assertEquals(first.entries().stream().map(ModelBundle.Entry::path).toList(),
                    zip.stream().map(java.util.zip.ZipEntry::getName).toList());
        }
    }

    @Test
    void adapterFiles_placesTheAdapterAsTheLayoutDoes() {
        assertEquals(AdapterFiles.NAMES.stream().map(n -> "code/" + n).toList(),
                List.copyOf(ModelBundle.adapterFiles(ModelBundle.Layout.SAGEMAKER_ARCHIVE).keySet()));
        assertEquals(AdapterFiles.NAMES,
                List.copyOf(ModelBundle.adapterFiles(ModelBundle.Layout.LOCAL_DIRECTORY).keySet()));
        assertFalse(ModelBundle.adapterFiles(ModelBundle.Layout.LAMBDA_ZIP).isEmpty());
    }
}
