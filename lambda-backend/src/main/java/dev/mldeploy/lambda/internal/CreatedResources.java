package dev.mldeploy.lambda.internal;

import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.aws.EcrRepositories;
import dev.mldeploy.spi.DeployContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;

/**
 * What one first deploy has created so far (function, role, uploaded packages, dependency layer version, pushed
 * container image), and
 * removing it when the deploy
 * fails: it reports what it removed and what it could not, so the deploy's message says "cleaned up" only when that
 * is true. Not thread-safe (one per deploy).
 */
final class CreatedResources {
    private static final Logger LOG = LoggerFactory.getLogger(CreatedResources.class);
    /** Cleaning up after a failure may take this long past the deadline, at most. */
    private static final Duration MAX_CLEANUP = Duration.ofSeconds(30);

    private final FunctionReader reader;
    private final AwsClients clients;
    /** CreateFunction was sent: the function may exist even if its answer never came. */
    boolean functionSent;
    /** CreateFunction answered: the function exists and is this deploy's. */
    boolean functionCreated;
    /** This deploy created the execution role. */
    boolean role;
    /** The packages (code, layer) this deploy uploaded to S3. */
    final List<String> uploadedKeys = new ArrayList<>();
    PackageStore store;
    /** PublishLayerVersion was sent: a version may exist even if its answer never came. */
    boolean layerSent;
    /** The layer versions this deploy published. */
    final List<Long> layerVersions = new ArrayList<>();
    /** The ECR repository this deploy pushed (or began to push) the function's image to, or null. */
    String imageRepository;

    CreatedResources(FunctionReader reader, AwsClients clients) {
        this.reader = reader;
        this.clients = clients;
    }

    /**
     * Removes what this failed deploy created, within a short grace past the deadline.
     *
     * @param function whether to remove the function (not when another deploy uses it)
     * @param role     whether to remove the role (likewise)
     * @param removed  collects what was removed
     * @return what could not be removed (empty when everything was)
     */
    List<String> remove(String name, String hash, boolean function, boolean role, CallBudget budget,
                        DeployContext ctx, List<String> removed) {
        Duration total = ctx.elapsed().plus(ctx.remaining());
        CallBudget grace = budget.remaining().compareTo(Duration.ofSeconds(5)) > 0 ? budget
                : budget.grace(total.compareTo(MAX_CLEANUP) < 0 ? total : MAX_CLEANUP);
        List<String> left = new ArrayList<>();
        if (function && functionSent) {
            try {
                boolean ours = functionCreated;
                if (!ours) {
                    // a CreateFunction whose answer was lost may still have made it: ours if it has our spec hash
                    Optional<GetFunctionResponse> f = reader.get(name, grace);
                    ours = f.isPresent() && FunctionReader.isManaged(f.get())
                            && hash.equals(f.get().tags().get(Tags.SPEC_HASH));
                }
                if (ours) {
                    clients.lambda().deleteFunction(b -> grace.on(b).functionName(name));
                    removed.add("function " + name);
                }
            } catch (RuntimeException e) {
                LOG.warn("cleaning up after a failed deploy: cannot delete function {}: {}", name,
                        cause(e));
                left.add("function " + name + " (if it was created)");
            }
        }
        if (role && this.role) {
            try {
                new RoleManager(clients.iam(), grace).deleteIfManaged(name);
                removed.add("IAM role " + RoleManager.roleName(name));
            } catch (RuntimeException e) {
                LOG.warn("cleaning up after a failed deploy: cannot delete role {}: {}", RoleManager.roleName(name),
                        cause(e));
                left.add("IAM role " + RoleManager.roleName(name));
            }
        }
        for (long v : layerVersions) {
            String what = "layer version " + LayerPublisher.layerName(name) + ":" + v;
            try {
                new LayerPublisher(clients.lambda()).delete(name, v, grace);
                removed.add(what);
            } catch (RuntimeException e) {
                LOG.warn("cleaning up after a failed deploy: cannot delete {}: {}", what, cause(e));
                left.add(what);
            }
        }
        if (layerSent && layerVersions.isEmpty()) {
            // PublishLayerVersion's answer was lost: undeploy finds such a version by the layer's name
            left.add("a version of layer " + LayerPublisher.layerName(name) + " (if it was published)");
        }
        for (String key : uploadedKeys) {
            String where = "s3://" + store.bucket() + "/" + key;
            try {
                new PackageStore(clients.s3(), store.bucket(), false, grace).delete(key);
                removed.add("package " + where);
            } catch (RuntimeException e) {
                LOG.warn("cleaning up after a failed deploy: cannot delete {}: {}", where, cause(e));
                left.add("package " + where);
            }
        }
        if (imageRepository != null) {
            try (CallBudget.Scope scope = CallBudget.open(grace)) {
                EcrRepositories.Removal r = new EcrRepositories(clients.ecr(), AwsClients.BUILDER)
                        .removePushed(imageRepository, name);
                if (!r.images().isEmpty()) {
                    removed.add(r.images().size() + (r.images().size() == 1 ? " image" : " images")
                            + " in ECR repository " + imageRepository);
                }
                if (r.repositoryDeleted()) {
                    removed.add("ECR repository " + imageRepository);
                }
            } catch (RuntimeException e) {
                LOG.warn("cleaning up after a failed deploy: cannot delete the images in ECR repository {}: {}",
                        imageRepository, cause(e));
                left.add("the images in ECR repository " + imageRepository);
            }
        }
        if (!removed.isEmpty()) {
            ctx.progress("cleanup", "", "removed " + String.join(", ", removed));
        }
        return left;
    }

    /** The AWS error code under mldeploy's wrapping, for a log line. */
    private static String cause(RuntimeException e) {
        return LambdaErrors.code(e instanceof dev.mldeploy.MlDeployException && e.getCause() != null ? e.getCause()
                : e);
    }
}
