package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.ConflictException;
import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.bundle.SourceTree;
import dev.mldeploy.bundle.SpecFingerprint;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.Waiter;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sagemaker.model.DeploymentConfig;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointConfigResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemaker.model.Tag;

/**
 * Deploys one model: an unchanged spec makes no mutating call; a new one creates model, endpoint config and
 * endpoint and waits for InService; a changed one creates a new model and config, updates the endpoint, waits,
 * and only then removes the generations before the one it replaced (that one stays, for {@link Rollback}). A deploy that fails removes what it created, so a retry succeeds; a failed
 * update leaves the endpoint on its previous config. Thread-safe. Not API.
 */
public final class EndpointDeployer {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointDeployer.class);

    private final SageMakerSettings config;
    private final SageMakerApi api;
    private final ArtifactStore store;
    private final Autoscaler autoscaler;
    private final EndpointReader reader;
    private final EndpointWaiter waiter;
    private final java.util.function.Supplier<dev.mldeploy.aws.AlarmStates> alarms;
    private final ServingImagePusher images;

    public EndpointDeployer(SageMakerSettings config, SageMakerApi api, ArtifactStore store, Autoscaler autoscaler,
                            EndpointReader reader) {
        this(config, api, store, autoscaler, reader, EndpointDeployer::noAlarms);
    }

    /** With {@code alarms}, read (and its CloudWatch client built) only when a rollout names rollback alarms. */
    public EndpointDeployer(SageMakerSettings config, SageMakerApi api, ArtifactStore store, Autoscaler autoscaler,
                            EndpointReader reader, java.util.function.Supplier<dev.mldeploy.aws.AlarmStates> alarms) {
        this(config, api, store, autoscaler, reader, EndpointWaiter.NO_FAILURE_LOG, alarms, ServingImagePusher.NONE);
    }

    /**
     * {@code failureLog} adds the last lines of an endpoint's log to the error when it fails to start; {@code alarms}
     * is read only when a rollout names rollback alarms; {@code images} builds and pushes the serving image when the
     * target is set to.
     */
    public EndpointDeployer(SageMakerSettings config, SageMakerApi api, ArtifactStore store, Autoscaler autoscaler,
                            EndpointReader reader, java.util.function.BiFunction<String, java.time.Instant, String>
                                    failureLog, java.util.function.Supplier<dev.mldeploy.aws.AlarmStates> alarms,
                            ServingImagePusher images) {
        this.failureLog = failureLog;
        this.alarms = alarms;
        this.images = images;
        this.config = config;
        this.api = api;
        this.store = store;
        this.autoscaler = autoscaler;
        this.reader = reader;
        this.waiter = new EndpointWaiter(api, config.pollInterval(), failureLog);
    }

    private final java.util.function.BiFunction<String, java.time.Instant, String> failureLog;

    private static dev.mldeploy.aws.AlarmStates noAlarms() {
        throw new InvalidConfigurationException("this sagemaker target has no CloudWatch client to read the "
                + "rollback alarms; drop --rollback-alarm");
    }

    /** What this deploy created (or adopted from a failed attempt), to remove if it fails. */
    private static final class Created {
        ArtifactStore.Artifact artifact;
        boolean model;
        boolean config;
        /** CreateEndpoint was sent: unless it was refused, the endpoint may exist. */
        boolean endpointRequested;
        boolean endpoint;
        /** The ECR repository a first deploy pushed the serving image to (nothing else runs its images), or null. */
        String imageRepository;
    }

    /** The longest a new endpoint config may take to become readable (SageMaker is eventually consistent). */
    static final Duration CONFIG_VISIBLE_WAIT = Duration.ofSeconds(30);

    public DeployResult deploy(ModelSpec spec, DeployContext callerContext) {
        DeploymentPlan plan = DeploymentPlan.resolve(config, spec, callerContext.candidate(), api::region);
        // the target bounds its whole operation already (boundedBy keeps the sooner end); this bound holds for
        // a caller of this class alone
        DeployContext ctx = Contexts.bounded(callerContext, config.timeout());
        BlueGreenUpdate.check(ctx.rollout(), plan, ctx);
        try (CallBudget.Scope budget = CallBudget.open(CallBudget.of(ctx))) {
            return deploy(spec, images.resolve(plan, spec, ctx), ctx);
        }
    }

    private DeployResult deploy(ModelSpec spec, DeploymentPlan plan, DeployContext ctx) {
        String name = spec.name();
        SourceTree tree = SourceTree.of(spec);
        String hash = SpecFingerprint.of(spec, tree, plan.fingerprintSettings());
        String endpoint = Naming.endpointName(name);
        String versioned = Naming.versionedName(name, hash);
        LOG.debug("deploying {} as {} ({}), spec hash {}", name, versioned, plan.mode(), hash);

        if (!ctx.rollout().rollbackAlarms().isEmpty()) {
            alarms.get().requireReady(ctx.rollout().rollbackAlarms(), CallBudget.current());
        }
        store.ensureBucket(plan.bucket(), config.createBucket());
        Optional<DescribeEndpointResponse> existing = api.describeEndpoint(endpoint);
        if (existing.isPresent()) {
            Map<String, String> tags = api.tags(existing.get().endpointArn());
            if (!Naming.isManaged(tags, name)) {
                throw new InvalidConfigurationException("an endpoint named '" + endpoint + "' exists that mldeploy "
                        + "did not create; choose another model name or delete that endpoint");
            }
            if (EndpointWaiter.TRANSITIONAL.contains(existing.get().endpointStatus())) {
                checkNoOtherDeploy(existing.get(), versioned);
                ctx.progress("wait", existing.get().endpointStatusAsString(), "endpoint " + endpoint
                        + " is busy; waiting for it before deploying");
                existing = waiter.awaitSettled(endpoint, ctx);
                tags = existing.map(d -> api.tags(d.endpointArn())).orElse(Map.of());
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

        List<Tag> tags = plan.tagsFor(name, hash);
        Created created = new Created();
        created.imageRepository = existing.isEmpty() ? plan.tags().get(ServingImagePusher.TAG_REPOSITORY) : null;
        if (plan.prebuilt() != null) {
            ctx.progress("image", "Prebuilt", plan.prebuilt().reason());
        }
        try {
            ctx.progress("upload", "", "packaging and uploading the model to s3://" + plan.bucket());
            created.artifact = store.upload(tree, plan.layout(), plan.bucket(), plan.prefix(), name,
                    plan.uncompressed());
            ctx.progress("upload", created.artifact.uploaded() ? "Uploaded" : "Reused", created.artifact.s3Uri());
            ensureModel(versioned, spec, plan, created.artifact, tags, created, ctx);
            ensureConfig(versioned, plan, tags, created, ctx);
            awaitConfigReadable(versioned, ctx);
        } catch (RuntimeException e) {
            throw Failures.withNote(e, cleanUp(created, endpoint, versioned, name));
        }
        return existing.isEmpty()
                ? create(endpoint, versioned, plan, tags, created, ctx)
                : update(existing.get(), versioned, hash, plan, tags, created, ctx);
    }

    /**
     * A Creating or Updating endpoint means another deploy is running: unless it is heading for this very
     * config (an earlier, interrupted deploy of the same spec, which this one then waits for), refuse.
     */
    private static void checkNoOtherDeploy(DescribeEndpointResponse d, String versioned) {
        EndpointStatus s = d.endpointStatus();
        if (s != EndpointStatus.CREATING && s != EndpointStatus.UPDATING && s != EndpointStatus.ROLLING_BACK) {
            return; // SystemUpdating is SageMaker's own maintenance, Deleting an undeploy: wait for those
        }
        String heading = s == EndpointStatus.CREATING ? d.endpointConfigName()
                : d.pendingDeploymentSummary() == null ? null : d.pendingDeploymentSummary().endpointConfigName();
        if (!versioned.equals(heading)) {
            throw new ConflictException("endpoint " + d.endpointName() + " is " + d.endpointStatusAsString()
                    + (heading == null ? "" : " to config " + heading) + ": another deploy of it is running; retry "
                    + "after it finishes");
        }
    }

    /** Reads the new config back before the endpoint uses it: SageMaker may briefly answer "Could not find". */
    private void awaitConfigReadable(String configName, DeployContext ctx) {
        Duration interval = config.pollInterval().compareTo(Duration.ofSeconds(1)) < 0 ? config.pollInterval()
                : Duration.ofSeconds(1);
        Waiter.<Optional<DescribeEndpointConfigResponse>>forPhase(
                        Contexts.bounded(ctx, CONFIG_VISIBLE_WAIT), "config",
                        "endpoint config " + configName + " to be readable")
                .interval(interval)
                .poll(EndpointWaiter.checked(ctx, "endpoint config " + configName + " to be readable",
                        () -> api.describeEndpointConfig(configName)))
                .status(c -> c.isPresent() ? "Readable" : "NotYetVisible")
                .until(Optional::isPresent)
                .await();
    }

    private void ensureModel(String model, ModelSpec spec, DeploymentPlan plan, ArtifactStore.Artifact artifact,
                             List<Tag> tags, Created created, DeployContext ctx) {
        var leftover = api.describeModel(model);
        if (leftover.isPresent()) {
            checkOurs("model", model, leftover.get().modelArn(), spec.name());
            ctx.progress("model", "Reused", "model " + model + " was left by an earlier attempt; reusing it");
        } else {
            created.model = true; // before the call: a call that timed out may still have created it
            api.createModel(EndpointRequests.createModel(model, spec, plan, artifact, tags));
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
            created.config = true; // before the call: a call that timed out may still have created it
            api.createEndpointConfig(EndpointRequests.createEndpointConfig(configName, configName, plan, tags));
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
        String name = Naming.toMap(tags).get(Naming.TAG_NAME);
        try {
            created.endpointRequested = true;
            api.createEndpoint(EndpointRequests.createEndpoint(endpoint, versioned, tags));
            created.endpoint = true;
            ctx.progress("endpoint", "Creating", "endpoint " + endpoint + " with config " + versioned);
            DescribeEndpointResponse ready = waiter.awaitInService(endpoint, ctx);
            if (!versioned.equals(ready.endpointConfigName())) {
                created.endpoint = false; // the endpoint now is the other deploy's: never delete it
                created.endpointRequested = false;
                throw new ConflictException("endpoint " + endpoint + " came up with config "
                        + ready.endpointConfigName() + " instead of " + versioned + ": another deploy of it ran at "
                        + "the same time; retry after it finishes");
            }
            if (plan.autoscaling() != null) {
                autoscaler.apply(endpoint, variantNames(plan), plan.autoscaling());
            }
            Deployment d = reader.toDeployment(ready, api.tags(ready.endpointArn()));
            return new DeployResult(d, DeployResult.Change.CREATED, "created sagemaker endpoint " + endpoint + " ("
                    + plan.mode() + ", config " + versioned + ")" + imageNote(plan), null);
        } catch (RuntimeException e) {
            if (created.endpointRequested && (e instanceof OperationTimeoutException
                    || Thread.currentThread().isInterrupted())) {
                throw Failures.withNote(e, leaveCreating(endpoint, versioned, name));
            }
            ctx.progress("cleanup", "Failed", "deploy failed; removing what it created: " + e.getMessage());
            CleanupReport report;
            try (CallBudget.Scope cleanup = CallBudget.open(CallBudget.current().forCleanup())) {
                if (plan.autoscaling() != null && created.endpoint) {
                    api.deleteQuietly("autoscaling of " + endpoint,
                            () -> autoscaler.remove(autoscaler.snapshot(endpoint)));
                }
                report = removeCreated(endpoint, versioned, created, name);
            }
            throw Failures.withNote(e, report.note(name));
        }
    }

    /**
     * The note for a new endpoint this deploy stopped waiting for (timeout, interrupt): SageMaker refuses to delete
     * an endpoint while it is Creating and would fail it if its config or model went away, so all of it stays.
     */
    private static String leaveCreating(String endpoint, String versioned, String name) {
        return "left endpoint " + endpoint + " (still being created), its endpoint config " + versioned
                + " and model " + versioned + " in place, tagged mldeploy:name=" + name + ": deploy the same spec "
                + "again to wait for it and finish, or 'undeploy " + name + "' to remove them";
    }

    private DeployResult update(DescribeEndpointResponse current, String versioned, String hash,
                                DeploymentPlan plan, List<Tag> tags, Created created, DeployContext ctx) {
        String endpoint = current.endpointName();
        String name = Naming.toMap(tags).get(Naming.TAG_NAME);
        String oldConfig = current.endpointConfigName();
        Set<String> oldModels = new LinkedHashSet<>();
        Autoscaler.Snapshot scaling;
        try {
            api.describeEndpointConfig(oldConfig).ifPresent(c -> c.productionVariants()
                    .forEach(v -> oldModels.add(v.modelName())));
            scaling = autoscaler.snapshot(endpoint);
        } catch (RuntimeException e) {
            throw Failures.withNote(e, cleanUp(created, endpoint, versioned, name));
        }
        try {
            if (!scaling.isEmpty()) {
                autoscaler.remove(scaling); // SageMaker refuses to update variants registered for autoscaling
            }
            Optional<DeploymentConfig> guarded = BlueGreenUpdate.deploymentConfig(ctx.rollout(), ctx.remaining());
            if (guarded.isPresent()) {
                api.updateEndpoint(endpoint, versioned, guarded.get());
            } else {
                api.updateEndpoint(endpoint, versioned);
            }
        } catch (RuntimeException e) {
            String restored = restoreAutoscaling(endpoint, scaling);
            throw Failures.withNote(e, "the endpoint stays on config " + oldConfig + restored + "; "
                    + cleanUp(created, endpoint, versioned, name));
        }
        ctx.progress("endpoint", "Updating", "endpoint " + endpoint + " from config " + oldConfig + " to "
                + versioned + (ctx.rollout().isImmediate() ? "" : " by blue/green rollout " + ctx.rollout()));
        DescribeEndpointResponse after;
        try {
            after = waiter.awaitSettled(endpoint, ctx).orElseThrow(() ->
                    new DeploymentFailedException("endpoint " + endpoint + " disappeared while it was being "
                            + "updated (someone deleted it?); deploy again"));
        } catch (RuntimeException e) {
            // still Updating towards the new config: it needs the new config and model, so they stay
            throw Failures.withNote(e, "endpoint " + endpoint + " is still updating to config " + versioned
                    + restoreAutoscaling(endpoint, scaling) + "; left the new config and model " + versioned
                    + " in place, tagged mldeploy:name=" + name + ": deploy the same spec again to finish, or "
                    + "'undeploy " + name + "' to remove everything");
        }
        if (!versioned.equals(after.endpointConfigName()) && !oldConfig.equals(after.endpointConfigName())) {
            throw Failures.withNote(new ConflictException("endpoint " + endpoint + " moved to config "
                    + after.endpointConfigName() + " instead of " + versioned + ": another deploy of it ran at the "
                    + "same time; retry after it finishes"), cleanUp(created, endpoint, versioned, name));
        }
        if (!ctx.rollout().isImmediate() && after.endpointStatus() == EndpointStatus.IN_SERVICE
                && oldConfig.equals(after.endpointConfigName())) {
            String restored = restoreAutoscaling(endpoint, scaling);
            throw BlueGreenUpdate.rolledBack(name, after, versioned, ctx.rollout(),
                    ctx.rollout().rollbackAlarms().isEmpty() ? null : alarms.get(),
                    "the endpoint stays on its previous config" + restored + "; "
                            + cleanUp(created, endpoint, versioned, name));
        }
        if (after.endpointStatus() != EndpointStatus.IN_SERVICE || !versioned.equals(after.endpointConfigName())) {
            String restored = restoreAutoscaling(endpoint, scaling);
            String cleanup = versioned.equals(after.endpointConfigName()) ? "left the new config and model "
                    + versioned + " that the endpoint uses" : "the endpoint stays on its previous config; "
                    + cleanUp(created, endpoint, versioned, name);
            throw new DeploymentFailedException("update of endpoint " + endpoint + " to config " + versioned
                    + " failed: " + EndpointWaiter.reason(after) + failureLog.apply(endpoint, EndpointWaiter.since(ctx))
                    + "; the endpoint is " + after.endpointStatusAsString()
                    + " on config " + after.endpointConfigName() + restored + "; " + cleanup);
        }
        api.addTags(after.endpointArn(), tags);
        if (plan.autoscaling() != null) {
            autoscaler.apply(endpoint, variantNames(plan), plan.autoscaling());
        }
        // one generation back stays for rollback: the config the endpoint ran and its models; older ones go
        Set<String> keep = new LinkedHashSet<>(oldModels);
        keep.add(versioned);
        keep.add(oldConfig);
        pruneOlderVersions(name, keep);
        ctx.progress("done", "InService", "endpoint " + endpoint + " now runs config " + versioned);
        Deployment d = reader.toDeployment(after, api.tags(after.endpointArn()));
        return new DeployResult(d, DeployResult.Change.UPDATED, "updated sagemaker endpoint " + endpoint
                + " from config " + oldConfig + " to " + versioned + " (spec " + SpecFingerprint.shortForm(hash) + ")"
                + imageNote(plan), null);
    }

    /** For the deploy result: which prebuilt image runs the model and why ({@code ""} with the caller's image). */
    private static String imageNote(DeploymentPlan plan) {
        return plan.prebuilt() == null ? "" : " on " + plan.prebuilt().reason();
    }

    private String restoreAutoscaling(String endpoint, Autoscaler.Snapshot scaling) {
        return restoreAutoscaling(autoscaler, endpoint, scaling);
    }

    /** Registers again the autoscaling an update removed; says whether that worked (for the message). */
    static String restoreAutoscaling(Autoscaler autoscaler, String endpoint, Autoscaler.Snapshot scaling) {
        if (scaling.isEmpty()) {
            return "";
        }
        try (CallBudget.Scope cleanup = CallBudget.open(CallBudget.current().forCleanup())) {
            autoscaler.restore(scaling);
            return "; restored its autoscaling";
        } catch (RuntimeException e) {
            LOG.warn("could not restore the autoscaling of {}: {}", endpoint, e.toString());
            return "; its autoscaling, removed for the update, could not be restored (" + e.getMessage()
                    + "): deploy again to register it";
        }
    }

    /** Removes what this deploy created within the cleanup budget; the note says what was removed and left. */
    private String cleanUp(Created created, String endpoint, String versioned, String name) {
        try (CallBudget.Scope cleanup = CallBudget.open(CallBudget.current().forCleanup())) {
            return removeCreated(endpoint, versioned, created, name).note(name);
        }
    }

    /**
     * The endpoint already runs this spec's config but carries an older spec hash: an earlier deploy's update went
     * through after it stopped waiting (timeout, interrupt). Finish it: tag, autoscale, remove older versions.
     */
    private DeployResult finishInterruptedUpdate(DescribeEndpointResponse current, ModelSpec spec,
                                                 DeploymentPlan plan, String hash, DeployContext ctx) {
        String endpoint = current.endpointName();
        List<Tag> tags = plan.tagsFor(spec.name(), hash);
        ctx.progress("endpoint", "InService", "endpoint " + endpoint + " already runs config "
                + current.endpointConfigName() + " from an earlier, interrupted deploy; finishing it");
        api.addTags(current.endpointArn(), tags);
        if (plan.autoscaling() != null) {
            autoscaler.apply(endpoint, variantNames(plan), plan.autoscaling());
        }
        Set<String> keep = new LinkedHashSet<>();
        keep.add(current.endpointConfigName());
        Generations.previous(api, spec.name(), current.endpointConfigName()).ifPresent(p -> {
            keep.add(p.configName());
            keep.addAll(p.models());
        });
        pruneOlderVersions(spec.name(), keep);
        Deployment d = reader.toDeployment(current, api.tags(current.endpointArn()));
        return new DeployResult(d, DeployResult.Change.UPDATED, "finished updating sagemaker endpoint " + endpoint
                + " to config " + current.endpointConfigName(), null);
    }

    /** Deletes every config and model mldeploy made for {@code name} except those named in {@code keep}. */
    private void pruneOlderVersions(String name, Set<String> keep) {
        for (String cfg : api.listEndpointConfigNames(name)) {
            if (!keep.contains(cfg) && Naming.isVersionOf(cfg, name)) {
                api.describeEndpointConfig(cfg).filter(c -> Naming.isManaged(api.tags(c.endpointConfigArn()), name))
                        .ifPresent(c -> api.deleteQuietly("old endpoint config " + cfg,
                                () -> api.deleteEndpointConfig(cfg)));
            }
        }
        for (String model : api.listModelNames(name)) {
            if (!keep.contains(model) && Naming.isVersionOf(model, name)) {
                api.describeModel(model).filter(m -> Naming.isManaged(api.tags(m.modelArn()), name))
                        .ifPresent(m -> api.deleteQuietly("old model " + model, () -> api.deleteModel(model)));
            }
        }
    }

    /**
     * Removes what {@code created} records, newest first; the uploaded artifact goes only when this deploy
     * uploaded it and the model that used it is gone. Runs within the current budget.
     */
    private CleanupReport removeCreated(String endpoint, String versioned, Created created, String name) {
        CleanupReport report = new CleanupReport();
        if (created.endpoint) {
            report.remove("endpoint " + endpoint, () -> api.deleteEndpoint(endpoint));
        }
        if (created.config) {
            report.remove("endpoint config " + versioned, () -> api.deleteEndpointConfig(versioned));
        }
        boolean modelGone = !created.model || report.remove("model " + versioned, () -> api.deleteModel(versioned));
        if (created.artifact != null && created.artifact.uploaded()) {
            if (modelGone) {
                report.remove("artifact " + created.artifact.s3Uri(), () -> store.deleteArtifact(created.artifact) > 0);
            } else {
                report.leave("artifact " + created.artifact.s3Uri());
            }
        }
        if (created.imageRepository != null) {
            if (modelGone) {
                report.remove("serving images in ECR repository " + created.imageRepository,
                        () -> images.removeAll(name, true).isPresent());
            } else {
                report.leave("the serving image in ECR repository " + created.imageRepository);
            }
        }
        return report;
    }

    private static List<String> variantNames(DeploymentPlan plan) {
        return plan.variants().stream().map(SageMakerSettings.Variant::name).toList();
    }
}
