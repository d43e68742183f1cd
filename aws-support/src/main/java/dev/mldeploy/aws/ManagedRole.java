package dev.mldeploy.aws;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.spi.DeployContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * An IAM role mldeploy creates for one deployment and one purpose: named from the deployment's name alone (so
 * undeploy finds it from any process, even after a killed deploy), trusted by one service principal, holding one
 * inline policy written for that deployment (least privilege: its own resources only) and tagged
 * {@value #MANAGED}, {@value #NAME}, {@value #TARGET} and {@value #PURPOSE}. It never touches a role it did not
 * create. The inline policy is written again on every ensure, so a changed deployment (another image, another
 * bucket) changes what the role may do. Used by the front door's invoke role and SageMaker's execution role
 * (Lambda's execution role, which attaches a managed policy instead, has its own {@code RoleManager}).
 * Thread-safe.
 */
public final class ManagedRole {
    public static final String MANAGED = "mldeploy:managed";
    public static final String NAME = "mldeploy:name";
    public static final String TARGET = "mldeploy:target";
    public static final String PURPOSE = "mldeploy:role";
    private static final Logger LOG = LoggerFactory.getLogger(ManagedRole.class);

    /**
     * One role to make.
     *
     * @param roleName    the role's name (at most 64 characters)
     * @param deployment  the deployment's name
     * @param target      the deployment's target ({@code sagemaker}, {@code lambda})
     * @param purpose     what the role is for ({@code execution}, {@code http}), a tag value
     * @param service     the service principal that assumes it ({@code sagemaker.amazonaws.com})
     * @param policyName  the inline policy's name
     * @param policy      the inline policy document for the account id (taken from the role's ARN)
     * @param userTags    the user's tags, added to mldeploy's
     */
    public record Spec(String roleName, String deployment, String target, String purpose, String service,
                       String policyName, Function<String, String> policy, Map<String, String> userTags) {
        public Spec {
            Objects.requireNonNull(roleName, "roleName");
            Objects.requireNonNull(deployment, "deployment");
            Objects.requireNonNull(policy, "policy");
            userTags = Map.copyOf(userTags);
            if (roleName.length() > 64) {
                throw new IllegalArgumentException("IAM role name over 64 characters: " + roleName);
            }
        }

        /** The trust policy: only {@code service} may assume the role. */
        public String trustPolicy() {
            return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\""
                    + service + "\"},\"Action\":\"sts:AssumeRole\"}]}";
        }

        /** The user's tags, then mldeploy's. */
        public Map<String, String> tags() {
            Map<String, String> tags = new TreeMap<>(userTags);
            tags.put(MANAGED, "true");
            tags.put(NAME, deployment);
            tags.put(TARGET, target);
            tags.put(PURPOSE, purpose);
            return tags;
        }
    }

    /**
     * The role's ARN, and whether this call created it.
     *
     * @param arn     the role's ARN
     * @param created whether this call created it (so a failed first deploy removes it)
     */
    public record Resolved(String arn, boolean created) {
        /** The account id in the role's ARN. */
        public String accountId() {
            return arn.split(":")[4];
        }
    }

    private final IamClient iam;
    private final CallBudget budget;
    private final String builder;

    /** Roles through {@code iam}, every call bounded by {@code budget}; {@code builder} names the target's builder. */
    public ManagedRole(IamClient iam, CallBudget budget, String builder) {
        this.iam = iam;
        this.budget = budget;
        this.builder = builder;
    }

    /**
     * Finds the role mldeploy made for {@code spec}, or creates it; then writes its inline policy.
     *
     * @throws InvalidConfigurationException a role of that name exists that mldeploy did not make for this
     *                                       deployment
     */
    public Resolved ensure(Spec spec, DeployContext ctx) {
        Role existing = find(spec.roleName());
        boolean created = false;
        String arn;
        if (existing != null) {
            arn = managed(existing, spec);
        } else {
            ctx.progress("create-role", "", "creating IAM role " + spec.roleName());
            List<Tag> tags = new ArrayList<>();
            spec.tags().forEach((k, v) -> tags.add(Tag.builder().key(k).value(v).build()));
            try {
                arn = iam.createRole(r -> budget.on(r).roleName(spec.roleName())
                        .assumeRolePolicyDocument(spec.trustPolicy())
                        .description("mldeploy " + spec.purpose() + " role of the " + spec.target() + " deployment '"
                                + spec.deployment() + "'")
                        .tags(tags)).role().arn();
                created = true;
            } catch (RuntimeException e) {
                Role theirs = AwsErrors.isConflict(e) || "EntityAlreadyExists".equals(AwsErrors.code(e))
                        ? find(spec.roleName()) : null;
                if (theirs == null) {
                    throw AwsErrors.translate("creating IAM role " + spec.roleName(), e, builder);
                }
                arn = managed(theirs, spec); // a deploy of the same name at the same time made it first
            }
        }
        Resolved resolved = new Resolved(arn, created);
        try {
            String doc = spec.policy().apply(resolved.accountId());
            if (!created && doc.equals(currentPolicy(spec).orElse(null))) {
                return resolved; // an unchanged deployment makes reads only
            }
            iam.putRolePolicy(r -> budget.on(r).roleName(spec.roleName()).policyName(spec.policyName())
                    .policyDocument(doc));
        } catch (RuntimeException e) {
            RuntimeException failed = AwsErrors.translate("writing the policy of IAM role " + spec.roleName(), e,
                    builder);
            if (created) {
                try {
                    delete(spec.roleName());
                } catch (RuntimeException cleanup) {
                    failed.addSuppressed(cleanup);
                }
            }
            throw failed;
        }
        LOG.debug("{} IAM role {}", created ? "created" : "reused", spec.roleName());
        return resolved;
    }

    /** Removes the role {@code roleName} if mldeploy made it for {@code deployment} on {@code target}. */
    public boolean deleteIfManaged(String roleName, String deployment, String target) {
        Role role = find(roleName);
        if (role == null || !isManaged(tagsOf(roleName), deployment, target)) {
            return false;
        }
        delete(roleName);
        return true;
    }

    /** The ARN of the role {@code roleName} mldeploy made for {@code deployment} on {@code target}, if it exists. */
    public Optional<String> find(String roleName, String deployment, String target) {
        Role role = find(roleName);
        return role != null && isManaged(tagsOf(roleName), deployment, target) ? Optional.of(role.arn())
                : Optional.empty();
    }

    private String managed(Role role, Spec spec) {
        if (!isManaged(tagsOf(role.roleName()), spec.deployment(), spec.target())) {
            throw new InvalidConfigurationException("an IAM role named " + role.roleName() + " exists and was not "
                    + "made by mldeploy for the " + spec.target() + " deployment '" + spec.deployment() + "'; "
                    + "remove it or rename the model");
        }
        return role.arn();
    }

    /** The inline policy as IAM holds it (IAM answers it URL-encoded), if there is one. */
    private Optional<String> currentPolicy(Spec spec) {
        try {
            String doc = iam.getRolePolicy(r -> budget.on(r).roleName(spec.roleName()).policyName(spec.policyName()))
                    .policyDocument();
            return Optional.ofNullable(doc).map(d -> d.startsWith("%7B") || d.startsWith("%7b")
                    ? java.net.URLDecoder.decode(d, java.nio.charset.StandardCharsets.UTF_8) : d);
        } catch (RuntimeException e) {
            if (e instanceof NoSuchEntityException || AwsErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw AwsErrors.translate("reading the policy of IAM role " + spec.roleName(), e, builder);
        }
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
            throw AwsErrors.translate("deleting IAM role " + roleName, e, builder);
        }
    }

    private Role find(String roleName) {
        try {
            var r = iam.getRole(q -> budget.on(q).roleName(roleName));
            return r == null ? null : r.role();
        } catch (RuntimeException e) {
            if (e instanceof NoSuchEntityException || AwsErrors.isNotFound(e)) {
                return null;
            }
            throw AwsErrors.translate("reading IAM role " + roleName, e, builder);
        }
    }

    private Map<String, String> tagsOf(String roleName) {
        Map<String, String> tags = new HashMap<>();
        try {
            iam.listRoleTags(r -> budget.on(r).roleName(roleName)).tags().forEach(t -> tags.put(t.key(), t.value()));
        } catch (RuntimeException e) {
            throw AwsErrors.translate("reading the tags of IAM role " + roleName, e, builder);
        }
        return tags;
    }

    private static boolean isManaged(Map<String, String> tags, String deployment, String target) {
        return "true".equals(tags.get(MANAGED)) && deployment.equals(tags.get(NAME))
                && target.equals(tags.get(TARGET));
    }
}
