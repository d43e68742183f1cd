package dev.mldeploy.local;

import dev.mldeploy.MlDeployException;
import dev.mldeploy.spi.DeployContext;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes changes to one local deployment across threads and processes: a {@link ReentrantLock} per lock file
 * inside this JVM (file locks are held per JVM, not per thread) plus an OS file lock on
 * {@code <home>/local/.locks/<name>.lock} between processes. The holder deletes the lock file before it releases
 * the lock, so none is left behind; a process that opened the file before it was deleted finds, once it holds the
 * lock, that the file it locked is deleted, and starts again on a new file.
 *
 * <p>Public for the other targets' caches on the same machine (the Lambda backend's dependency resolutions); not
 * API.
 */
public final class StateLock implements AutoCloseable {
    /** One in-JVM lock per lock file: two targets on the same home must exclude each other too. */
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
    private static final Duration RETRY = Duration.ofMillis(100);

    private final ReentrantLock jvmLock;
    private final FileChannel channel;
    private final FileLock fileLock;
    private final Path file;

    private StateLock(ReentrantLock jvmLock, FileChannel channel, FileLock fileLock, Path file) {
        this.jvmLock = jvmLock;
        this.channel = channel;
        this.fileLock = fileLock;
        this.file = file;
    }

    /** Takes the lock for {@code name} under {@code stateRoot}, waiting within the context's deadline. */
    static StateLock acquire(Path stateRoot, String name, DeployContext ctx) {
        return acquire(stateRoot, name, "local deployment '" + name + "'", ctx);
    }

    /**
     * Takes the lock for {@code name} under {@code stateRoot}, waiting within the context's deadline;
     * {@code subject} names what it guards in progress and timeout messages (e.g. {@code environment 3f2a...}).
     */
    public static StateLock acquire(Path stateRoot, String name, String subject, DeployContext ctx) {
        Path file = stateRoot.resolve(".locks").resolve(name + ".lock").toAbsolutePath().normalize();
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(file, f -> new ReentrantLock());
        String what = "the lock on " + subject + " (" + file + ")";
        boolean reported = false;
        try {
            while (!jvmLock.tryLock(RETRY.toMillis(), TimeUnit.MILLISECONDS)) {
                if (!reported) {
                    ctx.progress("lock", "", "waiting for another change of " + subject + " in this JVM");
                    reported = true;
                }
                ctx.checkDeadline(what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlDeployException("interrupted while waiting for " + what, e);
        }
        FileChannel channel = null;
        try {
            PrivateFiles.createDirectory(stateRoot);
            PrivateFiles.createDirectory(file.getParent());
            while (true) {
                channel = open(file);
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock != null) {
                    if (stillAt(file, channel)) {
                        return new StateLock(jvmLock, channel, lock, file);
                    }
                    closeQuietly(channel); // its holder deleted the file we locked: lock the one there now
                    channel = null;
                    continue;
                }
                closeQuietly(channel);
                channel = null;
                if (!reported) {
                    ctx.progress("lock", "", "waiting for another process changing " + subject);
                    reported = true;
                }
                ctx.checkDeadline(what);
                ctx.sleep(RETRY, what);
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            jvmLock.unlock();
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new MlDeployException("cannot lock " + file + ": " + e, e);
        }
    }

    private static FileChannel open(Path file) throws IOException {
        while (true) {
            try {
                return FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PrivateFiles.attrs(file));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                try {
                    return FileChannel.open(file, StandardOpenOption.WRITE);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // its holder deleted it between our two opens: create it
                }
            }
        }
    }

    /**
     * Whether {@code file} is still the file {@code channel} locked, checked without opening the file again (closing
     * any descriptor of a file releases all of this process's POSIX locks on it). A holder deletes the file before
     * it releases it, and nobody renames it, so ours was replaced exactly when our descriptor reads as deleted in
     * {@code /proc/self/fd}; only this thread has the file open in this JVM (the in-JVM lock is held). Without
     * {@code /proc} the check is whether the file still exists.
     */
    private static boolean stillAt(Path file, FileChannel channel) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return true;
        }
        String deleted = file.getParent().toRealPath().resolve(file.getFileName()) + " (deleted)";
        try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(fds)) {
            for (Path fd : entries) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(deleted)) {
                        return false;
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    // closed meanwhile
                }
            }
        }
        return Files.exists(file);
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file); // while we hold the lock: whoever waits on this file will see it is gone
        } catch (IOException e) {
            // left behind; the next holder removes it
        }
        try {
            fileLock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        } finally {
            closeQuietly(channel);
            jvmLock.unlock();
        }
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }
}
