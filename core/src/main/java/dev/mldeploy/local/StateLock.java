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
 * {@code <home>/local/.locks/<name>.lock} between processes. The lock file stays; it is empty.
 */
final class StateLock implements AutoCloseable {
    /** One in-JVM lock per lock file: two targets on the same home must exclude each other too. */
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
    private static final Duration RETRY = Duration.ofMillis(100);

    private final ReentrantLock jvmLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private StateLock(ReentrantLock jvmLock, FileChannel channel, FileLock fileLock) {
        this.jvmLock = jvmLock;
        this.channel = channel;
        this.fileLock = fileLock;
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
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            while (true) {
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock != null) {
                    return new StateLock(jvmLock, channel, lock);
                }
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

    @Override
    public void close() {
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
