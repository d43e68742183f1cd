package dev.mldeploy.lambda.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.spi.DeployContext;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Packages over the direct upload limit, in S3 under {@code mldeploy/lambda/<name>/<sha256>.zip}: one object per
 * distinct package, so the key itself says whether the content is already there. Thread-safe.
 */
public final class PackageStore {
    private static final Logger LOG = LoggerFactory.getLogger(PackageStore.class);
    private final S3Client s3;
    private final String bucket;
    private final boolean createBucket;

    public PackageStore(S3Client s3, String bucket, boolean createBucket) {
        this.s3 = s3;
        this.bucket = bucket;
        this.createBucket = createBucket;
    }

    public String bucket() {
        return bucket;
    }

    public static String prefix(String name) {
        return "mldeploy/lambda/" + name + "/";
    }

    public static String key(String name, LambdaPackager.Package pkg) {
        return prefix(name) + pkg.sha256Hex() + ".zip";
    }

    /**
     * Where a package went.
     *
     * @param key      the object key
     * @param uploaded whether this call uploaded it (a failed first deploy deletes it)
     */
    public record Stored(String key, boolean uploaded) {
    }

    /** Makes sure the bucket exists (creating it when allowed). */
    public void ensureBucket(DeployContext ctx) {
        try {
            s3.headBucket(r -> r.bucket(bucket));
            return;
        } catch (RuntimeException e) {
            if (!LambdaErrors.isNotFound(e)) {
                throw LambdaErrors.failed("checking S3 bucket " + bucket, e);
            }
        }
        if (!createBucket) {
            throw new InvalidConfigurationException("S3 bucket " + bucket + " does not exist; create it, or let "
                    + "mldeploy create it (MLDEPLOY_CREATE_BUCKET=true, LambdaTarget.builder().createBucket(true))");
        }
        ctx.progress("create-bucket", "", "creating S3 bucket " + bucket);
        try {
            s3.createBucket(r -> r.bucket(bucket));
        } catch (RuntimeException e) {
            throw LambdaErrors.failed("creating S3 bucket " + bucket, e);
        }
    }

    /** Uploads {@code pkg} unless an object with its content hash is there already. */
    public Stored upload(String name, LambdaPackager.Package pkg, DeployContext ctx) {
        String key = key(name, pkg);
        try {
            s3.headObject(r -> r.bucket(bucket).key(key));
            LOG.debug("package s3://{}/{} is already there", bucket, key);
            return new Stored(key, false);
        } catch (RuntimeException e) {
            if (!LambdaErrors.isNotFound(e)) {
                throw LambdaErrors.failed("checking s3://" + bucket + "/" + key, e);
            }
        }
        ctx.progress("upload", "", "uploading " + pkg.zippedBytes() + " bytes to s3://" + bucket + "/" + key);
        try {
            s3.putObject(r -> r.bucket(bucket).key(key).contentType("application/zip"),
                    RequestBody.fromFile(pkg.zip()));
        } catch (RuntimeException e) {
            throw LambdaErrors.failed("uploading the package to s3://" + bucket + "/" + key, e);
        }
        return new Stored(key, true);
    }

    public void delete(String key) {
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(key));
        } catch (RuntimeException e) {
            LOG.warn("cannot delete s3://{}/{}: {}", bucket, key, LambdaErrors.code(e));
        }
    }

    /** Deletes every package of {@code name}; returns whether there was any. */
    public boolean deleteAll(String name) {
        List<ObjectIdentifier> keys = new ArrayList<>();
        try {
            String token = null;
            do {
                String t = token;
                ListObjectsV2Response page = s3.listObjectsV2(r -> r.bucket(bucket).prefix(prefix(name))
                        .continuationToken(t));
                for (S3Object o : page.contents()) {
                    keys.add(ObjectIdentifier.builder().key(o.key()).build());
                }
                token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (token != null);
        } catch (RuntimeException e) {
            if (LambdaErrors.isNotFound(e)) {
                return false; // no bucket, no packages
            }
            throw LambdaErrors.failed("listing packages in s3://" + bucket + "/" + prefix(name), e);
        }
        for (int i = 0; i < keys.size(); i += 1000) {
            List<ObjectIdentifier> batch = keys.subList(i, Math.min(keys.size(), i + 1000));
            try {
                s3.deleteObjects(r -> r.bucket(bucket).delete(d -> d.objects(batch).quiet(true)));
            } catch (RuntimeException e) {
                throw LambdaErrors.failed("deleting packages in s3://" + bucket + "/" + prefix(name), e);
            }
        }
        return !keys.isEmpty();
    }
}
