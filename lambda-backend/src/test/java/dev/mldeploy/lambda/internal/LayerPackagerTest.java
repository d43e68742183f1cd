package dev.mldeploy.lambda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.PackageSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dependency layer zip: what goes in, where, and that it is the same bytes for the same files. */
class LayerPackagerTest {
    @TempDir
    Path tmp;

    private Path sitePackages(String name, long mtimeMillis) throws IOException {
        Path d = tmp.resolve(name);
        write(d.resolve("pkg/__init__.py"), "VALUE = 1\n", mtimeMillis);
        write(d.resolve("pkg/__pycache__/__init__.cpython-311.pyc"), "bytecode", mtimeMillis);
        write(d.resolve("pkg/sub/stale.pyc"), "bytecode", mtimeMillis);
        write(d.resolve("pkg/sub/mod.py"), "X = 2\n", mtimeMillis);
        write(d.resolve("pkg-1.0.dist-info/RECORD"), "pkg/__init__.py,,\n", mtimeMillis);
        write(d.resolve("__pycache__/top.cpython-311.pyc"), "bytecode", mtimeMillis);
        write(d.resolve("plain.py"), "Y = 3\n", mtimeMillis);
        return d;
    }

    private static void write(Path f, String content, long mtimeMillis) throws IOException {
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
        Files.setLastModifiedTime(f, FileTime.fromMillis(mtimeMillis));
    }

    private static List<String> names(Path zip) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            z.stream().forEach(e -> names.add(e.getName()));
        }
        return names;
    }

    @Test
    void zip_putsEveryFileUnderPython_andLeavesOutByteCode() throws IOException {
        LambdaPackager.Package p = LayerPackager.zip(sitePackages("a", 1_000_000L), tmp.resolve("layer.zip"));
        List<String> names = names(p.zip());
        assertEquals(List.of("python/pkg-1.0.dist-info/RECORD", "python/pkg/__init__.py", "python/pkg/sub/mod.py",
                "python/plain.py"), names);
        assertEquals("VALUE = 1\n".length() + "X = 2\n".length() + "pkg/__init__.py,,\n".length()
                + "Y = 3\n".length(), p.unzippedBytes(), "the sum of the files zipped, byte code left out");
        assertEquals(Files.size(p.zip()), p.zippedBytes());
    }

    @Test
    void zip_whenSameFilesWithOtherTimestamps_writesTheSameBytesAndHash() throws IOException {
        LambdaPackager.Package a = LayerPackager.zip(sitePackages("a", 1_000_000L), tmp.resolve("a.zip"));
        LambdaPackager.Package b = LayerPackager.zip(sitePackages("b", 1_700_000_000_000L), tmp.resolve("b.zip"));
        assertEquals(-1L, Files.mismatch(a.zip(), b.zip()));
        assertEquals(a.sha256Hex(), b.sha256Hex());
        assertEquals(a.codeSha256(), b.codeSha256());
    }

    @Test
    void zip_whenAFileChanges_changesTheHash() throws IOException {
        Path d = sitePackages("a", 1_000_000L);
        LambdaPackager.Package before = LayerPackager.zip(d, tmp.resolve("before.zip"));
        Files.writeString(d.resolve("plain.py"), "Y = 4\n");
        LambdaPackager.Package after = LayerPackager.zip(d, tmp.resolve("after.zip"));
        assertTrue(!before.sha256Hex().equals(after.sha256Hex()));
    }

    @Test
    void isByteCode_matchesPycAndPycacheOnly() {
        assertTrue(LayerPackager.isByteCode("a/__pycache__/x.cpython-312.opt-1.pyc"));
        assertTrue(LayerPackager.isByteCode("__pycache__/x.txt"));
        assertTrue(LayerPackager.isByteCode("x.PYC"));
        assertTrue(!LayerPackager.isByteCode("pycache_helpers/mod.py"));
        assertTrue(!LayerPackager.isByteCode("a/b.py"));
    }

    private static LambdaPackager.Package pkg(long unzipped) {
        return new LambdaPackager.Package(Path.of("x.zip"), 1, unzipped, "c2hh", "00");
    }

    @Test
    void checkTotal_whenCodePlusLayerOverTheLimit_refusesNamingTheLargestPackages() {
        List<PackageSize> packages = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            packages.add(new PackageSize("p" + i, "1." + i, i * 10L * 1024 * 1024));
        }
        Collections.shuffle(packages, new java.util.Random(7));
        LayerPackager.Layer layer = new LayerPackager.Layer(pkg(280L * 1024 * 1024), packages);
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> LayerPackager.checkTotal("big", pkg(1024 * 1024), layer, 250L * 1024 * 1024));
        assertTrue(e.getMessage().contains("model 'big' unzips to 281.0 MB with its dependencies (code 1.0 MB, "
                + "dependency layer 280.0 MB), over Lambda's 250.0 MB limit"), e.getMessage());
        assertTrue(e.getMessage().contains("largest packages: p7 1.7 (70.0 MB), p6 1.6 (60.0 MB), p5 1.5 (50.0 MB), "
                + "p4 1.4 (40.0 MB), p3 1.3 (30.0 MB);"), e.getMessage());
        assertTrue(e.getMessage().contains("container image"), e.getMessage());
    }

    @Test
    void checkTotal_whenWithinTheLimit_passes() {
        LayerPackager.Layer layer = new LayerPackager.Layer(pkg(200L * 1024 * 1024), List.of());
        LayerPackager.checkTotal("fits", pkg(50L * 1024 * 1024), layer, 250L * 1024 * 1024);
    }
}
