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
 * lock, that the path no longer leads to the file it locked (the holder writes a unique id into the file it locked
 * and reads it back through the path) and starts again on a new file.
 */
final class StateLock implements AutoCloseable {
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
        Path file = stateRoot.resolve(".locks").resolve(name + ".lock").toAbsolutePath().normalize();
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(file, f -> new ReentrantLock());
        String what = "the lock on local deployment '" + name + "' (" + file + ")";
        boolean reported = false;
        try {
            while (!jvmLock.tryLock(RETRY.toMillis(), TimeUnit.MILLISECONDS)) {
                if (!reported) {
                    ctx.progress("lock", "", "waiting for another deploy or undeploy of '" + name + "' in this JVM");
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
                    ctx.progress("lock", "", "waiting for another process deploying or undeploying '" + name + "'");
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
        try {
            return FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), PrivateFiles.attrs(file));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (java.nio.file.NoSuchFileException e) {
            Files.createDirectories(file.getParent());
            return open(file);
        }
    }

    /** Whether {@code file} is still the file {@code channel} locked: writes a unique id into it, reads it back. */
    private static boolean stillAt(Path file, FileChannel channel) throws IOException {
        String id = ProcessHandle.current().pid() + "-" + System.nanoTime() + "-" + Thread.currentThread().getId();
        byte[] bytes = id.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        channel.truncate(0);
        channel.write(java.nio.ByteBuffer.wrap(bytes), 0);
        try {
            return java.util.Arrays.equals(bytes, Files.readAllBytes(file));
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
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
