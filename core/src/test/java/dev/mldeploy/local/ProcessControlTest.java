package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessControlTest {
    @TempDir
    Path dir;

    @Test
    void tail_returnsTheLastLinesWithoutTrailingBlankOnes() throws IOException {
        Path f = dir.resolve("log");
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 30; i++) {
            sb.append("line ").append(i).append('\n');
        }
        Files.writeString(f, sb + "\n\n");

        List<String> tail = ProcessControl.tail(f, 3);

        assertEquals(List.of("line 29", "line 30"), tail.subList(tail.size() - 2, tail.size()));
        assertTrue(tail.size() <= 3);
        assertEquals(List.of(), ProcessControl.tail(dir.resolve("missing"), 3));
    }

    @Test
    void portFree_whenSomethingListens_isFalse() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, ProcessControl.LOOPBACK)) {
            assertFalse(ProcessControl.portFree(s.getLocalPort()));
            assertEquals(-1, ProcessControl.ping(s.getLocalPort(), Duration.ofMillis(200)),
                    "a listener that never answers is no health check");
        }
        int port = ProcessControl.freePort();
        assertTrue(ProcessControl.portFree(port));
        assertEquals(-1, ProcessControl.ping(port, Duration.ofMillis(200)), "nothing listens");
    }

    @Test
    void live_findsThisJvmButNotWithAnotherStartInstant() {
        ProcessHandle me = ProcessHandle.current();
        Instant start = me.info().startInstant().orElseThrow();

        assertTrue(ProcessControl.live(me.pid(), start).isPresent());
        assertTrue(ProcessControl.live(me.pid(), null).isPresent());
        assertTrue(ProcessControl.live(me.pid(), start.minusSeconds(3600)).isEmpty(), "a reused pid is not ours");
        assertTrue(ProcessControl.live(-1, null).isEmpty());
    }
}
