package dev.mldeploy.lambda.internal;

import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.aws.S3Store;
import dev.mldeploy.spi.DeployContext;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Packages over the direct upload limit, in S3 under {@code mldeploy/lambda/<name>/<sha256>.zip}: one object per
 * distinct package, so the key itself says whether the content is already there. The S3 calls are
 * {@link S3Store}'s, each bounded by this store's budget. Thread-safe.
 */
public final class PackageStore {
    private final S3Store store;
    private final String bucket;
    private final boolean createBucket;
    private final CallBudget budget;

    public PackageStore(S3Client s3, String bucket, boolean createBucket, CallBudget budget) {
        this.store = new S3Store(s3, AwsClients.BUILDER, 1);
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
        try (CallBudget.Scope s = CallBudget.open(budget)) {
            store.ensureBucket(bucket, createBucket, () -> ctx.progress("create-bucket", "",
                    "creating S3 bucket " + bucket));
        }
    }

    /** Uploads {@code pkg} unless an object with its content hash is there already. */
    public Stored upload(String name, LambdaPackager.Package pkg, DeployContext ctx) {
        String key = key(name, pkg);
        try (CallBudget.Scope s = CallBudget.open(budget)) {
            if (store.exists(bucket, key)) {
                return new Stored(key, false);
            }
            ctx.progress("upload", "", "uploading " + pkg.zippedBytes() + " bytes to s3://" + bucket + "/" + key);
            store.put(bucket, key, RequestBody.fromFile(pkg.zip()), "application/zip");
            return new Stored(key, true);
        }
    }

    /**
     * Deletes one object.
     *
     * @throws dev.mldeploy.MlDeployException it could not be deleted
     */
    public void delete(String key) {
        try (CallBudget.Scope s = CallBudget.open(budget)) {
            store.delete(bucket, key);
        }
    }

    /** Deletes every package of {@code name}; returns how many there were. */
    public int deleteAll(String name) {
        try (CallBudget.Scope s = CallBudget.open(budget)) {
            return store.deleteAll(bucket, prefix(name));
        }
    }
}
