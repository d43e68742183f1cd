package dev.mldeploy.lambda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.Architecture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.FunctionCode;
import software.amazon.awssdk.services.lambda.model.PackageType;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationRequest;

class FunctionRequestsTest {
    private static final String ROLE = "arn:aws:iam::123456789012:role/r";
    private static final String LAYER = "arn:aws:lambda:us-east-1:123456789012:layer:m-deps:1";

    private static FunctionSettings settings(String imageUri, LambdaSettings.Vpc vpc) {
        return new FunctionSettings("m", "python3.12", Architecture.ARM64, 1024, 30, 512, Map.of("K", "v"),
                imageUri, 0, null, vpc, Map.of("team", "a"));
    }

    @Test
    void create_whenZip_setsRuntimeHandlerAndLeavesVersionUnpublished() {
        CreateFunctionRequest r = FunctionRequests.create(CreateFunctionRequest.builder(), "m", ROLE,
                FunctionCode.builder().s3Bucket("b").s3Key("k").build(), settings(null, null), Map.of("t", "1"),
                List.of()).build();
        assertEquals(PackageType.ZIP, r.packageType());
        assertEquals("python3.12", r.runtimeAsString());
        assertEquals(LambdaPackager.HANDLER, r.handler());
        assertFalse(r.publish());
        assertEquals(List.of("arm64"), r.architecturesAsStrings());
        assertEquals(Map.of("t", "1"), r.tags());
        assertNull(r.vpcConfig());
    }

    @Test
    void create_whenImage_sendsNoRuntimeOrHandler() {
        CreateFunctionRequest r = FunctionRequests.create(CreateFunctionRequest.builder(), "m", ROLE,
                FunctionCode.builder().imageUri("i").build(), settings("i", null), Map.of(), List.of(LAYER)).build();
        assertEquals(PackageType.IMAGE, r.packageType());
        assertNull(r.runtime());
        assertNull(r.handler());
        assertTrue(r.layers().isEmpty(), "an image function takes no layers");
    }

    @Test
    void create_whenZipWithDependencyLayer_listsTheLayerVersion() {
        CreateFunctionRequest r = FunctionRequests.create(CreateFunctionRequest.builder(), "m", ROLE,
                FunctionCode.builder().s3Bucket("b").s3Key("k").build(), settings(null, null), Map.of(),
                List.of(LAYER)).build();
        assertEquals(List.of(LAYER), r.layers());
    }

    @Test
    void updateConfiguration_whenNoLayers_sendsEmptyLayersToDetachThem() {
        UpdateFunctionConfigurationRequest r = FunctionRequests.updateConfiguration(
                UpdateFunctionConfigurationRequest.builder(), "m", ROLE, settings(null, null), "rev-1", List.of())
                .build();
        assertTrue(r.hasLayers(), "an explicit empty list, so Lambda drops the old layer");
        assertTrue(r.layers().isEmpty());
    }

    @Test
    void layersDiffer_comparesTheVersionArns() {
        software.amazon.awssdk.services.lambda.model.FunctionConfiguration withLayer =
                software.amazon.awssdk.services.lambda.model.FunctionConfiguration.builder()
                        .layers(software.amazon.awssdk.services.lambda.model.Layer.builder().arn(LAYER).build())
                        .build();
        software.amazon.awssdk.services.lambda.model.FunctionConfiguration none =
                software.amazon.awssdk.services.lambda.model.FunctionConfiguration.builder().build();
        assertFalse(FunctionRequests.layersDiffer(withLayer, List.of(LAYER)));
        assertTrue(FunctionRequests.layersDiffer(withLayer, List.of(LAYER.replace(":1", ":2"))));
        assertTrue(FunctionRequests.layersDiffer(withLayer, List.of()));
        assertTrue(FunctionRequests.layersDiffer(none, List.of(LAYER)));
        assertFalse(FunctionRequests.layersDiffer(none, List.of()));
    }

    @Test
    void updateConfiguration_whenNoVpc_sendsEmptyVpcToDetachOne() {
        UpdateFunctionConfigurationRequest r = FunctionRequests.updateConfiguration(
                UpdateFunctionConfigurationRequest.builder(), "m", ROLE, settings(null, null), "rev-1", List.of())
                .build();
        assertEquals("rev-1", r.revisionId());
        assertTrue(r.vpcConfig().subnetIds().isEmpty());
        assertTrue(r.vpcConfig().securityGroupIds().isEmpty());
    }

    @Test
    void functionTags_whenRoleCreatedAndBucket_recordsBothForUndeploy() {
        Map<String, String> tags = FunctionRequests.functionTags("m", "h", true, "bkt", Map.of("team", "a"));
        assertEquals("true", tags.get(Tags.ROLE_CREATED));
        assertEquals("bkt", tags.get(Tags.BUCKET));
        assertEquals("h", tags.get(Tags.SPEC_HASH));
        assertEquals("a", tags.get("team"));
        assertFalse(FunctionRequests.functionTags("m", "h", false, null, Map.of()).containsKey(Tags.ROLE_CREATED));
    }
}
