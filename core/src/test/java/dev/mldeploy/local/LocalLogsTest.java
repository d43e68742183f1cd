package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeploymentNotFoundException;
import dev.mldeploy.LogEvent;
import dev.mldeploy.LogQuery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalLogsTest {
    @TempDir
    Path dir;

    private static LogQuery since(Instant start, int limit) {
        return new LogQuery(start, limit, Duration.ofSeconds(5));
    }

    @Test
    void read_givesThePreviousLogThenTheCurrent_newestLimitLines_withFileAndOffsetIds() throws Exception {
        Files.writeString(dir.resolve("server.log.1"), "old 1\nold 2\n");
        Files.writeString(dir.resolve("server.log"), "new 1\r\nnew 2\npartial");

        List<LogEvent> all = LocalLogs.read("m", dir, since(Instant.EPOCH, 100));
        List<LogEvent> three = LocalLogs.read("m", dir, since(Instant.EPOCH, 3));

        assertEquals(List.of("old 1", "old 2", "new 1", "new 2", "partial"),
                all.stream().map(LogEvent::message).toList());
        assertEquals(List.of("new 1", "new 2", "partial"), three.stream().map(LogEvent::message).toList());
        assertEquals("server.log@7", all.get(3).id());
        assertEquals("server.log.1", all.get(0).source());
    }

    @Test
    void read_skipsAFileLastWrittenBeforeTheStart() throws Exception {
        Path old = Files.writeString(dir.resolve("server.log.1"), "old\n");
        Files.setLastModifiedTime(old, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
        Files.writeString(dir.resolve("server.log"), "new\n");

        List<LogEvent> read = LocalLogs.read("m", dir, since(Instant.parse("2026-06-01T00:00:00Z"), 100));

        assertEquals(List.of("new"), read.stream().map(LogEvent::message).toList());
    }

    @Test
    void read_withoutAnyLog_isNotFound() {
        DeploymentNotFoundException e = assertThrows(DeploymentNotFoundException.class,
                () -> LocalLogs.read("m", dir.resolve("m"), since(Instant.EPOCH, 10)));

        assertTrue(e.getMessage().contains("no local deployment named 'm' and no log of one"), e.getMessage());
    }
}
