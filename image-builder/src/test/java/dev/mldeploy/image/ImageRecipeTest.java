package dev.mldeploy.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.Architecture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageRecipeTest {
    @TempDir
    Path tmp;

    @Test
    void platform_parsesAwsAndOciNames() {
        assertEquals(new ImagePlatform("linux", "amd64"), ImagePlatform.parse("x86_64"));
        assertEquals(new ImagePlatform("linux", "arm64"), ImagePlatform.parse("linux/aarch64"));
        assertEquals(ImagePlatform.linux(Architecture.ARM64), ImagePlatform.parse("arm64"));
        assertEquals(Architecture.X86_64, ImagePlatform.parse("amd64").awsArchitecture());
    }

    @ParameterizedTest
    @ValueSource(strings = {"s390x", "linux/riscv64", "windows/amd64", "386"})
    void platform_unknown_throwsInvalidImageException(String value) {
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> ImagePlatform.parse(value));
        assertTrue(e.getMessage().contains("use"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"relative/x", "/", "/var/task/../etc/passwd", "/var//task", "/var/./task",
            "/var/task/a\\b", "/var/task/a\nb", "/var/task/"})
    void layerFile_unsafePath_throwsInvalidImageException(String path) {
        assertThrows(InvalidImageException.class, () -> LayerFile.of(tmp.resolve("x"), path));
    }

    @Test
    void layerFile_mode_outsidePermissionBits_isRefused() {
        assertThrows(InvalidImageException.class,
                () -> new LayerFile(tmp.resolve("x"), "/a", 01000, LayerFile.DEFAULT_MODIFICATION_TIME));
    }

    @Test
    void layerFile_of_takesExecutableBitAndTheFixedTime() throws Exception {
        Path f = Files.writeString(tmp.resolve("run.sh"), "#!/bin/sh\n");
        f.toFile().setExecutable(true);
        Path g = Files.writeString(tmp.resolve("data.txt"), "x");
        assertEquals(0755, LayerFile.of(f, "/a/run.sh").mode());
        assertEquals(0644, LayerFile.of(g, "/a/data.txt").mode());
        assertEquals(LayerFile.DEFAULT_MODIFICATION_TIME, LayerFile.of(g, "/a/data.txt").modificationTime());
    }

    @Test
    void layer_fromDirectory_listsFilesSortedUnderTheTarget_leavingOutWhatIsNotIncluded() throws Exception {
        Files.createDirectories(tmp.resolve("d/pkg/__pycache__"));
        Files.writeString(tmp.resolve("d/pkg/b.py"), "");
        Files.writeString(tmp.resolve("d/a.py"), "");
        Files.writeString(tmp.resolve("d/pkg/__pycache__/b.cpython-312.pyc"), "");
        ImageLayer l = ImageLayer.fromDirectory("deps", tmp.resolve("d"), "/var/task",
                rel -> !PythonImageLayers.isByteCode(rel));
        assertEquals(List.of("/var/task/a.py", "/var/task/pkg/b.py"),
                l.files().stream().map(LayerFile::pathInImage).toList());
    }

    @Test
    void layer_withAPathTwice_isRefused() {
        LayerFile a = LayerFile.of(tmp.resolve("a"), "/x/a");
        assertThrows(InvalidImageException.class, () -> ImageLayer.of("l", List.of(a, a)));
    }

    @Test
    void recipe_withAFileInTwoLayers_isRefused_namingBoth() {
        LayerFile a = LayerFile.of(tmp.resolve("a"), "/x/a");
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> ImageRecipe.builder()
                .baseImage("127.0.0.1:5000/base:1").addLayer(ImageLayer.of("one", List.of(a)))
                .addLayer(ImageLayer.of("two", List.of(a))).build());
        assertTrue(e.getMessage().contains("'one'") && e.getMessage().contains("'two'"), e.getMessage());
    }

    @Test
    void recipe_withoutBase_isRefused() {
        assertThrows(InvalidImageException.class, () -> ImageRecipe.builder().build());
    }

    @Test
    void recipe_badEnvironmentNameOrPort_isRefused() {
        assertThrows(InvalidImageException.class, () -> ImageRecipe.builder().environment("1BAD", "x"));
        assertThrows(InvalidImageException.class, () -> ImageRecipe.builder().exposedPort(0));
        assertThrows(InvalidImageException.class, () -> ImageRecipe.builder().workingDirectory("relative"));
    }

    @Test
    void recipe_toBuilder_keepsEverything() {
        ImageRecipe r = ImageRecipe.builder().baseImage("127.0.0.1:5000/base:1").cmd(List.of("serve"))
                .environment("B", "2").environment("A", "1").exposedPort(8080).label("k", "v").name("n")
                .target("t").build();
        ImageRecipe copy = r.toBuilder().build();
        assertEquals(r.cmd(), copy.cmd());
        assertEquals(List.of("A", "B"), List.copyOf(copy.environment().keySet()), "sorted: order-independent");
        assertEquals(r.exposedPorts(), copy.exposedPorts());
        assertEquals(r.labels(), copy.labels());
        assertEquals("n", copy.name());
        assertEquals("t", copy.target());
    }
}
