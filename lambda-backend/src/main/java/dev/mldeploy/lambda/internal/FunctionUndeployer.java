package dev.mldeploy.lambda.internal;

import dev.mldeploy.MlDeployException;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.aws.EcrRepositories;
import dev.mldeploy.spi.DeployContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;

/**
 * One undeploy: removes the function, the role mldeploy made for it, its dependency layer's versions, the container
 * images mldeploy pushed for it (and their ECR repository when mldeploy created it and it is then empty) and its
 * packages, and fails naming what is left when a removal fails. Thread-safe (each undeploy's state is local).
 */
final class FunctionUndeployer {
    private static final Logger LOG = LoggerFactory.getLogger(FunctionUndeployer.class);
    private final LambdaSettings config;
    private final AwsClients clients;
    private final FunctionReader reader;

    FunctionUndeployer(LambdaSettings config, AwsClients clients, FunctionReader reader) {
        this.config = config;
        this.clients = clients;
        this.reader = reader;
    }

    /**
     * Removes the function (every version and the alias), the execution role mldeploy made for {@code name}, the
     * versions mldeploy published of its layer {@code <name>-deps} and the packages under its S3 prefix. The role,
     * layer and packages are looked for even when there is no function (a deploy killed or cut off before it made
     * one): the role and the layer by their names, which follow from {@code name}, and the
     * packages in the configured bucket and the bucket recorded on the function or the role. Reports what it
     * removed through the context's progress; fails naming what is left when a removal fails.
     */
    public boolean undeploy(String name, DeployContext ctx) {
        CallBudget budget = CallBudget.of(ctx);
        List<String> removed = new ArrayList<>();
        Set<String> buckets = new LinkedHashSet<>();
        if (config.bucket() != null) {
            buckets.add(config.bucket());
        }
        try {
            Optional<GetFunctionResponse> f = reader.get(name, budget);
            if (f.isPresent() && !FunctionReader.isManaged(f.get())) {
                LOG.debug("function {} exists but was not made by mldeploy; leaving it", name);
                ctx.progress("delete", "", "function " + name + " was not deployed by mldeploy; nothing removed");
                return false;
            }
            if (f.isPresent()) {
                String bucket = f.get().tags().get(Tags.BUCKET);
                if (bucket != null) {
                    buckets.add(bucket);
                }
                ctx.progress("delete", "", "deleting alias " + LambdaSettings.ALIAS + " and function " + name);
                try {
                    clients.lambda().deleteAlias(b -> budget.on(b).functionName(name).name(LambdaSettings.ALIAS));
                } catch (RuntimeException e) {
                    if (!LambdaErrors.isNotFound(e)) {
                        throw LambdaErrors.failed("deleting alias " + LambdaSettings.ALIAS + " of " + name, e);
                    }
                }
                try {
                    clients.lambda().deleteFunction(b -> budget.on(b).functionName(name)); // every version with it
                } catch (RuntimeException e) {
                    if (!LambdaErrors.isNotFound(e)) {
                        throw LambdaErrors.failed("deleting function " + name, e);
                    }
                }
                removed.add("function " + name + " (alias " + LambdaSettings.ALIAS + " and every version)");
            }
            removeRole(name, budget, buckets, removed, ctx);
            removeLayerVersions(name, budget, removed, ctx);
            removeImages(name, f.isPresent() && f.get().tags().containsKey(FunctionImagePusher.TAG_REPOSITORY),
                    budget, removed, ctx);
            if (!config.keepPackagesOnUndeploy()) {
                for (String bucket : buckets) {
                    int n = new PackageStore(clients.s3(), bucket, false, budget).deleteAll(name);
                    if (n > 0) {
                        removed.add(n + (n == 1 ? " package" : " packages") + " in s3://" + bucket + "/"
                                + PackageStore.prefix(name));
                    }
                }
            }
        } catch (RuntimeException e) {
            MlDeployException failed = LambdaErrors.failed("undeploying " + name + " from Lambda", e);
            if (removed.isEmpty() && !(failed instanceof dev.mldeploy.DeploymentFailedException)
                    && !(failed instanceof dev.mldeploy.OperationTimeoutException)) {
                throw failed; // missing credentials and the like: nothing was touched
            }
            String done = removed.isEmpty() ? "removed nothing" : "removed " + String.join(", ", removed);
            String message = failed.getMessage() + "; " + done + "; run undeploy again to remove the rest";
            if (failed instanceof dev.mldeploy.OperationTimeoutException) {
                throw new dev.mldeploy.OperationTimeoutException(message);
            }
            throw new dev.mldeploy.DeploymentFailedException(message, e, failed.retryable());
        }
        ctx.progress("undeploy", "", removed.isEmpty() ? "nothing to remove for '" + name + "'"
                : "removed " + String.join(", ", removed));
        return !removed.isEmpty();
    }

    /** Every version of the layer {@code <name>-deps} that mldeploy published, found by the name alone. */
    private void removeLayerVersions(String name, CallBudget budget, List<String> removed, DeployContext ctx) {
        LayerPublisher layers = new LayerPublisher(clients.lambda());
        List<Long> versions = layers.versions(name, budget).stream().map(v -> v.version()).toList();
        if (versions.isEmpty()) {
            return;
        }
        String layer = LayerPublisher.layerName(name);
        ctx.progress("delete-layer", "", "deleting " + versions.size() + " versions of layer " + layer);
        List<Long> deleted = new ArrayList<>();
        try {
            for (long v : versions) {
                layers.delete(name, v, budget);
                deleted.add(v);
            }
        } finally {
            if (!deleted.isEmpty()) {
                removed.add("layer " + layer + " (" + (deleted.size() == 1 ? "version " : "versions ")
                        + deleted.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "))
                        + ")");
            }
        }
    }

    /**
     * The images mldeploy pushed to the deployment's ECR repository, found by the name alone (a deploy cut off after
     * its push left no function to say so), and the repository when mldeploy created it and nothing else is in it.
     *
     * @param recorded whether the function says it runs such an image (then ECR must answer)
     */
    private void removeImages(String name, boolean recorded, CallBudget budget, List<String> removed,
                              DeployContext ctx) {
        String repository;
        try {
            repository = FunctionImagePusher.repository(name);
        } catch (InvalidSpecException e) {
            return; // ECR refuses such a repository name, so no deploy can have pushed there
        }
        EcrRepositories.Removal r;
        try (CallBudget.Scope scope = CallBudget.open(budget)) {
            r = new EcrRepositories(clients.ecr(), AwsClients.BUILDER).removePushed(repository, name);
        } catch (InvalidConfigurationException e) {
            if (!recorded) {
                // a caller who only deploys zips may not be allowed to read ECR, or may give the Lambda, IAM and S3
                // clients but no region for an ECR one; no function says mldeploy pushed an image for it then
                LOG.debug("cannot look for ECR repository {} (no function records an image): {}", repository,
                        e.getMessage());
                return;
            }
            throw e;
        }
        if (!r.images().isEmpty()) {
            removed.add(r.images().size() + (r.images().size() == 1 ? " image" : " images") + " in ECR repository "
                    + repository);
        }
        if (r.repositoryDeleted()) {
            removed.add("ECR repository " + repository);
        }
        r.left().ifPresent(left -> ctx.progress("delete-image", "", "kept " + left));
    }

    private void removeRole(String name, CallBudget budget, Set<String> buckets, List<String> removed,
                            DeployContext ctx) {
        RoleManager roles = new RoleManager(clients.iam(), budget);
        Optional<Map<String, String>> role;
        try {
            role = roles.managedTags(name);
        } catch (RuntimeException e) {
            if (!config.createRole() && e.getCause() instanceof AwsServiceException ase && ase.statusCode() == 403) {
                // a caller who brings its own role may not be allowed to read IAM; mldeploy made no role then
                LOG.debug("not allowed to look for role {}: {}", RoleManager.roleName(name), LambdaErrors.code(ase));
                return;
            }
            throw e;
        }
        if (role.isPresent()) {
            Optional.ofNullable(role.get().get(Tags.BUCKET)).ifPresent(buckets::add);
            ctx.progress("delete-role", "", "deleting execution role " + RoleManager.roleName(name));
            roles.delete(name, role.get());
            removed.add("IAM role " + RoleManager.roleName(name));
        }
    }
}
