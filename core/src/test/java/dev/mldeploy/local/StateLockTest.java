package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.ProgressListener;
import dev.mldeploy.spi.DeployContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateLockTest {
    @TempDir
    Path root;

    private DeployContext ctx() {
        return DeployContext.of("m", "local", ProgressListener.none(), DeployOptions.DEFAULT_TIMEOUT);
    }

    @Test
    void close_removesTheLockFile() {
        Path file = root.resolve(".locks").resolve("m.lock");
        try (StateLock lock = StateLock.acquire(root, "m", ctx())) {
            assertTrue(Files.exists(file));
        }
        assertFalse(Files.exists(file), "no lock file left");
    }

    @Test
    void acquire_fromManyThreadsWhileFilesComeAndGo_admitsOneHolderAtATime() throws Exception {
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<?>[] runs = new Future<?>[4];
            for (int t = 0; t < runs.length; t++) {
                runs[t] = pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        try (StateLock lock = StateLock.acquire(root, "m", ctx())) {
                            if (holders.incrementAndGet() != 1) {
                                overlaps.incrementAndGet();
                            }
                            holders.decrementAndGet();
                        }
                    }
                });
            }
            for (Future<?> f : runs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, overlaps.get());
        assertFalse(Files.exists(root.resolve(".locks").resolve("m.lock")));
    }
}
