package dev.mldeploy.local;

import dev.mldeploy.DeploymentNotFoundException;
import dev.mldeploy.LogEvent;
import dev.mldeploy.LogQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Reads a local deployment's own log: {@code <home>/local/<name>/server.log.1} (the previous process's, or what the
 * adapter rotated away) then {@code server.log}, the model process's stdout and stderr. The lines carry no time of
 * their own, so each gets its file's last-modified time, and a file last written before the query's start is skipped;
 * the ids are file name and byte offset, so a caller that polls prints each line once (a rotation renames the
 * file, so lines read just before one may be printed again). Stateless.
 */
final class LocalLogs {
    /** Reads at most this much of each file, from its end: the adapter rotates the log at about 5 MB. */
    static final long MAX_READ_BYTES = 8L * 1024 * 1024;

    private LocalLogs() {
    }

    /**
     * The newest {@code query.limit()} lines of the log files in {@code dir} written since the query's start.
     *
     * @throws DeploymentNotFoundException {@code dir} has no log file (never deployed, or undeployed)
     */
    static List<LogEvent> read(String name, Path dir, LogQuery query) {
        Path current = dir.resolve(LocalStarter.LOG_FILE);
        Path previous = dir.resolve(LocalStarter.PREVIOUS_LOG_FILE);
        if (!Files.isRegularFile(current) && !Files.isRegularFile(previous)) {
            throw new DeploymentNotFoundException(name, "no local deployment named '" + name + "' and no log of one"
                    + " in " + dir + "; deploy it first");
        }
        Deque<LogEvent> newest = new ArrayDeque<>();
        for (Path file : List.of(previous, current)) {
            for (LogEvent e : lines(file, query.start())) {
                newest.addLast(e);
                if (newest.size() > query.limit()) {
                    newest.removeFirst();
                }
            }
        }
        return List.copyOf(newest);
    }

    private static List<LogEvent> lines(Path file, Instant since) {
        List<LogEvent> out = new ArrayList<>();
        try {
            Instant modified = Files.getLastModifiedTime(file).toInstant();
            if (modified.isBefore(since)) {
                return out;
            }
            long size = Files.size(file);
            long from = Math.max(0, size - MAX_READ_BYTES);
            byte[] bytes;
            try (var ch = Files.newByteChannel(file)) {
                ch.position(from);
                bytes = new byte[(int) (size - from)];
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
                while (buf.hasRemaining() && ch.read(buf) > 0) {
                    // read until full or end of file
                }
            }
            int start = 0;
            if (from > 0) { // skip the partial first line
                while (start < bytes.length && bytes[start] != '\n') {
                    start++;
                }
                start++;
            }
            String source = file.getFileName().toString();
            for (int i = start; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    add(out, bytes, start, i, from, source, modified);
                    start = i + 1;
                }
            }
            if (start < bytes.length) {
                add(out, bytes, start, bytes.length, from, source, modified); // a line still being written
            }
            return out;
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the local log " + file, e);
        }
    }

    private static void add(List<LogEvent> out, byte[] bytes, int start, int end, long fileOffset, String source,
                            Instant modified) {
        int e = end > start && bytes[end - 1] == '\r' ? end - 1 : end;
        out.add(new LogEvent(modified, source, new String(bytes, start, e - start, StandardCharsets.UTF_8),
                source + "@" + (fileOffset + start)));
    }
}
