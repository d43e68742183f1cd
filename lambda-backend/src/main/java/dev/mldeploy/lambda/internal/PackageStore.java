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
    private final CallBudget budget;

    public PackageStore(S3Client s3, String bucket, boolean createBucket, CallBudget budget) {
        this.s3 = s3;
        this.bucket = bucket;
        this.createBucket = createBucket;
        this.budget = budget;
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
            s3.headBucket(r -> budget.on(r).bucket(bucket));
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
            // outside us-east-1 S3 needs the region as the location constraint
            String region = s3.serviceClientConfiguration().region() == null ? "us-east-1"
                    : s3.serviceClientConfiguration().region().id();
            s3.createBucket(r -> {
                budget.on(r).bucket(bucket);
                if (!"us-east-1".equals(region) && !"aws-global".equals(region)) {
                    r.createBucketConfiguration(c -> c.locationConstraint(region));
                }
            });
        } catch (RuntimeException e) {
            throw LambdaErrors.failed("creating S3 bucket " + bucket, e);
        }
    }

    /** Uploads {@code pkg} unless an object with its content hash is there already. */
    public Stored upload(String name, LambdaPackager.Package pkg, DeployContext ctx) {
        String key = key(name, pkg);
        try {
            s3.headObject(r -> budget.on(r).bucket(bucket).key(key));
            LOG.debug("package s3://{}/{} is already there", bucket, key);
            return new Stored(key, false);
        } catch (RuntimeException e) {
            if (!LambdaErrors.isNotFound(e)) {
                throw LambdaErrors.failed("checking s3://" + bucket + "/" + key, e);
            }
        }
        ctx.progress("upload", "", "uploading " + pkg.zippedBytes() + " bytes to s3://" + bucket + "/" + key);
        try {
            s3.putObject(r -> budget.on(r).bucket(bucket).key(key).contentType("application/zip"),
                    RequestBody.fromFile(pkg.zip()));
        } catch (RuntimeException e) {
            throw LambdaErrors.failed("uploading the package to s3://" + bucket + "/" + key, e);
        }
        return new Stored(key, true);
    }

    /**
     * Deletes one object.
     *
     * @throws dev.mldeploy.MlDeployException it could not be deleted
     */
    public void delete(String key) {
        try {
            s3.deleteObject(r -> budget.on(r).bucket(bucket).key(key));
        } catch (RuntimeException e) {
            throw LambdaErrors.failed("deleting s3://" + bucket + "/" + key, e);
        }
    }

    /** Deletes every package of {@code name}; returns how many there were. */
    public int deleteAll(String name) {
        List<ObjectIdentifier> keys = new ArrayList<>();
        try {
            String token = null;
            do {
                String t = token;
                ListObjectsV2Response page = s3.listObjectsV2(r -> budget.on(r).bucket(bucket).prefix(prefix(name))
                        .continuationToken(t));
                for (S3Object o : page.contents()) {
                    keys.add(ObjectIdentifier.builder().key(o.key()).build());
                }
                token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (token != null);
        } catch (RuntimeException e) {
            if (LambdaErrors.isNotFound(e)) {
                return 0; // no bucket, no packages
            }
            throw LambdaErrors.failed("listing packages in s3://" + bucket + "/" + prefix(name), e);
        }
        for (int i = 0; i < keys.size(); i += 1000) {
            List<ObjectIdentifier> batch = keys.subList(i, Math.min(keys.size(), i + 1000));
            try {
                var result = s3.deleteObjects(r -> budget.on(r).bucket(bucket)
                        .delete(d -> d.objects(batch).quiet(true)));
                if (result != null && result.hasErrors() && !result.errors().isEmpty()) {
                    throw new dev.mldeploy.DeploymentFailedException("S3 could not delete " + result.errors().size()
                            + " packages in s3://" + bucket + "/" + prefix(name) + ": " + result.errors().get(0).code()
                            + ": " + result.errors().get(0).message());
                }
            } catch (RuntimeException e) {
                throw LambdaErrors.failed("deleting packages in s3://" + bucket + "/" + prefix(name), e);
            }
        }
        return keys.size();
    }
}
