package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.aws.MultipartUploadStream;
import dev.mldeploy.aws.S3Store;
import dev.mldeploy.bundle.ModelBundle;
import dev.mldeploy.bundle.SourceTree;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Model artifacts in S3, keyed by content: {@code <prefix>/<name>/<content key>/model.tar.gz}, or for the
 * uncompressed layout the files under {@code <prefix>/<name>/<content key>/model/} plus a completion marker.
 * An artifact already there is not uploaded again. {@code model.tar.gz} is streamed: tar, gzip and a multipart
 * upload whose parts go out in parallel while the next ones are compressed. A failed upload aborts its multipart
 * upload (or removes the files it put) and says whether anything is left; everything lives under the name's
 * prefix, so {@link #abortUploads} and {@link #deleteAll} find what an interrupted deploy left. The S3 calls
 * themselves are {@link S3Store}'s; every call carries {@link CallBudget#current()}'s timeouts (taken along to the
 * upload threads). Thread-safe. Not API.
 */
public final class ArtifactStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ArtifactStore.class);
    static final int DEFAULT_PART_SIZE = 16 * 1024 * 1024;
    static final int DEFAULT_PARALLELISM = 4;
    private static final String MARKER = "model.complete";

    private final S3Client s3;
    private final S3Store store;
    private final ModelPackager packager;
    private final int partSize;

    public ArtifactStore(S3Client s3, ModelPackager packager) {
        this(s3, packager, DEFAULT_PART_SIZE, DEFAULT_PARALLELISM);
    }

    public ArtifactStore(S3Client s3, ModelPackager packager, int partSize, int parallelism) {
        this.s3 = s3;
        this.store = new S3Store(s3, AwsClients.BUILDER, parallelism);
        this.packager = packager;
        this.partSize = partSize;
    }

    /**
     * Where an artifact is.
     *
     * @param s3Uri        the object ({@code s3://b/k/model.tar.gz}) or prefix ({@code s3://b/k/model/})
     * @param uncompressed whether it is an uncompressed prefix
     * @param uploaded     whether this call uploaded it (false: it was there already)
     * @param bytes        bytes uploaded by this call
     */
    public record Artifact(String s3Uri, boolean uncompressed, boolean uploaded, long bytes) {
    }

    /**
     * Checks that {@code bucket} exists, creating it when {@code create} is set; otherwise throws
     * {@link InvalidConfigurationException}.
     */
    public void ensureBucket(String bucket, boolean create) {
        if (store.ensureBucket(bucket, create, () -> { })) {
            LOG.debug("created bucket {}", bucket);
        }
    }

    /** Uploads the artifact for {@code tree} under {@code <prefix>/<name>/}, unless it is there already. */
    public Artifact upload(SourceTree tree, String bucket, String prefix, String name, boolean uncompressed) {
        return upload(tree, ArtifactLayout.CONTAINER, bucket, prefix, name, uncompressed);
    }

    /** Uploads the artifact for {@code tree} laid out as {@code layout}, unless it is there already. */
    public Artifact upload(SourceTree tree, ArtifactLayout layout, String bucket, String prefix, String name,
                           boolean uncompressed) {
        String base = Naming.artifactPrefix(prefix, name) + packager.contentKey(tree, uncompressed, layout) + "/";
        return uncompressed ? uploadPrefix(tree, layout, bucket, base) : uploadArchive(tree, layout, bucket, base);
    }

    private Artifact uploadArchive(SourceTree tree, ArtifactLayout layout, String bucket, String base) {
        String key = base + ModelPackager.ARCHIVE_NAME;
        String uri = "s3://" + bucket + "/" + key;
        if (store.exists(bucket, key)) {
            LOG.debug("artifact {} is there already; not uploading it again", uri);
            return new Artifact(uri, false, false, 0);
        }
        CallBudget budget = CallBudget.current();
        MultipartUploadStream out = store.openUpload(bucket, key, partSize, budget);
        try {
            packager.writeTarGz(tree, layout, out);
            out.close();
        } catch (IOException | RuntimeException e) {
            boolean clean;
            try (CallBudget.Scope cleanup = CallBudget.open(budget.forCleanup())) {
                clean = out.abort();
            }
            throw failed(uri, e, clean ? "nothing of the upload is left in S3"
                    : "the incomplete multipart upload of " + uri + " could not be aborted; undeploy aborts it");
        }
        return new Artifact(uri, false, true, out.size());
    }

    private Artifact uploadPrefix(SourceTree tree, ArtifactLayout layout, String bucket, String base) {
        String dir = base + "model/";
        String uri = "s3://" + bucket + "/" + dir;
        if (store.exists(bucket, base + MARKER)) {
            LOG.debug("artifact {} is there already; not uploading it again", uri);
            return new Artifact(uri, true, false, 0);
        }
        CallBudget budget = CallBudget.current();
        List<Future<Long>> uploads = new ArrayList<>();
        List<ModelBundle.Entry> small = new ArrayList<>();
        MultipartUploadStream[] large = new MultipartUploadStream[1];
        long bytes = 0;
        try {
            for (ModelBundle.Entry e : packager.entries(tree, layout)) {
                String key = dir + e.path();
                if (e.size() > partSize) {
                    // large files: parts in parallel on the executor, streamed from this thread
                    large[0] = store.openUpload(bucket, key, partSize, budget);
                    try (InputStream in = e.open()) {
                        in.transferTo(large[0]);
                        large[0].close();
                    }
                    large[0] = null;
                    bytes += e.size();
                } else {
                    small.add(e);
                }
            }
            for (ModelBundle.Entry e : small) {
                uploads.add(store.executor().submit(() -> {
                    s3.putObject(r -> budget.on(r.bucket(bucket).key(dir + e.path()).contentLength(e.size())),
                            e.file() != null ? RequestBody.fromFile(e.file()) : RequestBody.fromBytes(e.bytes()));
                    return e.size();
                }));
            }
            for (Future<Long> f : uploads) {
                bytes += join(f);
            }
            s3.putObject(r -> budget.on(r.bucket(bucket).key(base + MARKER)), RequestBody.fromString("complete\n"));
        } catch (IOException | RuntimeException e) {
            uploads.forEach(f -> f.cancel(false));
            uploads.forEach(ArtifactStore::awaitQuietly); // a put still in flight would land after the cleanup
            String note;
            try (CallBudget.Scope cleanup = CallBudget.open(budget.forCleanup())) {
                boolean aborted = large[0] == null || large[0].abort();
                int removed = deleteAll(bucket, base);
                note = aborted ? "removed the " + removed + " files uploaded so far; nothing of the upload is left"
                        : "the incomplete multipart upload under " + uri + " could not be aborted; undeploy aborts it";
            } catch (RuntimeException cleanupFailed) {
                note = "could not remove the files uploaded so far under s3://" + bucket + "/" + base + " ("
                        + cleanupFailed.getMessage() + "); undeploy removes them";
            }
            throw failed(uri, e, note);
        }
        return new Artifact(uri, true, true, bytes);
    }

    private static long join(Future<Long> f) throws IOException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while uploading", e);
        }
    }

    private static void awaitQuietly(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.CancellationException ignored) {
            // failed or cancelled: nothing in flight any more
        }
    }

    /** The mldeploy exception for an upload of {@code uri} that failed with {@code e}, with what was cleaned up. */
    private static RuntimeException failed(String uri, Exception e, String note) {
        RuntimeException typed;
        if (e instanceof SdkException se) {
            typed = ErrorTranslator.translate("upload " + uri, se);
        } else if (e instanceof IOException io && io.getCause() instanceof SdkException se) {
            typed = ErrorTranslator.translate("upload " + uri, se);
        } else if (e instanceof MlDeployException m) {
            typed = m;
        } else if (e instanceof IOException io) {
            typed = new MlDeployException("cannot package and upload " + uri + ": " + io.getMessage(), io, true);
        } else {
            typed = (RuntimeException) e;
        }
        return Failures.withNote(typed, note);
    }

    /**
     * Deletes the artifact this process uploaded (the content key's whole folder), for a deploy that failed
     * before anything referenced it.
     */
    public int deleteArtifact(Artifact artifact) {
        URI u = URI.create(artifact.s3Uri());
        String key = u.getPath().substring(1);
        String base = key.endsWith("/model/") ? key.substring(0, key.length() - "model/".length())
                : key.substring(0, key.lastIndexOf('/') + 1);
        return deleteAll(u.getHost(), base);
    }

    /** Aborts every incomplete multipart upload under {@code prefix} in {@code bucket}; returns how many. */
    public int abortUploads(String bucket, String prefix) {
        return store.abortUploads(bucket, prefix);
    }

    /** Deletes every object under {@code prefix} in {@code bucket}; returns how many. A missing bucket counts 0. */
    public int deleteAll(String bucket, String prefix) {
        return store.deleteAll(bucket, prefix);
    }

    @Override
    public void close() {
        store.close();
    }
}
