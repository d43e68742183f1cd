package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.aws.ManagedRole;
import dev.mldeploy.spi.DeployContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The execution role mldeploy creates when asked (as the Lambda target's {@code RoleManager} does for functions):
 * {@code mldeploy-sm-<name>} (a name that follows from the deployment's name alone; SageMaker names are at most 50
 * characters, so {@code mldeploy-sagemaker-} would not fit IAM's 64), trusted by sagemaker.amazonaws.com only,
 * with one inline policy {@value #POLICY} that lets the endpoint read its own artifacts
 * ({@code s3://<bucket>/<prefix>/<name>/}), write its own log group ({@code /aws/sagemaker/Endpoints/<endpoint>})
 * and, when its image is in ECR, pull that one repository; tagged for the deployment through {@link ManagedRole},
 * so undeploy finds and removes it. Thread-safe.
 */
public final class RoleManager {
    /** The inline policy's name. */
    public static final String POLICY = "mldeploy-endpoint";
    static final String PURPOSE = "execution";
    private static final Pattern ECR_IMAGE = Pattern.compile(
            "^(\\d{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?/([a-z0-9._/-]+)(?::[\\w.-]+|@sha256:[0-9a-f]{64})?$");

    private final ManagedRole roles;

    public RoleManager(IamClient iam, CallBudget budget) {
        this.roles = new ManagedRole(iam, budget, AwsClients.BUILDER);
    }

    /** The role's name for deployment {@code name}. */
    public static String roleName(String name) {
        return "mldeploy-sm-" + name;
    }

    /** A well-formed ARN of that role, for checking a plan before the role exists (never sent to AWS). */
    static String placeholderArn(String name) {
        return "arn:aws:iam::000000000000:role/" + roleName(name);
    }

    /** Finds or creates the role for the deployment {@code plan} describes, with its policy. */
    public ManagedRole.Resolved ensure(String name, DeploymentPlan plan, String region, Map<String, String> userTags,
                                       DeployContext ctx) {
        return roles.ensure(new ManagedRole.Spec(roleName(name), name, SageMakerSettings.NAME, PURPOSE,
                "sagemaker.amazonaws.com", POLICY,
                account -> policy(name, plan.bucket(), plan.prefix(), plan.image(), region, account), userTags), ctx);
    }

    /** Removes the role mldeploy made for {@code name}, if there is one; returns whether there was. */
    public boolean deleteIfManaged(String name) {
        return roles.deleteIfManaged(roleName(name), name, SageMakerSettings.NAME);
    }

    /** The inline policy: artifacts read, log group write, image pull (ECR images only). */
    static String policy(String name, String bucket, String prefix, String image, String region, String account) {
        String keys = Naming.artifactPrefix(prefix, name);
        String logGroup = "arn:aws:logs:" + region + ":" + account + ":log-group:/aws/sagemaker/Endpoints/"
                + Naming.endpointName(name);
        List<String> statements = new ArrayList<>();
        statements.add("{\"Sid\":\"ReadArtifacts\",\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::" + bucket + "/" + keys + "*\"}");
        statements.add("{\"Sid\":\"ListArtifacts\",\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\","
                + "\"Resource\":\"arn:aws:s3:::" + bucket + "\",\"Condition\":{\"StringLike\":{\"s3:prefix\":\""
                + keys + "*\"}}}");
        statements.add("{\"Sid\":\"WriteLogs\",\"Effect\":\"Allow\",\"Action\":[\"logs:CreateLogGroup\","
                + "\"logs:CreateLogStream\",\"logs:PutLogEvents\",\"logs:DescribeLogStreams\"],\"Resource\":[\""
                + logGroup + "\",\"" + logGroup + ":*\"]}");
        Matcher ecr = image == null ? null : ECR_IMAGE.matcher(image);
        if (ecr != null && ecr.matches()) {
            statements.add("{\"Sid\":\"PullImage\",\"Effect\":\"Allow\",\"Action\":[\"ecr:BatchGetImage\","
                    + "\"ecr:GetDownloadUrlForLayer\",\"ecr:BatchCheckLayerAvailability\"],\"Resource\":\"arn:aws:ecr:"
                    + ecr.group(2) + ":" + ecr.group(1) + ":repository/" + ecr.group(3) + "\"}");
            // GetAuthorizationToken has no resource to scope to
            statements.add("{\"Sid\":\"EcrLogin\",\"Effect\":\"Allow\",\"Action\":\"ecr:GetAuthorizationToken\","
                    + "\"Resource\":\"*\"}");
        }
        return "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}";
    }
}
