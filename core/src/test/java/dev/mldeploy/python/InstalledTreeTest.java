package dev.mldeploy.python;

import dev.mldeploy.PackageSize;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InstalledTreeTest {

    private static void write(Path p, int bytes) throws Exception {
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[bytes]);
    }

    @Test
    void measure_countsEachDistributionsRecordedFilesOnce_largestFirst(@TempDir Path dir) throws Exception {
        write(dir.resolve("big/__init__.py"), 5000);
        write(dir.resolve("big/data.bin"), 20000);
        write(dir.resolve("small.py"), 10);
        write(dir.resolve("stray.txt"), 7);  // in no RECORD: counts in the total only
        Files.createDirectories(dir.resolve("big-2.0.dist-info"));
        Files.writeString(dir.resolve("big-2.0.dist-info/METADATA"), "Metadata-Version: 2.1\nName: Big\nVersion: "
                + "2.0\n\nName: not-a-header\n");
        Files.writeString(dir.resolve("big-2.0.dist-info/RECORD"), "big/__init__.py,sha256=x,5000\n"
                + "\"big/data.bin\",sha256=y,20000\nbig-2.0.dist-info/METADATA,,\nbig-2.0.dist-info/RECORD,,\n"
                + "../../outside.py,,\n");
        Files.createDirectories(dir.resolve("small-0.1.dist-info"));
        Files.writeString(dir.resolve("small-0.1.dist-info/RECORD"), "small.py,,10\nbig/data.bin,,\n");
        ResolvedDependencies r = InstalledTree.measure(dir);
        assertEquals(List.of("Big", "small"), r.packages().stream().map(PackageSize::name).toList());
        assertEquals("2.0", r.packages().get(0).version());
        long bigInfo = Files.size(dir.resolve("big-2.0.dist-info/METADATA"))
                + Files.size(dir.resolve("big-2.0.dist-info/RECORD"));
        assertEquals(25000 + bigInfo, r.packages().get(0).bytes());
        assertEquals(10 + Files.size(dir.resolve("small-0.1.dist-info/RECORD")), r.packages().get(1).bytes(),
                "big/data.bin counts once, for the first distribution naming it");
        assertEquals(25000 + 10 + 7 + bigInfo + Files.size(dir.resolve("small-0.1.dist-info/RECORD")),
                r.totalBytes());
    }

    @Test
    void stripBytecode_deletesPycacheAndPycFiles(@TempDir Path dir) throws Exception {
        write(dir.resolve("pkg/__pycache__/mod.cpython-312.pyc"), 3);
        write(dir.resolve("pkg/old.pyc"), 3);
        write(dir.resolve("pkg/mod.py"), 3);
        InstalledTree.stripBytecode(dir);
        assertFalse(Files.exists(dir.resolve("pkg/__pycache__")));
        assertFalse(Files.exists(dir.resolve("pkg/old.pyc")));
        assertTrue(Files.exists(dir.resolve("pkg/mod.py")));
    }

    @Test
    void firstCsvField_readsQuotedPaths() {
        assertEquals("a,b.py", InstalledTree.firstCsvField("\"a,b.py\",sha256=x,1"));
        assertEquals("say \"hi\".py", InstalledTree.firstCsvField("\"say \"\"hi\"\".py\",,"));
        assertEquals("plain.py", InstalledTree.firstCsvField("plain.py,sha256=x,1"));
    }
}
