package dev.mldeploy.sagemaker;

import dev.mldeploy.InvalidConfigurationException;
import java.util.List;
import java.util.Objects;

/**
 * Runs the model's containers in a VPC (real-time endpoints only). Immutable and thread-safe.
 *
 * @param subnetIds        the subnets (1 to 16)
 * @param securityGroupIds the security groups (1 to 5)
 */
public record VpcSettings(List<String> subnetIds, List<String> securityGroupIds) {
    public VpcSettings {
        subnetIds = List.copyOf(Objects.requireNonNull(subnetIds, "subnetIds"));
        securityGroupIds = List.copyOf(Objects.requireNonNull(securityGroupIds, "securityGroupIds"));
        if (subnetIds.isEmpty() || subnetIds.size() > 16) {
            throw new InvalidConfigurationException("VPC config has " + subnetIds.size()
                    + " subnets; give 1 to 16 subnet ids");
        }
        if (securityGroupIds.isEmpty() || securityGroupIds.size() > 5) {
            throw new InvalidConfigurationException("VPC config has " + securityGroupIds.size()
                    + " security groups; give 1 to 5 security group ids");
        }
    }

    public static VpcSettings of(List<String> subnetIds, List<String> securityGroupIds) {
        return new VpcSettings(subnetIds, securityGroupIds);
    }
}
