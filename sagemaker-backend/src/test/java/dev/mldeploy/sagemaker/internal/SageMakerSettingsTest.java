package dev.mldeploy.sagemaker.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.sagemaker.AutoscalingSettings;
import dev.mldeploy.sagemaker.DataCaptureSettings;
import dev.mldeploy.sagemaker.SageMakerTarget;
import dev.mldeploy.sagemaker.ServerlessSettings;
import dev.mldeploy.sagemaker.VariantSettings;
import dev.mldeploy.sagemaker.VpcSettings;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SageMakerSettingsTest {

    private static InvalidConfigurationException invalid(Consumer<SageMakerTarget.Builder> edit) {
        SageMakerTarget.Builder b = SageMakerTarget.builder();
        return assertThrows(InvalidConfigurationException.class, () -> {
            edit.accept(b);
            b.build();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"arn:aws:iam::123456789012:role/SageMakerExecution",
            "arn:aws:iam::123456789012:role/service-role/AmazonSageMaker-ExecutionRole-2024",
            "arn:aws-cn:iam::123456789012:role/x", "arn:aws-us-gov:iam::123456789012:role/a.b@c=d,e+f"})
    void build_withWellFormedRoleArn_passes(String arn) {
        assertDoesNotThrow(() -> SageMakerTarget.builder().roleArn(arn).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"SageMakerExecution", "arn:aws:iam::1234:role/x", "arn:aws:iam::123456789012:user/x",
            "arn:aws:iam::123456789012:role/", "arn:aws:s3:::bucket", "arn:aws:iam::123456789012:role/with space"})
    void build_withMalformedRoleArn_saysTheExpectedForm(String arn) {
        InvalidConfigurationException e = invalid(b -> b.roleArn(arn));
        assertTrue(e.getMessage().contains("arn:aws:iam::<12-digit account id>:role/"), e.getMessage());
        assertTrue(e.getMessage().contains(arn), e.getMessage());
    }

    @Test
    void build_serverlessWithInstanceType_isRefused() {
        InvalidConfigurationException e = invalid(b -> b.serverless(ServerlessSettings.of(2048))
                .instanceType("ml.m5.large"));
        assertTrue(e.getMessage().contains("serverless"), e.getMessage());
    }

    @Test
    void build_serverlessWithVariantsDataCaptureVpcOrAutoscaling_isRefused() {
        invalid(b -> b.serverless(ServerlessSettings.of(2048)).addVariant(VariantSettings.of("a", 1)));
        invalid(b -> b.serverless(ServerlessSettings.of(2048)).dataCapture(DataCaptureSettings.of("s3://b/c", 10)));
        invalid(b -> b.serverless(ServerlessSettings.of(2048)).vpc(VpcSettings.of(List.of("s"), List.of("g"))));
        invalid(b -> b.serverless(ServerlessSettings.of(2048)).autoscaling(AutoscalingSettings.of(1, 2, 10)));
    }

    @Test
    void settings_outsideTheirRanges_areRefusedWithTheRange() {
        assertTrue(assertThrows(InvalidConfigurationException.class, () -> ServerlessSettings.of(1500))
                .getMessage().contains("1024, 2048"));
        assertThrows(InvalidConfigurationException.class, () -> new ServerlessSettings(2048, 201));
        assertThrows(InvalidConfigurationException.class, () -> AutoscalingSettings.of(3, 2, 10));
        assertThrows(InvalidConfigurationException.class, () -> AutoscalingSettings.of(0, 2, 10));
        assertThrows(InvalidConfigurationException.class, () -> DataCaptureSettings.of("bucket/x", 10));
        assertThrows(InvalidConfigurationException.class, () -> DataCaptureSettings.of("s3://b/x", 0));
        assertThrows(InvalidConfigurationException.class, () -> VariantSettings.of("a", 0));
        assertThrows(InvalidConfigurationException.class, () -> VariantSettings.of("a", 1, "m5.large", 1));
    }

    @Test
    void build_withImageAndFramework_isRefusedSayingToGiveOne() {
        InvalidConfigurationException e = invalid(b -> b.image("img:1").framework("sklearn"));
        assertTrue(e.getMessage().contains("give --image for your own container or --framework"), e.getMessage());
        invalid(b -> b.image("img:1").frameworkVersion("1.2-1"));
    }

    @Test
    void build_withUnknownFrameworkOrVersion_isRefusedListingTheKnownOnes() {
        assertTrue(invalid(b -> b.framework("mxnet")).getMessage().contains("known frameworks: sklearn, pytorch, "
                + "xgboost"));
        assertTrue(invalid(b -> b.framework("xgboost").frameworkVersion("0.90-1")).getMessage()
                .contains("known xgboost versions: 1.3-1, 1.5-1, 1.7-1, 3.0-5, 3.2-0"));
    }

    @Test
    void build_withKnownFrameworkAndAlias_keepsThemAsGiven() {
        SageMakerTarget t = SageMakerTarget.builder().framework("pytorch").frameworkVersion("2.6").build();
        assertEquals("pytorch", Fixtures.settings(t).framework());
        assertEquals("2.6", Fixtures.settings(t).frameworkVersion());
    }

    @Test
    void build_withDuplicateVariantNames_isRefused() {
        invalid(b -> b.addVariant(VariantSettings.of("a", 1)).addVariant(VariantSettings.of("a", 2)));
    }

    @Test
    void build_withBadBucketPrefixInstanceTypeOrTag_isRefused() {
        invalid(b -> b.bucket("Bad_Bucket"));
        invalid(b -> b.prefix("/leading"));
        invalid(b -> b.instanceType("m5.large"));
        invalid(b -> b.putTag("mldeploy:name", "x"));
        invalid(b -> b.compressionLevel(10));
        invalid(b -> b.instanceCount(5).autoscaling(AutoscalingSettings.of(1, 2, 10)));
    }
}
