package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.sagemaker.SageMakerTarget;
import dev.mldeploy.sagemaker.VariantSettings;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.SourceTree;
import dev.mldeploy.spi.SpecFingerprint;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemaker.model.Tag;

/**
 * Deploys one model: an unchanged spec makes no mutating call; a new one creates model, endpoint config and
 * endpoint and waits for InService; a changed one creates a new model and config, updates the endpoint, waits,
 * and only then removes the old ones. A deploy that fails removes what it created, so a retry succeeds; a failed
 * update leaves the endpoint on its previous config. Thread-safe. Not API.
 */
public final class EndpointDeployer {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointDeployer.class);

    private final SageMakerTarget config;
    private final SageMakerApi api;
    private final ArtifactStore store;
    private final Autoscaler autoscaler;
    private final DeploymentReader reader;
    private final EndpointWaiter waiter;

    public EndpointDeployer(SageMakerTarget config, SageMakerApi api, ArtifactStore store, Autoscaler autoscaler,
                            DeploymentReader reader) {
        this.config = config;
        this.api = api;
        this.store = store;
        this.autoscaler = autoscaler;
        this.reader = reader;
        this.waiter = new EndpointWaiter(api, config.pollInterval());
    }

    /** What this deploy created (or adopted from a failed attempt), to remove if it fails. */
    private static final class Created {
        boolean model;
        boolean config;
        boolean endpoint;
    }

    public DeployResult deploy(ModelSpec spec, DeployContext callerContext) {
        DeploymentPlan plan = DeploymentPlan.resolve(config, spec, callerContext.candidate());
        DeployContext ctx = Contexts.bounded(callerContext, config.timeout());
        String name = spec.name();
        SourceTree tree = SourceTree.of(spec);
        String hash = SpecFingerprint.of(spec, tree, plan.fingerprintSettings());
        String endpoint = Naming.endpointName(name);
        String versioned = Naming.versionedName(name, hash);
        LOG.debug("deploying {} as {} ({}), spec hash {}", name, versioned, plan.mode(), hash);

        store.ensureBucket(plan.bucket(), config.createBucket());
        Optional<DescribeEndpointResponse> existing = api.describeEndpoint(endpoint);
        if (existing.isPresent()) {
            Map<String, String> tags = api.tags(existing.get().endpointArn());
            if (!Naming.isManaged(tags, name)) {
                throw new InvalidConfigurationException("an endpoint named '" + endpoint + "' exists that mldeploy "
                        + "did not create; choose another model name or delete that endpoint");
            }
            if (EndpointWaiter.TRANSITIONAL.contains(existing.get().endpointStatus())) {
                ctx.progress("wait", existing.get().endpointStatusAsString(), "endpoint " + endpoint
                        + " is busy; waiting for it before deploying");
                existing = waiter.awaitSettled(endpoint, ctx);
            }
            if (existing.isPresent() && existing.get().endpointStatus() == EndpointStatus.FAILED) {
                ctx.progress("cleanup", "Failed", "removing endpoint " + endpoint + " left Failed by an earlier "
                        + "deploy (" + EndpointWaiter.reason(existing.get()) + ")");
                api.deleteEndpoint(endpoint);
                waiter.awaitDeleted(endpoint, ctx);
                existing = Optional.empty();
            }
            if (existing.isPresent() && !hash.equals(tags.get(Naming.TAG_SPEC_HASH))
                    && versioned.equals(existing.get().endpointConfigName())
                    && existing.get().endpointStatus() == EndpointStatus.IN_SERVICE) {
                return finishInterruptedUpdate(existing.get(), spec, plan, hash, ctx);
            }
            if (existing.isPresent() && hash.equals(tags.get(Naming.TAG_SPEC_HASH))
                    && versioned.equals(existing.get().endpointConfigName())
                    && existing.get().endpointStatus() == EndpointStatus.IN_SERVICE) {
                ctx.progress("done", "InService", "endpoint " + endpoint + " already runs this spec; nothing to do");
                return new DeployResult(reader.toDeployment(existing.get(), tags), DeployResult.Change.UNCHANGED,
                        "sagemaker endpoint " + endpoint + " already runs spec " + SpecFingerprint.shortForm(hash)
                                + "; nothing changed", null);
            }
        }

        ctx.progress("upload", "", "packaging and uploading the model to s3://" + plan.bucket());
        ArtifactStore.Artifact artifact = store.upload(tree, plan.bucket(), plan.prefix(), name, plan.uncompressed());
        ctx.progress("upload", artifact.uploaded() ? "Uploaded" : "Reused", artifact.s3Uri());
        String artifactsUri = "s3://" + plan.bucket() + "/" + Naming.artifactPrefix(plan.prefix(), name);
        List<Tag> tags = Naming.tags(name, hash, plan.mode(), artifactsUri, plan.tags());
        Created created = new Created();
        try {
            ensureModel(versioned, spec, plan, artifact, tags, created, ctx);
            ensureConfig(versioned, plan, tags, created, ctx);
        } catch (RuntimeException e) {
            removeCreated(endpoint, versioned, created);
            throw e;
        }
        return existing.isEmpty()
                ? create(endpoint, versioned, plan, tags, created, ctx)
                : update(existing.get(), versioned, hash, plan, tags, created, ctx);
    }

    private void ensureModel(String model, ModelSpec spec, DeploymentPlan plan, ArtifactStore.Artifact artifact,
                             List<Tag> tags, Created created, DeployContext ctx) {
        var leftover = api.describeModel(model);
        if (leftover.isPresent()) {
            checkOurs("model", model, leftover.get().modelArn(), spec.name());
            ctx.progress("model", "Reused", "model " + model + " was left by an earlier attempt; reusing it");
        } else {
            SageMakerApi.call("create model " + model, () -> api.client()
                    .createModel(RequestMapper.createModel(model, spec, plan, artifact, tags)));
            ctx.progress("model", "Created", "model " + model);
        }
        created.model = true;
    }

    private void ensureConfig(String configName, DeploymentPlan plan, List<Tag> tags, Created created,
                              DeployContext ctx) {
        var leftover = api.describeEndpointConfig(configName);
        if (leftover.isPresent()) {
            checkOurs("endpoint config", configName, leftover.get().endpointConfigArn(), tags);
            ctx.progress("config", "Reused", "endpoint config " + configName + " was left by an earlier attempt; "
                    + "reusing it");
        } else {
            SageMakerApi.call("create endpoint config " + configName, () -> api.client()
                    .createEndpointConfig(RequestMapper.createEndpointConfig(configName, configName, plan, tags)));
            ctx.progress("config", "Created", "endpoint config " + configName);
        }
        created.config = true;
    }

    private void checkOurs(String kind, String resource, String arn, List<Tag> tags) {
        checkOurs(kind, resource, arn, Naming.toMap(tags).get(Naming.TAG_NAME));
    }

    private void checkOurs(String kind, String resource, String arn, String name) {
        if (!Naming.isManaged(api.tags(arn), name)) {
            throw new InvalidConfigurationException("a SageMaker " + kind + " named '" + resource + "' exists that "
                    + "mldeploy did not create for '" + name + "'; delete it or choose another model name");
        }
    }

    private DeployResult create(String endpoint, String versioned, DeploymentPlan plan, List<Tag> tags,
                                Created created, DeployContext ctx) {
        try {
            SageMakerApi.call("create endpoint " + endpoint, () -> api.client()
                    .createEndpoint(RequestMapper.createEndpoint(endpoint, versioned, tags)));
            created.endpoint = true;
            ctx.progress("endpoint", "Creating", "endpoint " + endpoint + " with config " + versioned);
            DescribeEndpointResponse ready = waiter.awaitInService(endpoint, ctx);
            if (plan.autoscaling() != null) {
                autoscaler.apply(endpoint, variantNames(plan), plan.autoscaling());
            }
            Deployment d = reader.toDeployment(ready, api.tags(ready.endpointArn()));
            return new DeployResult(d, DeployResult.Change.CREATED, "created sagemaker endpoint " + endpoint + " ("
                    + plan.mode() + ", config " + versioned + ")", null);
        } catch (RuntimeException e) {
            ctx.progress("cleanup", "Failed", "deploy failed; removing what it created: " + e.getMessage());
            if (plan.autoscaling() != null) {
                api.deleteQuietly("autoscaling of " + endpoint, () -> autoscaler.remove(autoscaler.snapshot(endpoint)));
            }
            removeCreated(endpoint, versioned, created);
            throw withCleanupNote(e, "removed the endpoint, endpoint config and model this deploy created, so a "
                    + "retry starts clean");
        }
    }

    private DeployResult update(DescribeEndpointResponse current, String versioned, String hash,
                                DeploymentPlan plan, List<Tag> tags, Created created, DeployContext ctx) {
        String endpoint = current.endpointName();
        String oldConfig = current.endpointConfigName();
        Set<String> oldModels = new LinkedHashSet<>();
        api.describeEndpointConfig(oldConfig).ifPresent(c -> c.productionVariants()
                .forEach(v -> oldModels.add(v.modelName())));
        Autoscaler.Snapshot scaling = autoscaler.snapshot(endpoint);
        try {
            if (!scaling.isEmpty()) {
                autoscaler.remove(scaling); // SageMaker refuses to update variants registered for autoscaling
            }
            SageMakerApi.call("update endpoint " + endpoint, () -> api.client()
                    .updateEndpoint(r -> r.endpointName(endpoint).endpointConfigName(versioned)));
        } catch (RuntimeException e) {
            api.deleteQuietly("autoscaling of " + endpoint, () -> autoscaler.restore(scaling));
            removeCreated(endpoint, versioned, created);
            throw withCleanupNote(e, "the endpoint stays on config " + oldConfig + "; removed the new model and "
                    + "config");
        }
        ctx.progress("endpoint", "Updating", "endpoint " + endpoint + " from config " + oldConfig + " to "
                + versioned);
        DescribeEndpointResponse after = waiter.awaitSettled(endpoint, ctx).orElseThrow(() ->
                new DeploymentFailedException("endpoint " + endpoint + " disappeared while it was being updated "
                        + "(someone deleted it?); deploy again"));
        if (after.endpointStatus() != EndpointStatus.IN_SERVICE || !versioned.equals(after.endpointConfigName())) {
            if (!versioned.equals(after.endpointConfigName())) {
                removeCreated(endpoint, versioned, created);
            }
            api.deleteQuietly("autoscaling of " + endpoint, () -> autoscaler.restore(scaling));
            throw new DeploymentFailedException("update of endpoint " + endpoint + " to config " + versioned
                    + " failed: " + EndpointWaiter.reason(after) + "; the endpoint is " + after.endpointStatusAsString()
                    + " on config " + after.endpointConfigName() + (versioned.equals(after.endpointConfigName()) ? ""
                    : " (its previous one); removed the new model and config"));
        }
        SageMakerApi.call("tag endpoint " + endpoint, () -> api.client()
                .addTags(r -> r.resourceArn(after.endpointArn()).tags(tags)));
        if (plan.autoscaling() != null) {
            autoscaler.apply(endpoint, variantNames(plan), plan.autoscaling());
        }
        String name = Naming.toMap(tags).get(Naming.TAG_NAME);
        if (!oldConfig.equals(versioned) && Naming.isVersionOf(oldConfig, name)) {
            api.deleteQuietly("old endpoint config " + oldConfig, () -> api.deleteEndpointConfig(oldConfig));
        }
        for (String m : oldModels) {
            if (!m.equals(versioned) && Naming.isVersionOf(m, name)) {
                api.deleteQuietly("old model " + m, () -> api.deleteModel(m));
            }
        }
        ctx.progress("done", "InService", "endpoint " + endpoint + " now runs config " + versioned);
        Deployment d = reader.toDeployment(after, api.tags(after.endpointArn()));
        return new DeployResult(d, DeployResult.Change.UPDATED, "updated sagemaker endpoint " + endpoint
                + " from config " + oldConfig + " to " + versioned + " (spec " + SpecFingerprint.shortForm(hash) + ")",
                null);
    }

    /**
     * The endpoint already runs this spec's config but carries an older spec hash: an earlier deploy's update went
     * through after it stopped waiting (timeout, interrupt). Finish it: tag, autoscale, remove older versions.
     */
    private DeployResult finishInterruptedUpdate(DescribeEndpointResponse current, ModelSpec spec,
                                                 DeploymentPlan plan, String hash, DeployContext ctx) {
        String endpoint = current.endpointName();
        String artifactsUri = "s3://" + plan.bucket() + "/" + Naming.artifactPrefix(plan.prefix(), spec.name());
        List<Tag> tags = Naming.tags(spec.name(), hash, plan.mode(), artifactsUri, plan.tags());
        ctx.progress("endpoint", "InService", "endpoint " + endpoint + " already runs config "
                + current.endpointConfigName() + " from an earlier, interrupted deploy; finishing it");
        SageMakerApi.call("tag endpoint " + endpoint, () -> api.client()
                .addTags(r -> r.resourceArn(current.endpointArn()).tags(tags)));
        if (plan.autoscaling() != null) {
            autoscaler.apply(endpoint, variantNames(plan), plan.autoscaling());
        }
        pruneOlderVersions(spec.name(), current.endpointConfigName());
        Deployment d = reader.toDeployment(current, api.tags(current.endpointArn()));
        return new DeployResult(d, DeployResult.Change.UPDATED, "finished updating sagemaker endpoint " + endpoint
                + " to config " + current.endpointConfigName(), null);
    }

    /** Deletes every config and model mldeploy made for {@code name} except {@code keep}. */
    private void pruneOlderVersions(String name, String keep) {
        for (String cfg : api.listEndpointConfigNames(name)) {
            if (!cfg.equals(keep) && Naming.isVersionOf(cfg, name)) {
                api.describeEndpointConfig(cfg).filter(c -> Naming.isManaged(api.tags(c.endpointConfigArn()), name))
                        .ifPresent(c -> api.deleteQuietly("old endpoint config " + cfg,
                                () -> api.deleteEndpointConfig(cfg)));
            }
        }
        for (String model : api.listModelNames(name)) {
            if (!model.equals(keep) && Naming.isVersionOf(model, name)) {
                api.describeModel(model).filter(m -> Naming.isManaged(api.tags(m.modelArn()), name))
                        .ifPresent(m -> api.deleteQuietly("old model " + model, () -> api.deleteModel(model)));
            }
        }
    }

    private void removeCreated(String endpoint, String versioned, Created created) {
        if (created.endpoint) {
            api.deleteQuietly("endpoint " + endpoint, () -> api.deleteEndpoint(endpoint));
        }
        if (created.config) {
            api.deleteQuietly("endpoint config " + versioned, () -> api.deleteEndpointConfig(versioned));
        }
        if (created.model) {
            api.deleteQuietly("model " + versioned, () -> api.deleteModel(versioned));
        }
    }

    private static List<String> variantNames(DeploymentPlan plan) {
        return plan.variants().stream().map(VariantSettings::name).toList();
    }

    /** {@code e} with what the cleanup did appended, keeping its type where it is one of mldeploy's. */
    private static RuntimeException withCleanupNote(RuntimeException e, String note) {
        if (e instanceof DeploymentFailedException d) {
            return new DeploymentFailedException(d.getMessage() + "; " + note, d.getCause() == null ? d : d.getCause(),
                    d.retryable());
        }
        if (e instanceof dev.mldeploy.OperationTimeoutException) {
            return new dev.mldeploy.OperationTimeoutException(e.getMessage() + "; " + note);
        }
        if (e instanceof MlDeployException) {
            return e;
        }
        return new DeploymentFailedException("deploy failed: " + e + "; " + note, e, false);
    }
}
