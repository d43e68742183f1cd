package dev.mldeploy.sagemaker.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * gzip compressed on several threads, the way pigz does it: the input is cut into 1 MB blocks, each compressed
 * on its own with the previous block's last 32 KB as dictionary and ended with a sync flush, and the raw deflate
 * outputs are written in order between one gzip header (no name, mtime 0) and the CRC-32/size trailer computed
 * on the writer's thread. The output depends only on the input, the block boundaries and the levels, never on
 * the number of threads, so it is deterministic. {@link #level(int)} ends the current block and compresses what
 * follows at another level (0 stores it). Not thread-safe (one writer). Not API.
 */
final class ParallelGzipOutputStream extends OutputStream {
    static final int BLOCK = 1 << 20;
    private static final int DICTIONARY = 32 * 1024;
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final OutputStream out;
    private final ExecutorService pool;
    private final int maxPending;
    private final Deque<Future<byte[]>> pending = new ArrayDeque<>();
    private final CRC32 crc = new CRC32();
    private long size;
    private byte[] block = new byte[BLOCK];
    private int filled;
    private byte[] dictionary;
    private int level;
    private boolean finished;

    /**
     * @param out     where the gzip stream goes (not closed)
     * @param level   the initial level (0 to 9)
     * @param threads how many threads compress; 1 compresses on the writer's thread
     */
    ParallelGzipOutputStream(OutputStream out, int level, int threads) throws IOException {
        this.out = out;
        this.level = level;
        AtomicInteger n = new AtomicInteger();
        this.pool = threads <= 1 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "mldeploy-gzip-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.maxPending = Math.max(2, threads * 2);
        out.write(HEADER);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        crc.update(b, off, len);
        size += len;
        while (len > 0) {
            int n = Math.min(len, BLOCK - filled);
            System.arraycopy(b, off, block, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == BLOCK) {
                submit();
            }
        }
    }

    /** Compresses what is written from now on at {@code newLevel}. */
    void level(int newLevel) throws IOException {
        if (newLevel != level) {
            submit();
            level = newLevel;
        }
    }

    private void submit() throws IOException {
        if (filled == 0) {
            return;
        }
        byte[] data = block;
        int len = filled;
        byte[] dict = level > 0 ? dictionary : null;
        int lvl = level;
        dictionary = nextDictionary(dictionary, data, len);
        block = new byte[BLOCK];
        filled = 0;
        if (pool == null) {
            out.write(compress(data, len, dict, lvl, false));
            return;
        }
        pending.add(pool.submit(() -> compress(data, len, dict, lvl, false)));
        while (pending.size() >= maxPending || (!pending.isEmpty() && pending.peekFirst().isDone())) {
            out.write(take(pending.removeFirst()));
        }
    }

    /** The last 32 KB of everything written so far. */
    private static byte[] nextDictionary(byte[] previous, byte[] data, int len) {
        if (len >= DICTIONARY) {
            return Arrays.copyOfRange(data, len - DICTIONARY, len);
        }
        byte[] prev = previous == null ? new byte[0] : previous;
        int keep = Math.min(prev.length, DICTIONARY - len);
        byte[] d = new byte[keep + len];
        System.arraycopy(prev, prev.length - keep, d, 0, keep);
        System.arraycopy(data, 0, d, keep, len);
        return d;
    }

    /** One block as raw deflate, ended with a sync flush (or, for the last, with the final block). */
    static byte[] compress(byte[] data, int len, byte[] dict, int level, boolean last) {
        Deflater d = new Deflater(level, true);
        try {
            if (dict != null && dict.length > 0) {
                d.setDictionary(dict);
            }
            d.setInput(data, 0, len);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(level == 0 ? len + 64 : len / 2 + 64);
            byte[] buf = new byte[64 * 1024];
            if (last) {
                d.finish();
                while (!d.finished()) {
                    bytes.write(buf, 0, d.deflate(buf));
                }
            } else {
                int n;
                do {
                    n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
                    bytes.write(buf, 0, n);
                } while (n == buf.length);
            }
            return bytes.toByteArray();
        } finally {
            d.end();
        }
    }

    private static byte[] take(Future<byte[]> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing");
        } catch (ExecutionException e) {
            throw new IOException("compressing a block failed", e.getCause());
        }
    }

    /** Writes what is left, the final deflate block and the trailer; does not close the underlying stream. */
    void finish() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        try {
            submit();
            while (!pending.isEmpty()) {
                out.write(take(pending.removeFirst()));
            }
            out.write(compress(new byte[0], 0, null, level, true));
            long c = crc.getValue();
            out.write(new byte[] {(byte) c, (byte) (c >>> 8), (byte) (c >>> 16), (byte) (c >>> 24),
                    (byte) size, (byte) (size >>> 8), (byte) (size >>> 16), (byte) (size >>> 24)});
        } finally {
            shutdown();
        }
    }

    private void shutdown() {
        if (pool != null) {
            pending.forEach(f -> f.cancel(true));
            pool.shutdownNow();
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Finishes the gzip stream; the underlying stream stays open. */
    @Override
    public void close() throws IOException {
        finish();
    }
}
