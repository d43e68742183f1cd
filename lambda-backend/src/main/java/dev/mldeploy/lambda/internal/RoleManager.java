package dev.mldeploy.lambda.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.spi.DeployContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * The execution role mldeploy creates when asked: {@code mldeploy-lambda-<name>} (a name that follows from the
 * deployment's name alone), trusted by lambda.amazonaws.com, with only {@value #BASIC_POLICY} attached, tagged
 * {@code mldeploy:managed}, {@code mldeploy:name} and, when packages go through S3, {@code mldeploy:bucket}, so that
 * undeploy (from any process, even after a deploy was killed before its function existed) finds and removes it and
 * its packages. Never touches a role it did not create. Thread-safe.
 */
public final class RoleManager {
    public static final String BASIC_POLICY = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
    static final String TRUST_POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
    private static final Logger LOG = LoggerFactory.getLogger(RoleManager.class);

    private final IamClient iam;
    private final CallBudget budget;

    public RoleManager(IamClient iam, CallBudget budget) {
        this.iam = iam;
        this.budget = budget;
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

    /** The tags a role for {@code name} carries: the user's, then mldeploy's (bucket may be null). */
    public static Map<String, String> tags(String name, Map<String, String> userTags, String bucket) {
        Map<String, String> tags = new java.util.TreeMap<>(userTags);
        tags.put(Tags.MANAGED, "true");
        tags.put(Tags.NAME, name);
        if (bucket != null) {
            tags.put(Tags.BUCKET, bucket);
        }
        return tags;
    }

    /** Finds the role mldeploy made for {@code name}, or creates it (tagged with {@code bucket} when not null). */
    public Resolved ensure(String name, Map<String, String> userTags, String bucket, DeployContext ctx) {
        String roleName = roleName(name);
        Role existing = find(roleName);
        if (existing != null) {
            return new Resolved(managed(existing, name), false);
        }
        ctx.progress("create-role", "", "creating execution role " + roleName);
        Role role;
        List<Tag> tags = new ArrayList<>();
        tags(name, userTags, bucket).forEach((k, v) -> tags.add(Tag.builder().key(k).value(v).build()));
        try {
            role = iam.createRole(r -> budget.on(r).roleName(roleName).assumeRolePolicyDocument(TRUST_POLICY)
                    .description("Execution role for the mldeploy Lambda deployment '" + name + "'")
                    .tags(tags)).role();
        } catch (RuntimeException e) {
            if (LambdaErrors.isConflict(e)) { // a deploy of the same name at the same time made it first
                Role theirs = find(roleName);
                if (theirs != null) {
                    return new Resolved(managed(theirs, name), false);
                }
            }
            throw LambdaErrors.failed("creating IAM role " + roleName, e);
        }
        try {
            iam.attachRolePolicy(r -> budget.on(r).roleName(roleName).policyArn(BASIC_POLICY));
        } catch (RuntimeException e) {
            RuntimeException failed = LambdaErrors.failed("attaching " + BASIC_POLICY + " to role " + roleName, e);
            try {
                delete(roleName);
            } catch (RuntimeException cleanup) {
                failed.addSuppressed(cleanup);
                throw new dev.mldeploy.DeploymentFailedException(failed.getMessage() + "; role " + roleName
                        + " is left (mldeploy undeploy " + name + " removes it)", e);
            }
            throw failed;
        }
        LOG.debug("created execution role {}", roleName);
        return new Resolved(role.arn(), true);
    }

    /** The tags of the role mldeploy made for {@code name}, when there is one (a role it did not make: empty). */
    public Optional<Map<String, String>> managedTags(String name) {
        String roleName = roleName(name);
        if (find(roleName) == null) {
            return Optional.empty();
        }
        Map<String, String> tags = tagsOf(roleName);
        return isManaged(tags, name) ? Optional.of(tags) : Optional.empty();
    }

    /** Removes the role of {@code name} (its policies first); call only after {@link #managedTags} found it. */
    public void delete(String name, Map<String, String> managedTags) {
        if (!isManaged(managedTags, name)) {
            throw new IllegalArgumentException("not a role mldeploy made for " + name);
        }
        delete(roleName(name));
    }

    /** Removes the role mldeploy made for {@code name}, if there is one; returns whether there was. */
    public boolean deleteIfManaged(String name) {
        String roleName = roleName(name);
        if (find(roleName) == null || !isManaged(tagsOf(roleName), name)) {
            return false;
        }
        delete(roleName);
        return true;
    }

    private String managed(Role role, String name) {
        if (!isManaged(tagsOf(role.roleName()), name)) {
            throw new InvalidConfigurationException("an IAM role named " + role.roleName() + " exists and was not "
                    + "made by mldeploy for '" + name + "'; pass its ARN (--role-arn) or remove it");
        }
        return role.arn();
    }

    private void delete(String roleName) {
        try {
            for (AttachedPolicy p : iam.listAttachedRolePolicies(r -> budget.on(r).roleName(roleName))
                    .attachedPolicies()) {
                iam.detachRolePolicy(r -> budget.on(r).roleName(roleName).policyArn(p.policyArn()));
            }
            for (String inline : iam.listRolePolicies(r -> budget.on(r).roleName(roleName)).policyNames()) {
                iam.deleteRolePolicy(r -> budget.on(r).roleName(roleName).policyName(inline));
            }
            iam.deleteRole(r -> budget.on(r).roleName(roleName));
        } catch (NoSuchEntityException e) {
            LOG.debug("role {} already gone", roleName);
        } catch (RuntimeException e) {
            throw LambdaErrors.failed("deleting IAM role " + roleName, e);
        }
    }

    private Role find(String roleName) {
        try {
            var r = iam.getRole(q -> budget.on(q).roleName(roleName));
            return r == null ? null : r.role();
        } catch (NoSuchEntityException e) {
            return null;
        } catch (RuntimeException e) {
            if (LambdaErrors.isNotFound(e)) {
                return null;
            }
            throw LambdaErrors.failed("reading IAM role " + roleName, e);
        }
    }

    private Map<String, String> tagsOf(String roleName) {
        Map<String, String> tags = new HashMap<>();
        try {
            iam.listRoleTags(r -> budget.on(r).roleName(roleName)).tags().forEach(t -> tags.put(t.key(), t.value()));
        } catch (RuntimeException e) {
            throw LambdaErrors.failed("reading the tags of IAM role " + roleName, e);
        }
        return tags;
    }

    private static boolean isManaged(Map<String, String> tags, String name) {
        return "true".equals(tags.get(Tags.MANAGED)) && name.equals(tags.get(Tags.NAME));
    }
}
