package dev.mldeploy.aws;

import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.InvalidConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The S3 calls both targets make, each bounded by {@link CallBudget#current()} and each failure translated by
 * {@link AwsErrors}: the bucket check and create (with the client's region as the LocationConstraint, none in
 * us-east-1), content-addressed puts (a key that names its content is not uploaded twice), exists, list and delete
 * under a prefix, multipart uploads that abort on failure, and the abort of incomplete uploads an interrupted
 * process left. A missing bucket holds nothing: listing, deleting and aborting in it count 0. Thread-safe; close it
 * to stop the upload threads.
 */
public final class S3Store implements AutoCloseable {
    /** S3's smallest part (but the last) and most parts of one multipart upload. */
    public static final long MIN_PART_BYTES = 5L * 1024 * 1024;
    public static final int MAX_PARTS = 10_000;
    /** DeleteObjects takes at most this many keys. */
    static final int MAX_DELETE_BATCH = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(S3Store.class);

    private final S3Client s3;
    private final String builder;
    private final int parallelism;
    private ExecutorService executor;

    /**
     * A store on {@code s3}.
     *
     * @param builder     the target's builder, for configuration advice ("LambdaTarget.builder()")
     * @param parallelism parts of one multipart upload sent at once
     */
    public S3Store(S3Client s3, String builder, int parallelism) {
        this.s3 = s3;
        this.builder = builder;
        this.parallelism = parallelism;
    }

    /** The client (the caller's or the target's). */
    public S3Client client() {
        return s3;
    }

    /**
     * Checks that {@code bucket} exists; when it does not, creates it if {@code create} is set (running
     * {@code beforeCreate} first, to report progress), else throws.
     *
     * @return whether this call created the bucket
     * @throws InvalidConfigurationException the bucket is missing and may not be created, or is not ours to use
     */
    public boolean ensureBucket(String bucket, boolean create, Runnable beforeCreate) {
        try {
            s3.headBucket(r -> CallBudget.current().on(r.bucket(bucket)));
            return false;
        } catch (RuntimeException e) {
            if (AwsErrors.isAccessDenied(e)) {
                throw new InvalidConfigurationException("bucket '" + bucket + "' exists but these credentials may "
                        + "not use it (HTTP 403); use a bucket of this account or grant s3:ListBucket, "
                        + "s3:GetObject and s3:PutObject", e);
            }
            if (!AwsErrors.isNotFound(e)) {
                throw AwsErrors.translate("check bucket " + bucket, e, builder);
            }
        }
        if (!create) {
            throw new InvalidConfigurationException("bucket '" + bucket + "' does not exist; create it, or let "
                    + "mldeploy create it with createBucket(true), --create-bucket or "
                    + AwsEnvironment.CREATE_BUCKET + "=true");
        }
        beforeCreate.run();
        Region region = s3.serviceClientConfiguration().region();
        try {
            s3.createBucket(r -> {
                CallBudget.current().on(r.bucket(bucket));
                if (region != null && !Region.US_EAST_1.equals(region) && !Region.AWS_GLOBAL.equals(region)) {
                    r.createBucketConfiguration(c -> c.locationConstraint(region.id()));
                }
            });
        } catch (RuntimeException e) {
            throw AwsErrors.translate("create bucket " + bucket, e, builder);
        }
        LOG.debug("created bucket {} in {}", bucket, region);
        return true;
    }

    /** Whether {@code key} is in {@code bucket}. */
    public boolean exists(String bucket, String key) {
        try {
            s3.headObject(r -> CallBudget.current().on(r.bucket(bucket).key(key)));
            return true;
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return false;
            }
            throw AwsErrors.translate("check s3://" + bucket + "/" + key, e, builder);
        }
    }

    /** Puts {@code body} at {@code key}; {@code contentType} may be null. */
    public void put(String bucket, String key, RequestBody body, String contentType) {
        try {
            s3.putObject(r -> {
                CallBudget.current().on(r.bucket(bucket).key(key));
                body.optionalContentLength().ifPresent(r::contentLength);
                if (contentType != null) {
                    r.contentType(contentType);
                }
            }, body);
        } catch (RuntimeException e) {
            throw AwsErrors.translate("upload to s3://" + bucket + "/" + key, e, builder);
        }
    }

    /**
     * Puts {@code body} at {@code key} unless an object is there already: for keys that name their content (a
     * hash), where the object there is the same.
     *
     * @return whether this call uploaded it
     */
    public boolean putIfAbsent(String bucket, String key, RequestBody body, String contentType) {
        if (exists(bucket, key)) {
            LOG.debug("s3://{}/{} is there already; not uploading it again", bucket, key);
            return false;
        }
        put(bucket, key, body, contentType);
        return true;
    }

    /** The keys under {@code prefix}; none when the bucket does not exist. */
    public List<String> list(String bucket, String prefix) {
        List<String> keys = new ArrayList<>();
        String token = null;
        try {
            do {
                String t = token;
                ListObjectsV2Response page = s3.listObjectsV2(r -> CallBudget.current().on(r.bucket(bucket)
                        .prefix(prefix).continuationToken(t)));
                for (S3Object o : page.contents()) {
                    keys.add(o.key());
                }
                token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (token != null);
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return keys;
            }
            throw AwsErrors.translate("list s3://" + bucket + "/" + prefix, e, builder);
        }
        return keys;
    }

    /** Deletes {@code key} (S3 answers the same whether it was there or not). */
    public void delete(String bucket, String key) {
        try {
            s3.deleteObject(r -> CallBudget.current().on(r.bucket(bucket).key(key)));
        } catch (RuntimeException e) {
            throw AwsErrors.translate("delete s3://" + bucket + "/" + key, e, builder);
        }
    }

    /**
     * Deletes every object under {@code prefix}; returns how many. A missing bucket counts 0.
     *
     * @throws DeploymentFailedException S3 could not delete some of them (retryable)
     */
    public int deleteAll(String bucket, String prefix) {
        List<String> keys = list(bucket, prefix);
        for (int i = 0; i < keys.size(); i += MAX_DELETE_BATCH) {
            List<ObjectIdentifier> batch = keys.subList(i, Math.min(keys.size(), i + MAX_DELETE_BATCH)).stream()
                    .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
            DeleteObjectsResponse result;
            try {
                result = s3.deleteObjects(r -> CallBudget.current().on(r.bucket(bucket)
                        .delete(d -> d.objects(batch).quiet(true))));
            } catch (RuntimeException e) {
                if (AwsErrors.isNotFound(e)) {
                    return i;
                }
                throw AwsErrors.translate("delete s3://" + bucket + "/" + prefix, e, builder);
            }
            if (result != null && result.hasErrors() && !result.errors().isEmpty()) {
                throw new DeploymentFailedException("could not delete " + result.errors().size() + " of "
                        + batch.size() + " objects under s3://" + bucket + "/" + prefix + " (first: "
                        + result.errors().get(0).key() + ": " + result.errors().get(0).code() + ")", null, true);
            }
        }
        if (!keys.isEmpty()) {
            LOG.debug("deleted {} objects under s3://{}/{}", keys.size(), bucket, prefix);
        }
        return keys.size();
    }

    /**
     * A stream that uploads what is written to {@code key}: one put when it fits in a part, else a multipart
     * upload whose parts go out on this store's threads while the writer produces the next ones. Every call gets
     * {@code budget}.
     */
    public MultipartUploadStream openUpload(String bucket, String key, int partSize, CallBudget budget) {
        return new MultipartUploadStream(s3, bucket, key, partSize, parallelism, executor(), budget);
    }

    /** The threads that send parts and parallel puts. */
    public synchronized ExecutorService executor() {
        if (executor == null) {
            AtomicInteger n = new AtomicInteger();
            executor = Executors.newFixedThreadPool(parallelism, r -> {
                Thread t = new Thread(r, "mldeploy-s3-upload-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return executor;
    }

    /** Aborts every incomplete multipart upload under {@code prefix}; returns how many. A missing bucket counts 0. */
    public int abortUploads(String bucket, String prefix) {
        int aborted = 0;
        String keyMarker = null;
        String idMarker = null;
        try {
            while (true) {
                String k = keyMarker;
                String i = idMarker;
                ListMultipartUploadsResponse page = s3.listMultipartUploads(r -> CallBudget.current().on(
                        r.bucket(bucket).prefix(prefix).keyMarker(k).uploadIdMarker(i)));
                for (MultipartUpload up : page.uploads()) {
                    try {
                        s3.abortMultipartUpload(r -> CallBudget.current().on(r.bucket(bucket).key(up.key())
                                .uploadId(up.uploadId())));
                        aborted++;
                    } catch (RuntimeException e) {
                        if (!AwsErrors.isNotFound(e)) {
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
        } catch (RuntimeException e) {
            if ("NoSuchBucket".equals(AwsErrors.code(e))) {
                return aborted;
            }
            throw AwsErrors.translate("abort incomplete uploads under s3://" + bucket + "/" + prefix, e, builder);
        }
        if (aborted > 0) {
            LOG.debug("aborted {} incomplete multipart uploads under s3://{}/{}", aborted, bucket, prefix);
        }
        return aborted;
    }

    /** Stops the upload threads. */
    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
