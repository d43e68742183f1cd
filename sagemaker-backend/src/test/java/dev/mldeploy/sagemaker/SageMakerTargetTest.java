package dev.mldeploy.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.sagemaker.internal.SageMakerSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The public values are copied once into the internals' own records, and come back unchanged. */
class SageMakerTargetTest {
    private static final VpcSettings VPC = VpcSettings.of(List.of("subnet-1", "subnet-2"), List.of("sg-1"));
    private static final DataCaptureSettings CAPTURE = DataCaptureSettings.of("s3://captures/m", 20);
    private static final AutoscalingSettings SCALING = AutoscalingSettings.of(1, 4, 100);
    private static final List<VariantSettings> VARIANTS = List.of(VariantSettings.of("a", 0.9),
            VariantSettings.of("b", 0.1, "ml.c5.xlarge", 2));

    @Test
    void build_copiesThePublicValuesIntoTheInternalRecords_andTheGettersGiveThemBack() {
        SageMakerTarget t = SageMakerTarget.builder().vpc(VPC).dataCapture(CAPTURE).autoscaling(SCALING)
                .variants(VARIANTS).kmsKeyId("alias/models").build();
        SageMakerSettings s = t.settings();
        assertEquals(new SageMakerSettings.Vpc(VPC.subnetIds(), VPC.securityGroupIds()), s.vpc());
        assertEquals(new SageMakerSettings.DataCapture("s3://captures/m", 20), s.dataCapture());
        assertEquals(new SageMakerSettings.Autoscaling(1, 4, 100), s.autoscaling());
        assertEquals(List.of(new SageMakerSettings.Variant("a", 0.9, null, 0),
                new SageMakerSettings.Variant("b", 0.1, "ml.c5.xlarge", 2)), s.variants());

        assertEquals(VPC, t.vpc().orElseThrow());
        assertEquals(CAPTURE, t.dataCapture().orElseThrow());
        assertEquals(SCALING, t.autoscaling().orElseThrow());
        assertEquals(VARIANTS, t.variants());
        assertTrue(t.serverless().isEmpty());
        assertTrue(t.region().isEmpty(), "a setting not given is empty, not a default");
    }

    @Test
    void toBuilder_keepsEverySetting() {
        SageMakerTarget realtime = SageMakerTarget.builder().region("eu-west-1").roleArn(
                "arn:aws:iam::123456789012:role/x").bucket("models").image("img:1").instanceType("ml.m5.large")
                .instanceCount(2).vpc(VPC).dataCapture(CAPTURE).autoscaling(SCALING).variants(VARIANTS)
                .timeout(java.time.Duration.ofMinutes(5)).build();
        SageMakerTarget copy = realtime.toBuilder().build();
        assertEquals(realtime.toString(), copy.toString());
        assertEquals(realtime.settings(), copy.settings());

        SageMakerTarget serverless = SageMakerTarget.builder().serverless(new ServerlessSettings(2048, 7)).build();
        assertEquals(new ServerlessSettings(2048, 7), serverless.toBuilder().build().serverless().orElseThrow());
        assertEquals(new SageMakerSettings.Serverless(2048, 7), serverless.settings().serverless());
    }
}
