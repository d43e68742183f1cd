package dev.mldeploy.sagemaker;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.bundle.SourceTree;
import dev.mldeploy.placement.SageMakerLimits;
import dev.mldeploy.sagemaker.internal.ArtifactStore;
import dev.mldeploy.sagemaker.internal.ModelPackager;
import java.nio.file.Path;
import java.util.Objects;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Packs a model directory the way a {@code sagemaker} deploy does (a content-addressed {@code model.tar.gz} with
 * the adapter, or the same files under an S3 prefix) and uploads it to S3, creating nothing in SageMaker. For
 * measuring packaging and upload, and for staging an artifact ahead of a deploy: a deploy with the same bucket,
 * prefix and name finds it and does not upload it again.
 *
 * <pre>{@code
 * try (SageMakerArtifacts artifacts = SageMakerArtifacts.builder().s3Client(s3).build()) {
 *     SageMakerArtifacts.Upload up = artifacts.upload(Path.of("model"), "my-models", "mldeploy", "sentiment", false);
 * }
 * }</pre>
 *
 * <p>Thread-safe. The S3 client is the caller's and is never closed; {@link #close()} stops the upload threads.
 */
public final class SageMakerArtifacts implements AutoCloseable {
    private final ArtifactStore store;

    private SageMakerArtifacts(Builder b) {
        this.store = new ArtifactStore(b.s3Client, new ModelPackager(b.compressionLevel, b.storeIncompressibleFiles));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * What one {@link #upload} left in S3.
     *
     * @param s3Uri    the archive ({@code s3://bucket/prefix/name/<key>/model.tar.gz}) or, uncompressed, the prefix
     * @param uploaded whether this call uploaded it (false: the same content was there already)
     * @param bytes    the bytes this call uploaded
     */
    public record Upload(String s3Uri, boolean uploaded, long bytes) {
    }

    /**
     * Uploads {@code modelDirectory}'s artifact under {@code s3://<bucket>/<prefix>/<name>/} unless the same content
     * is there already. The bucket must exist.
     *
     * @param uncompressed the files under an S3 prefix ({@code CompressionType=None}) instead of {@code model.tar.gz}
     * @throws InvalidConfigurationException the bucket or prefix breaks S3's or mldeploy's naming rules
     * @throws InvalidSpecException          {@code name} is not a name SageMaker can take
     */
    public Upload upload(Path modelDirectory, String bucket, String prefix, String name, boolean uncompressed) {
        Objects.requireNonNull(modelDirectory, "modelDirectory");
        Objects.requireNonNull(name, "name");
        // the target's own checks of bucket and prefix, so an upload here lands where a deploy would look
        SageMakerTarget.builder().bucket(Objects.requireNonNull(bucket, "bucket"))
                .prefix(Objects.requireNonNull(prefix, "prefix")).build();
        SageMakerLimits.nameProblem(name).ifPresent(problem -> {
            throw new InvalidSpecException("'" + name + "' cannot name a sagemaker deployment: " + problem);
        });
        ArtifactStore.Artifact a = store.upload(SourceTree.of(modelDirectory), bucket, prefix, name, uncompressed);
        return new Upload(a.s3Uri(), a.uploaded(), a.bytes());
    }

    @Override
    public void close() {
        store.close();
    }

    /** Builds {@link SageMakerArtifacts}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private S3Client s3Client;
        private int compressionLevel = 1;
        private boolean storeIncompressibleFiles = true;

        private Builder() {
        }

        /** The client uploads go through (required); never closed here. */
        public Builder s3Client(S3Client s3Client) {
            this.s3Client = Objects.requireNonNull(s3Client, "s3Client");
            return this;
        }

        /** The gzip level, 0 to 9 (default 1, as {@link SageMakerTarget.Builder#compressionLevel(int)}). */
        public Builder compressionLevel(int level) {
            this.compressionLevel = level;
            return this;
        }

        /** Whether files gzip barely shrinks (model weights) are stored, not compressed (default true, as a deploy). */
        public Builder storeIncompressibleFiles(boolean store) {
            this.storeIncompressibleFiles = store;
            return this;
        }

        /** @throws InvalidConfigurationException no S3 client, or the compression level is not 0 to 9 */
        public SageMakerArtifacts build() {
            if (s3Client == null) {
                throw new InvalidConfigurationException("SageMakerArtifacts needs an S3 client; set "
                        + "SageMakerArtifacts.builder().s3Client(...)");
            }
            SageMakerTarget.builder().compressionLevel(compressionLevel).build(); // the target's level check
            return new SageMakerArtifacts(this);
        }
    }
}
