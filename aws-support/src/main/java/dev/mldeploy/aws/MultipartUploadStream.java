package dev.mldeploy.aws;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * An output stream that uploads what is written to one S3 object: a single PutObject when it all fits in one
 * part, otherwise a multipart upload whose parts are sent on {@code executor} while the writer keeps producing
 * the next ones (so compressing and uploading overlap). At most {@code maxInFlight} parts are buffered, which
 * bounds memory to {@code (maxInFlight + 1) * partSize}. A failure aborts the multipart upload. Opened by
 * {@link S3Store#openUpload}. Not thread-safe (one writer).
 */
public final class MultipartUploadStream extends OutputStream {
    private static final Logger LOG = LoggerFactory.getLogger(MultipartUploadStream.class);

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final int partSize;
    private final ExecutorService executor;
    private final BlockingQueue<byte[]> freeBuffers;
    private final List<Future<CompletedPart>> parts = new ArrayList<>();
    private byte[] current;
    private int filled;
    private String uploadId;
    private long total;
    private boolean closed;
    private boolean aborted;
    private final int maxBuffers;
    private int allocated = 1;

    private final CallBudget budget;

    /** Every call gets {@code budget}'s time (the abort after a failure gets its own, see {@link #abort()}). */
    MultipartUploadStream(S3Client s3, String bucket, String key, int partSize, int maxInFlight,
                          ExecutorService executor, CallBudget budget) {
        this.budget = budget;
        if (partSize < S3Store.MIN_PART_BYTES) {
            throw new IllegalArgumentException("part size " + partSize + " is below S3's minimum "
                    + S3Store.MIN_PART_BYTES);
        }
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.partSize = partSize;
        this.executor = executor;
        this.maxBuffers = maxInFlight + 1;
        this.freeBuffers = new ArrayBlockingQueue<>(maxBuffers);
        this.current = new byte[partSize];
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (filled == partSize) {
                sendPart();
            }
            int n = Math.min(len, partSize - filled);
            System.arraycopy(b, off, current, filled, n);
            filled += n;
            off += n;
            len -= n;
            total += n;
        }
    }

    /** Bytes written so far. */
    public long size() {
        return total;
    }

    private void sendPart() throws IOException {
        if (uploadId == null) {
            uploadId = s3.createMultipartUpload(r -> budget.on(r.bucket(bucket).key(key))).uploadId();
            LOG.debug("multipart upload of s3://{}/{} started", bucket, key);
        }
        if (parts.size() >= S3Store.MAX_PARTS) {
            throw new IOException("artifact is over " + S3Store.MAX_PARTS + " parts of " + partSize + " bytes");
        }
        byte[] buf = current;
        int len = filled;
        int number = parts.size() + 1;
        String id = uploadId;
        parts.add(executor.submit(() -> {
            try {
                String etag = s3.uploadPart(r -> budget.on(r.bucket(bucket).key(key).uploadId(id)
                        .partNumber(number).contentLength((long) len)), RequestBody.fromContentProvider(
                        () -> new ByteArrayInputStream(buf, 0, len), len, "application/octet-stream")).eTag();
                return CompletedPart.builder().partNumber(number).eTag(etag).build();
            } finally {
                freeBuffers.offer(buf);
            }
        }));
        checkFailed();
        current = nextBuffer();
        filled = 0;
    }

    private byte[] nextBuffer() throws IOException {
        byte[] b = freeBuffers.poll();
        if (b != null) {
            return b;
        }
        if (allocated < maxBuffers) {
            allocated++;
            return new byte[partSize];
        }
        try {
            return freeBuffers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while uploading s3://" + bucket + "/" + key, e);
        }
    }

    private void checkFailed() throws IOException {
        for (Future<CompletedPart> f : parts) {
            if (f.isDone()) {
                join(f);
            }
        }
    }

    private CompletedPart join(Future<CompletedPart> f) throws IOException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("uploading a part of s3://" + bucket + "/" + key + " failed", c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while uploading s3://" + bucket + "/" + key, e);
        }
    }

    /** Sends what is left and completes the upload; on failure aborts it. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (uploadId == null) {
                int len = filled;
                byte[] buf = current;
                s3.putObject(r -> budget.on(r.bucket(bucket).key(key).contentLength((long) len)), RequestBody.fromContentProvider(
                        () -> new ByteArrayInputStream(buf, 0, len), len, "application/octet-stream"));
                return;
            }
            if (filled > 0) {
                sendPart();
            }
            List<CompletedPart> done = new ArrayList<>();
            for (Future<CompletedPart> f : parts) {
                done.add(join(f));
            }
            done.sort(Comparator.comparing(CompletedPart::partNumber));
            s3.completeMultipartUpload(r -> budget.on(r.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(done))));
            LOG.debug("multipart upload of s3://{}/{} completed: {} parts, {} bytes", bucket, key, done.size(), total);
        } catch (IOException | RuntimeException e) {
            try (CallBudget.Scope cleanup = CallBudget.open(budget.forCleanup())) {
                abort();
            }
            throw e;
        } finally {
            current = null;
            freeBuffers.clear();
        }
    }

    /**
     * Cancels the upload: waits for parts in flight, then aborts the multipart upload, within
     * {@link CallBudget#current()} (the caller's cleanup budget: the upload's own may be spent).
     *
     * @return whether nothing is left: no upload was started, or the abort succeeded
     */
    public boolean abort() {
        closed = true;
        parts.forEach(f -> f.cancel(false));
        for (Future<CompletedPart> f : parts) {
            try {
                f.get(); // S3 keeps parts that finish after an abort; wait for those in flight first
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | java.util.concurrent.CancellationException ignored) {
                // failed or cancelled: nothing more to wait for
            }
        }
        if (uploadId == null || aborted) {
            return true;
        }
        try {
            s3.abortMultipartUpload(r -> CallBudget.current().on(r.bucket(bucket).key(key).uploadId(uploadId)));
            aborted = true;
            return true;
        } catch (RuntimeException e) {
            LOG.warn("could not abort the multipart upload of s3://{}/{}: {}", bucket, key, e.toString());
            return false;
        }
    }
}
