package dev.mldeploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.bundle.SourceTree;
import dev.mldeploy.kit.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSourceTest {
    @TempDir
    Path tmp;

    @Test
    void spec_holdsItsSource_withDirectoryHooksFileAndExcludes() {
        Path model = TestModels.copy(TestModels.ECHO, tmp);
        ModelSpec spec = ModelSpec.builder("m").source(tmp.resolve("x/../" + model.getFileName())).exclude("*.log")
                .build();

        ModelSource source = spec.requireModelSource();

        assertEquals(model.toAbsolutePath().normalize(), source.directory());
        assertEquals(Path.of(spec.source().orElseThrow().toString()), source.directory());
        assertEquals(spec.requireSource(), source.directory());
        assertEquals("inference.py", source.entryPoint());
        assertEquals(source.directory().resolve("inference.py"), source.hooksFile());
        assertEquals(List.of("*.log"), source.excludes());
    }

    @Test
    void fromDirectory_keepsWorking_andTheBuilderRoundTripsTheSource() {
        Path model = TestModels.copy(TestModels.ECHO, tmp);
        ModelSpec spec = ModelSpec.fromDirectory(model);

        assertEquals(model.getFileName().toString(), spec.name());
        assertEquals(spec, spec.toBuilder().build());
        assertEquals(spec.requireModelSource(), spec.toBuilder().build().requireModelSource());
    }

    @Test
    void tree_listsTheDirectoryWhenAsked_soAFileAddedLaterIsPackaged() throws Exception {
        Path model = TestModels.copy(TestModels.ECHO, tmp);
        ModelSpec spec = ModelSpec.fromDirectory(model);
        SourceTree before = SourceTree.of(spec.requireModelSource());

        Files.writeString(model.resolve("added.txt"), "later");
        SourceTree after = SourceTree.of(spec.requireModelSource());

        assertFalse(before.entries().stream().anyMatch(e -> e.path().equals("added.txt")));
        assertTrue(after.entries().stream().anyMatch(e -> e.path().equals("added.txt")));
        assertEquals(after.sha256(), SourceTree.of(spec).sha256());
    }

    @Test
    void tree_appliesTheSpecsExcludes() throws Exception {
        Path model = TestModels.copy(TestModels.ECHO, tmp);
        Files.writeString(model.resolve("run.log"), "noise");

        SourceTree tree = SourceTree.of(ModelSpec.builder("m").source(model).exclude("*.log").build().requireModelSource());

        assertTrue(tree.excluded().stream().anyMatch(e -> e.path().equals("run.log")), tree.excluded().toString());
    }

    @Test
    void new_whenTheDirectoryHasNoHooksFile_refusesSayingWhatToAdd() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));

        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> ModelSource.of(empty));

        assertTrue(e.getMessage().contains("has no inference.py; add one that defines model_fn(model_dir) and "
                + "predict_fn(data, model)"), e.getMessage());
    }

    @Test
    void requireModelSource_whenThePlanningSpecHasNone_refusesSayingADeployNeedsOne() {
        ModelSpec plan = ModelSpec.builder("m").packageSizeBytes(10).build();

        assertTrue(plan.modelSource().isEmpty());
        InvalidSpecException e = assertThrows(InvalidSpecException.class, plan::requireModelSource);
        assertTrue(e.getMessage().contains("a deploy needs one"), e.getMessage());
    }
}
