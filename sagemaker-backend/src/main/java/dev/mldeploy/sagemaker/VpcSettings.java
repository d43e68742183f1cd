package dev.mldeploy.sagemaker;

import dev.mldeploy.sagemaker.internal.SageMakerSettings;
import java.util.List;
import java.util.Objects;

/**
 * Runs the model's containers in a VPC (real-time endpoints only). Immutable and thread-safe.
 *
 * @param subnetIds        the subnets (1 to 16)
 * @param securityGroupIds the security groups (1 to 5)
 */
public record VpcSettings(List<String> subnetIds, List<String> securityGroupIds) {
    /** Copies the lists; throws {@link dev.mldeploy.InvalidConfigurationException} saying what to change. */
    public VpcSettings {
        SageMakerSettings.Vpc checked = new SageMakerSettings.Vpc(subnetIds, securityGroupIds);
        subnetIds = checked.subnetIds();
        securityGroupIds = checked.securityGroupIds();
    }

    public static VpcSettings of(List<String> subnetIds, List<String> securityGroupIds) {
        return new VpcSettings(subnetIds, securityGroupIds);
    }
}
