package dev.mldeploy.lambda.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.spi.DeployContext;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * The execution role mldeploy creates when asked: {@code mldeploy-lambda-<name>}, trusted by lambda.amazonaws.com,
 * with only {@value #BASIC_POLICY} attached, tagged {@code mldeploy:managed} and {@code mldeploy:name} so that
 * undeploy (from any process) finds and removes it. Never touches a role it did not create. Thread-safe.
 */
public final class RoleManager {
    public static final String BASIC_POLICY = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
    static final String TRUST_POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
    private static final Logger LOG = LoggerFactory.getLogger(RoleManager.class);

    private final IamClient iam;

    public RoleManager(IamClient iam) {
        this.iam = iam;
    }

    /** The role's name for deployment {@code name} (at most 64 characters: names are at most 48). */
    public static String roleName(String name) {
        return "mldeploy-lambda-" + name;
    }

    /**
     * The role's ARN, and whether this call created it.
     *
     * @param arn     the role's ARN
     * @param created whether this call created it (so a failed first deploy removes it)
     */
    public record Resolved(String arn, boolean created) {
    }

    /** Finds the role mldeploy made for {@code name}, or creates it. */
    public Resolved ensure(String name, Map<String, String> userTags, DeployContext ctx) {
        String roleName = roleName(name);
        Role existing = find(roleName);
        if (existing != null) {
            if (!isManaged(roleName, name)) {
                throw new InvalidConfigurationException("an IAM role named " + roleName + " exists and was not made "
                        + "by mldeploy for '" + name + "'; pass its ARN (--role-arn) or remove it");
            }
            return new Resolved(existing.arn(), false);
        }
        ctx.progress("create-role", "", "creating execution role " + roleName);
        Role role;
        try {
            role = iam.createRole(r -> r.roleName(roleName).assumeRolePolicyDocument(TRUST_POLICY)
                    .description("Execution role for the mldeploy Lambda deployment '" + name + "'")
                    .tags(tags(name, userTags))).role();
        } catch (RuntimeException e) {
            throw LambdaErrors.failed("creating IAM role " + roleName, e);
        }
        try {
            iam.attachRolePolicy(r -> r.roleName(roleName).policyArn(BASIC_POLICY));
        } catch (RuntimeException e) {
            delete(roleName);
            throw LambdaErrors.failed("attaching " + BASIC_POLICY + " to role " + roleName, e);
        }
        LOG.debug("created execution role {}", roleName);
        return new Resolved(role.arn(), true);
    }

    /** Removes the role mldeploy made for {@code name}, if there is one; returns whether there was. */
    public boolean deleteIfManaged(String name) {
        String roleName = roleName(name);
        if (find(roleName) == null || !isManaged(roleName, name)) {
            return false;
        }
        delete(roleName);
        return true;
    }

    private void delete(String roleName) {
        try {
            for (AttachedPolicy p : iam.listAttachedRolePolicies(r -> r.roleName(roleName)).attachedPolicies()) {
                iam.detachRolePolicy(r -> r.roleName(roleName).policyArn(p.policyArn()));
            }
            for (String inline : iam.listRolePolicies(r -> r.roleName(roleName)).policyNames()) {
                iam.deleteRolePolicy(r -> r.roleName(roleName).policyName(inline));
            }
            iam.deleteRole(r -> r.roleName(roleName));
        } catch (NoSuchEntityException e) {
            LOG.debug("role {} already gone", roleName);
        } catch (RuntimeException e) {
            throw LambdaErrors.failed("deleting IAM role " + roleName, e);
        }
    }

    private Role find(String roleName) {
        try {
            return iam.getRole(r -> r.roleName(roleName)).role();
        } catch (NoSuchEntityException e) {
            return null;
        } catch (RuntimeException e) {
            if (LambdaErrors.isNotFound(e)) {
                return null;
            }
            throw LambdaErrors.failed("reading IAM role " + roleName, e);
        }
    }

    private boolean isManaged(String roleName, String name) {
        Map<String, String> tags = new java.util.HashMap<>();
        iam.listRoleTags(r -> r.roleName(roleName)).tags().forEach(t -> tags.put(t.key(), t.value()));
        return "true".equals(tags.get(Tags.MANAGED)) && name.equals(tags.get(Tags.NAME));
    }

    private static java.util.List<Tag> tags(String name, Map<String, String> userTags) {
        java.util.List<Tag> tags = new java.util.ArrayList<>();
        userTags.forEach((k, v) -> tags.add(Tag.builder().key(k).value(v).build()));
        tags.add(Tag.builder().key(Tags.MANAGED).value("true").build());
        tags.add(Tag.builder().key(Tags.NAME).value(name).build());
        return tags;
    }
}
