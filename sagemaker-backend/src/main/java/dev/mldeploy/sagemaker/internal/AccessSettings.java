package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.aws.http.HttpAccess;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The access part of the {@code sagemaker} target's configuration, beside {@link SageMakerSettings}: whether mldeploy
 * creates the execution role ({@link RoleManager}), the HTTPS front door's access (null: none) and the caller's IAM
 * and API Gateway clients (null: built). Checked against the settings once, when the public builder builds.
 * Immutable.
 *
 * @param createRole       whether mldeploy creates the execution role
 * @param http             the front door's access, or null
 * @param iamClient        the caller's IAM client, or null
 * @param apiGatewayClient the caller's API Gateway client, or null
 */
public record AccessSettings(boolean createRole, HttpAccess http, IamClient iamClient,
                             ApiGatewayClient apiGatewayClient) {
    /** No role to create, no front door. */
    public static final AccessSettings NONE = new AccessSettings(false, null, null, null);

    /**
     * Refuses combinations the created role cannot serve with least privilege.
     *
     * @throws InvalidConfigurationException too many tags for the front door's own beside mldeploy's, a role ARN and
     *                                       {@code createRole}, or {@code createRole} with a VPC, a
     *                                       KMS key or data capture (each needs rights mldeploy does not grant)
     */
    public void check(SageMakerSettings settings) {
        if (http != null && settings.tags().size() + Naming.MLDEPLOY_TAGS + 1 > TagRules.MAX_TAGS) {
            throw new InvalidConfigurationException(settings.tags().size() + " tags given to the sagemaker target; "
                    + "with mldeploy's " + Naming.MLDEPLOY_TAGS + " and the front door's " + SageMakerFrontDoor.TAG
                    + " that is over SageMaker's " + TagRules.MAX_TAGS + " per resource: give at most "
                    + (TagRules.MAX_TAGS - Naming.MLDEPLOY_TAGS - 1) + " with --http");
        }
        if (!createRole) {
            return;
        }
        if (settings.roleArn() != null) {
            throw new InvalidConfigurationException("give an execution role ARN or ask mldeploy to create a role, not "
                    + "both (--role-arn, --create-role)");
        }
        String needs = settings.vpc() != null ? "a VPC (network interfaces)"
                : settings.kmsKeyId() != null ? "a KMS key (kms:Decrypt, kms:CreateGrant)"
                : settings.dataCapture() != null ? "data capture (writes to its S3 destination)" : null;
        if (needs != null) {
            throw new InvalidConfigurationException("the execution role mldeploy creates holds only what a plain "
                    + "endpoint needs (its artifacts, its log group, its image); " + needs + " needs more: give your "
                    + "own role (--role-arn, SageMakerTarget.builder().roleArn(...)) instead of --create-role");
        }
    }
}
