package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state lock between processes, though each holder deletes its lock file: never two holders at once. */
class StateLockCrossJvmIT {
    @TempDir
    Path root;
    @TempDir
    Path scratch;

    @Test
    void acquire_fromThreeJvmsWhileLockFilesAreDeleted_admitsOneHolderAtATime() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<SecondJvm.Run>> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                runs.add(pool.submit(() -> SecondJvm.run(scratch, Map.of(), "lock-loop", root.toString(), "m",
                        "300")));
            }
            for (Future<SecondJvm.Run> f : runs) {
                SecondJvm.Run run = f.get();
                assertEquals(0, run.exitCode(), run.stderr());
                assertEquals("0", run.line("OVERLAPS"), "another process held the lock at the same time");
            }
        } finally {
            pool.shutdownNow();
        }
        assertFalse(Files.exists(root.resolve(".locks").resolve("m.lock")), "no lock file left");
    }
}
