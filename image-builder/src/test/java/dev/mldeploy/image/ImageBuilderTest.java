package dev.mldeploy.image;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link ImageBuilder} refuses before contacting anything (the addresses here do not exist). */
class ImageBuilderTest {
    @TempDir
    Path tmp;

    private ImageBuilder insecure() {
        return ImageBuilder.builder().cacheDirectory(tmp.resolve("cache")).allowInsecure(true).build();
    }

    @Test
    void check_allowInsecure_refusesABaseOrDestinationOffLoopback() {
        ImageReference loopback = ImageReference.parse("127.0.0.1:1/base:1");
        ImageReference remote = ImageReference.parse("public.ecr.aws/lambda/python:3.12");
        assertThrows(InsecureRegistryException.class, () -> insecure().check(remote,
                ImageDestination.registry("127.0.0.1:1/app:1", RegistryCredentials.none())));
        InsecureRegistryException e = assertThrows(InsecureRegistryException.class, () -> insecure().check(loopback,
                ImageDestination.registry("registry.example.com/app:1", RegistryCredentials.none())));
        assertTrue(e.getMessage().contains("registry.example.com"), e.getMessage());
        assertDoesNotThrow(() -> insecure().check(loopback,
                ImageDestination.registry("localhost:1/app:1", RegistryCredentials.none())));
        assertDoesNotThrow(() -> ImageBuilder.builder().build().check(remote,
                ImageDestination.registry("registry.example.com/app:1", RegistryCredentials.none())),
                "TLS registries need no permission");
    }

    @Test
    void check_layoutDirectory_mustBeNewEmptyOrALayout() throws Exception {
        ImageReference base = ImageReference.parse("127.0.0.1:1/base:1");
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThrows(InvalidConfigurationException.class, () -> insecure().check(base,
                ImageDestination.ociLayout(file)));
        Path layout = Files.createDirectories(tmp.resolve("layout/blobs"));
        Files.writeString(tmp.resolve("layout/oci-layout"), "{}");
        assertDoesNotThrow(() -> insecure().check(base, ImageDestination.ociLayout(layout.getParent())));
        Files.writeString(tmp.resolve("layout/mine.txt"), "x");
        assertThrows(InvalidConfigurationException.class, () -> insecure().check(base,
                ImageDestination.ociLayout(layout.getParent())));
    }

    @Test
    void build_withADirectoryAsALayerFile_isRefusedBeforeAnyCall() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("d"));
        ImageRecipe r = ImageRecipe.builder().baseImage("127.0.0.1:1/base:1")
                .addLayer(ImageLayer.of("l", List.of(LayerFile.of(dir, "/x/d")))).build();
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> insecure().build(r,
                ImageDestination.registry("127.0.0.1:1/app:1", RegistryCredentials.none()), Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }

    @Test
    void build_withANonPositiveTimeout_isRefused() {
        ImageRecipe r = ImageRecipe.builder().baseImage("127.0.0.1:1/base:1").build();
        assertThrows(IllegalArgumentException.class, () -> insecure().build(r,
                ImageDestination.ociLayout(tmp.resolve("o")), Duration.ZERO));
    }
}
