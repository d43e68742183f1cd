package dev.mldeploy.lambda.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.FunctionCode;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.Layer;
import software.amazon.awssdk.services.lambda.model.PackageType;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionCodeRequest;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationRequest;

/**
 * Builds the requests a deploy sends for a function's creation, code and configuration, and the tags mldeploy puts
 * on it, from the resolved {@link FunctionSettings}. Stateless.
 */
final class FunctionRequests {
    private FunctionRequests() {
    }

    /**
     * Fills a CreateFunction request (unpublished; the deploy publishes the version itself); {@code layers} are the
     * layer version ARNs of a zip function (its dependencies), empty for none.
     */
    static CreateFunctionRequest.Builder create(CreateFunctionRequest.Builder b, String name, String roleArn,
                                                FunctionCode code, FunctionSettings s, Map<String, String> tags,
                                                List<String> layers) {
        b.functionName(name).role(roleArn).code(code).memorySize(s.memoryMb())
                .timeout(s.timeoutSeconds()).architecturesWithStrings(s.architecture().awsName())
                .ephemeralStorage(e -> e.size(s.ephemeralStorageMb()))
                .environment(e -> e.variables(s.environment())).tags(tags).publish(false)
                .description("mldeploy model " + name);
        if (s.isImage()) {
            b.packageType(PackageType.IMAGE);
        } else {
            b.packageType(PackageType.ZIP).runtime(s.runtime()).handler(LambdaPackager.HANDLER);
            if (!layers.isEmpty()) {
                b.layers(layers);
            }
        }
        if (s.vpc() != null) {
            b.vpcConfig(v -> v.subnetIds(s.vpc().subnetIds())
                    .securityGroupIds(s.vpc().securityGroupIds()));
        }
        return b;
    }

    /** Fills an UpdateFunctionCode request carrying the RevisionId this deploy last saw. */
    static UpdateFunctionCodeRequest.Builder updateCode(UpdateFunctionCodeRequest.Builder b, String name,
                                                        FunctionCode code, FunctionSettings s, String revisionId) {
        return b.functionName(name).zipFile(code.zipFile())
                .s3Bucket(code.s3Bucket()).s3Key(code.s3Key()).imageUri(code.imageUri())
                .architecturesWithStrings(s.architecture().awsName()).revisionId(revisionId);
    }

    /**
     * Fills an UpdateFunctionConfiguration request carrying the RevisionId this deploy last saw; an empty VPC
     * configuration detaches a VPC the function had, and an empty {@code layers} the layers a zip function had.
     */
    static UpdateFunctionConfigurationRequest.Builder updateConfiguration(UpdateFunctionConfigurationRequest.Builder b,
                                                                          String name, String roleArn,
                                                                          FunctionSettings s, String revisionId,
                                                                          List<String> layers) {
        b.functionName(name).role(roleArn).memorySize(s.memoryMb())
                .timeout(s.timeoutSeconds()).ephemeralStorage(e -> e.size(s.ephemeralStorageMb()))
                .environment(e -> e.variables(s.environment())).revisionId(revisionId)
                .vpcConfig(v -> v.subnetIds(s.vpc() == null ? List.of() : s.vpc().subnetIds())
                        .securityGroupIds(s.vpc() == null ? List.of() : s.vpc().securityGroupIds()));
        if (!s.isImage()) {
            b.runtime(s.runtime()).handler(LambdaPackager.HANDLER).layers(layers);
        }
        return b;
    }

    /** Whether the function's layers are other than {@code want} (in order: Lambda applies them in order). */
    static boolean layersDiffer(FunctionConfiguration current, List<String> want) {
        List<String> now = current.layers() == null ? List.of()
                : current.layers().stream().map(Layer::arn).toList();
        return !now.equals(want);
    }

    static Map<String, String> functionTags(String name, String hash, boolean roleCreated, String bucket,
                                                    Map<String, String> userTags) {
        Map<String, String> tags = new HashMap<>(userTags);
        tags.put(Tags.MANAGED, "true");
        tags.put(Tags.NAME, name);
        tags.put(Tags.SPEC_HASH, hash);
        if (roleCreated) {
            tags.put(Tags.ROLE_CREATED, "true");
        }
        if (bucket != null) {
            tags.put(Tags.BUCKET, bucket);
        }
        return tags;
    }
}
