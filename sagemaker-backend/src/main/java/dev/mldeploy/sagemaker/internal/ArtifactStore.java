package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.bundle.ModelBundle;
import dev.mldeploy.bundle.SourceTree;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Model artifacts in S3, keyed by content: {@code <prefix>/<name>/<content key>/model.tar.gz}, or for the
 * uncompressed layout the files under {@code <prefix>/<name>/<content key>/model/} plus a completion marker.
 * An artifact already there is not uploaded again. {@code model.tar.gz} is streamed: tar, gzip and a multipart
 * upload whose parts go out in parallel while the next ones are compressed. A failed upload aborts its multipart
 * upload (or removes the files it put) and says whether anything is left; everything lives under the name's
 * prefix, so {@link #abortUploads} and {@link #deleteAll} find what an interrupted deploy left. Every call carries
 * {@link CallBudget#current()}'s timeouts (taken along to the upload threads). Thread-safe. Not API.
 */
public final class ArtifactStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ArtifactStore.class);
    static final int DEFAULT_PART_SIZE = 16 * 1024 * 1024;
    static final int DEFAULT_PARALLELISM = 4;
    private static final String MARKER = "model.complete";

    private final S3Client s3;
    private final ModelPackager packager;
    private final int partSize;
    private final int parallelism;
    private final ExecutorService executor;

    public ArtifactStore(S3Client s3, ModelPackager packager) {
        this(s3, packager, DEFAULT_PART_SIZE, DEFAULT_PARALLELISM);
    }

    public ArtifactStore(S3Client s3, ModelPackager packager, int partSize, int parallelism) {
        this.s3 = s3;
        this.packager = packager;
        this.partSize = partSize;
        this.parallelism = parallelism;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "mldeploy-s3-upload-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
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
        try {
            s3.headBucket(r -> CallBudget.current().apply(r.bucket(bucket)));
            return;
        } catch (AwsServiceException e) {
            if (e.statusCode() == 403) {
                throw new InvalidConfigurationException("bucket '" + bucket + "' exists but these credentials may "
                        + "not use it (HTTP 403); use a bucket of this account or grant s3:ListBucket, "
                        + "s3:GetObject and s3:PutObject", e);
            }
            if (e.statusCode() != 404 && !ErrorTranslator.isNotFound(e)) {
                throw ErrorTranslator.translate("check bucket " + bucket, e);
            }
        } catch (SdkException e) {
            throw ErrorTranslator.translate("check bucket " + bucket, e);
        }
        if (!create) {
            throw new InvalidConfigurationException("bucket '" + bucket + "' does not exist; create it, or let "
                    + "mldeploy create it with createBucket(true), --create-bucket or MLDEPLOY_CREATE_BUCKET=true");
        }
        Region region = s3.serviceClientConfiguration().region();
        SageMakerApi.call("create bucket " + bucket, () -> s3.createBucket(r -> {
            CallBudget.current().apply(r.bucket(bucket));
            if (region != null && !Region.US_EAST_1.equals(region) && !Region.AWS_GLOBAL.equals(region)) {
                r.createBucketConfiguration(c -> c.locationConstraint(region.id()));
            }
        }));
        LOG.debug("created bucket {}", bucket);
    }

    /** Uploads the artifact for {@code tree} under {@code <prefix>/<name>/}, unless it is there already. */
    public Artifact upload(SourceTree tree, String bucket, String prefix, String name, boolean uncompressed) {
        String base = Naming.artifactPrefix(prefix, name) + packager.contentKey(tree, uncompressed) + "/";
        return uncompressed ? uploadPrefix(tree, bucket, base) : uploadArchive(tree, bucket, base);
    }

    private Artifact uploadArchive(SourceTree tree, String bucket, String base) {
        String key = base + ModelPackager.ARCHIVE_NAME;
        String uri = "s3://" + bucket + "/" + key;
        if (exists(bucket, key)) {
            LOG.debug("artifact {} is there already; not uploading it again", uri);
            return new Artifact(uri, false, false, 0);
        }
        CallBudget budget = CallBudget.current();
        MultipartUploadStream out = new MultipartUploadStream(s3, bucket, key, partSize, parallelism, executor,
                budget);
        try {
            packager.writeTarGz(tree, out);
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

    private Artifact uploadPrefix(SourceTree tree, String bucket, String base) {
        String dir = base + "model/";
        String uri = "s3://" + bucket + "/" + dir;
        if (exists(bucket, base + MARKER)) {
            LOG.debug("artifact {} is there already; not uploading it again", uri);
            return new Artifact(uri, true, false, 0);
        }
        CallBudget budget = CallBudget.current();
        List<Future<Long>> uploads = new ArrayList<>();
        List<ModelBundle.Entry> small = new ArrayList<>();
        MultipartUploadStream[] large = new MultipartUploadStream[1];
        long bytes = 0;
        try {
            for (ModelBundle.Entry e : packager.entries(tree)) {
                String key = dir + e.path();
                if (e.size() > partSize) {
                    // large files: parts in parallel on the executor, streamed from this thread
                    large[0] = new MultipartUploadStream(s3, bucket, key, partSize, parallelism, executor, budget);
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
                uploads.add(executor.submit(() -> {
                    s3.putObject(r -> budget.apply(r.bucket(bucket).key(dir + e.path()).contentLength(e.size())),
                            e.file() != null ? RequestBody.fromFile(e.file()) : RequestBody.fromBytes(e.bytes()));
                    return e.size();
                }));
            }
            for (Future<Long> f : uploads) {
                bytes += join(f);
            }
            s3.putObject(r -> budget.apply(r.bucket(bucket).key(base + MARKER)), RequestBody.fromString("complete\n"));
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
        int aborted = 0;
        String keyMarker = null;
        String idMarker = null;
        try {
            while (true) {
                String k = keyMarker;
                String i = idMarker;
                ListMultipartUploadsResponse page = s3.listMultipartUploads(r -> CallBudget.current().apply(
                        r.bucket(bucket).prefix(prefix).keyMarker(k).uploadIdMarker(i)));
                for (MultipartUpload up : page.uploads()) {
                    try {
                        s3.abortMultipartUpload(r -> CallBudget.current().apply(r.bucket(bucket).key(up.key())
                                .uploadId(up.uploadId())));
                        aborted++;
                    } catch (SdkException e) {
                        if (!ErrorTranslator.isNotFound(e)) {
                            throw e; // NoSuchUpload: completed or aborted meanwhile, nothing left
                        }
                    }
                }
                if (!Boolean.TRUE.equals(page.isTruncated())) {
                    break;
                }
                keyMarker = page.nextKeyMarker();
                idMarker = page.nextUploadIdMarker();
            }
        } catch (SdkException e) {
            if (e instanceof AwsServiceException ase && "NoSuchBucket".equals(ErrorTranslator.code(ase))) {
                return aborted;
            }
            throw ErrorTranslator.translate("abort incomplete uploads under s3://" + bucket + "/" + prefix, e);
        }
        if (aborted > 0) {
            LOG.debug("aborted {} incomplete multipart uploads under s3://{}/{}", aborted, bucket, prefix);
        }
        return aborted;
    }

    private boolean exists(String bucket, String key) {
        try {
            s3.headObject(r -> CallBudget.current().apply(r.bucket(bucket).key(key)));
            return true;
        } catch (SdkException e) {
            if (e instanceof AwsServiceException ase && (ase.statusCode() == 404 || ErrorTranslator.isNotFound(e))) {
                return false;
            }
            throw ErrorTranslator.translate("check s3://" + bucket + "/" + key, e);
        }
    }

    /** Deletes every object under {@code prefix} in {@code bucket}; returns how many. A missing bucket counts 0. */
    public int deleteAll(String bucket, String prefix) {
        int deleted = 0;
        String token = null;
        try {
            do {
                String t = token;
                ListObjectsV2Response page = s3.listObjectsV2(r -> CallBudget.current().apply(r.bucket(bucket)
                        .prefix(prefix).continuationToken(t)));
                List<ObjectIdentifier> ids = new ArrayList<>();
                for (S3Object o : page.contents()) {
                    ids.add(ObjectIdentifier.builder().key(o.key()).build());
                }
                if (!ids.isEmpty()) {
                    var result = s3.deleteObjects(r -> CallBudget.current().apply(r.bucket(bucket)
                            .delete(d -> d.objects(ids).quiet(true))));
                    if (result != null && result.hasErrors() && !result.errors().isEmpty()) {
                        throw new DeploymentFailedException("could not delete " + result.errors().size() + " of "
                                + ids.size() + " artifact objects under s3://" + bucket + "/" + prefix + " (first: "
                                + result.errors().get(0).key() + ": " + result.errors().get(0).code() + ")", null,
                                true);
                    }
                    deleted += ids.size();
                }
                token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (token != null);
        } catch (SdkException e) {
            if (ErrorTranslator.isNotFound(e)) {
                return deleted;
            }
            throw ErrorTranslator.translate("delete artifacts s3://" + bucket + "/" + prefix, e);
        }
        if (deleted > 0) {
            LOG.debug("deleted {} artifact objects under s3://{}/{}", deleted, bucket, prefix);
        }
        return deleted;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
