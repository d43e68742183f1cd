package dev.mldeploy.lambda.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.spi.DeployContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Objects;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.FunctionCode;
import software.amazon.awssdk.services.lambda.model.LayerVersionContentInput;

/**
 * Hands a zip (the function's code or its dependency layer) to Lambda: in the request when it is within the direct
 * upload limit, otherwise through the configured bucket ({@link PackageStore}, one object per content hash), and
 * records what it uploaded so a failed first deploy can delete it. Thread-safe (its state is the configuration).
 */
final class CodeUploader {
    private final LambdaSettings config;
    private final AwsClients clients;

    CodeUploader(LambdaSettings config, AwsClients clients) {
        this.config = config;
        this.clients = clients;
    }

    /**
     * Refuses, before any AWS call, a zip over the direct upload limit when no bucket is configured.
     *
     * @param what "the Lambda package", "the dependency layer", for the message
     * @throws InvalidConfigurationException naming the sizes and the setting to give
     */
    void checkUploadable(String name, String what, LambdaPackager.Package pkg) {
        if (pkg.zippedBytes() > config.directUploadLimitBytes() && config.bucket() == null) {
            throw new InvalidConfigurationException(what + " of '" + name + "' is " + pkg.zippedBytes()
                    + " bytes zipped, over the " + config.directUploadLimitBytes() + "-byte direct upload limit; "
                    + "give an S3 bucket for it (--bucket, MLDEPLOY_BUCKET)");
        }
    }

    /** The function's code: the image, the zip's bytes, or where the zip is in S3. */
    FunctionCode functionCode(String name, FunctionSettings s, LambdaPackager.Package pkg, CreatedResources created,
                              CallBudget budget, DeployContext ctx) {
        if (s.isImage()) {
            return FunctionCode.builder().imageUri(s.imageUri()).build();
        }
        if (direct(pkg)) {
            return FunctionCode.builder().zipFile(bytes(pkg)).build();
        }
        PackageStore.Stored stored = toS3(name, pkg, created, budget, ctx);
        return FunctionCode.builder().s3Bucket(created.store.bucket()).s3Key(stored.key()).build();
    }

    /** A layer version's content: the zip's bytes, or where it is in S3. */
    LayerVersionContentInput layerContent(String name, LambdaPackager.Package layer, CreatedResources created,
                                          CallBudget budget, DeployContext ctx) {
        if (direct(layer)) {
            return LayerVersionContentInput.builder().zipFile(bytes(layer)).build();
        }
        PackageStore.Stored stored = toS3(name, layer, created, budget, ctx);
        return LayerVersionContentInput.builder().s3Bucket(created.store.bucket()).s3Key(stored.key()).build();
    }

    private boolean direct(LambdaPackager.Package pkg) {
        return pkg.zippedBytes() <= config.directUploadLimitBytes();
    }

    private PackageStore.Stored toS3(String name, LambdaPackager.Package pkg, CreatedResources created,
                                     CallBudget budget, DeployContext ctx) {
        PackageStore store = created.store;
        if (store == null) { // code and layer share one bucket check
            store = new PackageStore(clients.s3(), Objects.requireNonNull(config.bucket(), "bucket"), config.createBucket(), budget);
            store.ensureBucket(ctx);
            created.store = store;
        }
        PackageStore.Stored stored = store.upload(name, pkg, ctx);
        if (stored.uploaded()) {
            created.uploadedKeys.add(stored.key());
        }
        return stored;
    }

    private static SdkBytes bytes(LambdaPackager.Package pkg) {
        try {
            return SdkBytes.fromByteArray(Files.readAllBytes(pkg.zip()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the package " + pkg.zip(), e);
        }
    }
}
