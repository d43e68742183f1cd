package dev.mldeploy.lambda.internal;

import dev.mldeploy.ConflictException;
import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.bundle.SourceTree;
import dev.mldeploy.bundle.SpecFingerprint;
import dev.mldeploy.spi.DeployContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasConfiguration;
import software.amazon.awssdk.services.lambda.model.FunctionCode;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.PublishVersionResponse;
import software.amazon.awssdk.services.lambda.model.State;

/**
 * One deploy, orchestrated: packages the code and the dependency layer ({@link LambdaPackager},
 * {@link DependencyLayers}) and checks their sizes before any AWS call, then creates the function or updates its
 * code and configuration where they changed, waits for it, publishes a version and moves the alias. The role is
 * {@link RoleManager}'s, uploads {@link CodeUploader}'s, the layer version {@link LayerPublisher}'s, the requests
 * {@link FunctionRequests}' and the waits {@link FunctionWaiter}'s. An unchanged spec makes reads only. Every AWS call
 * is bounded by the deploy's deadline ({@link CallBudget}).
 *
 * <p>Failures: a failed first deploy removes what it created (role, uploaded packages, layer version, function) and
 * says so only
 * once that succeeded, otherwise it names what is left (which {@code undeploy} finds by the deployment's name); a
 * failed update leaves the alias on the last good version.
 *
 * <p>Two deploys of one name at once: each update, the publish and the alias move carry the RevisionId (and the
 * CodeSha256) this deploy last saw, so Lambda refuses the loser's; the published version is checked to hold this
 * deploy's code and configuration, and the alias is read back. The loser stops with {@link ConflictException} and
 * removes nothing the winner uses. Thread-safe (each deploy's state is local).
 */
public final class FunctionDeployer {
    private static final Logger LOG = LoggerFactory.getLogger(FunctionDeployer.class);

    private final LambdaSettings config;
    private final AwsClients clients;
    private final LambdaClient lambda;
    private final AliasManager aliases;
    private final FunctionReader reader;
    private final FunctionWaiter waiter;
    private final CodeUploader uploader;
    private final LayerPublisher layers;
    private final FunctionTagger tagger;
    private final FunctionImagePusher images;

    public FunctionDeployer(LambdaSettings config, AwsClients clients, AliasManager aliases, FunctionReader reader) {
        this(config, clients, aliases, reader, FunctionWaiter.NO_FAILURE_LOG, ImagePush.JIB);
    }

    /** {@code failureLog} adds the last lines of the function's log to the error when it fails to become ready. */
    FunctionDeployer(LambdaSettings config, AwsClients clients, AliasManager aliases, FunctionReader reader,
                     java.util.function.BiFunction<String, java.time.Instant, String> failureLog) {
        this(config, clients, aliases, reader, failureLog, ImagePush.JIB);
    }

    /** With {@code pushing} building and pushing the container images this deployer makes. */
    public FunctionDeployer(LambdaSettings config, AwsClients clients, AliasManager aliases, FunctionReader reader,
                            ImagePush pushing) {
        this(config, clients, aliases, reader, FunctionWaiter.NO_FAILURE_LOG, pushing);
    }

    FunctionDeployer(LambdaSettings config, AwsClients clients, AliasManager aliases, FunctionReader reader,
                     java.util.function.BiFunction<String, java.time.Instant, String> failureLog, ImagePush pushing) {
        this.config = config;
        this.clients = clients;
        this.lambda = clients.lambda();
        this.aliases = aliases;
        this.reader = reader;
        this.waiter = new FunctionWaiter(lambda, config.pollInterval(), config.rolePropagationTimeout(), failureLog);
        this.uploader = new CodeUploader(config, clients);
        this.layers = new LayerPublisher(lambda);
        this.tagger = new FunctionTagger(lambda, config.createRole());
        this.images = new FunctionImagePusher(config, clients, pushing);
    }

    public DeployResult deploy(ModelSpec spec, DeployContext ctx) {
        AliasRollout.checkFits(ctx.rollout(), ctx);
        FunctionSettings settings = FunctionSettings.resolve(spec, config, ctx.candidate());
        if (config.roleArn() == null && !config.createRole()) {
            throw new InvalidConfigurationException("the lambda target needs an execution role: give its ARN "
                    + "(--role-arn, MLDEPLOY_ROLE_ARN, LambdaTarget.builder().roleArn(...)) or let mldeploy create "
                    + "one (--create-role, MLDEPLOY_LAMBDA_CREATE_ROLE=true)");
        }
        SourceTree tree = SourceTree.of(spec);
        LambdaPackager.Package pkg = null;
        LayerPackager.Layer layer = null;
        try {
            if (!settings.isImage()) {
                ctx.progress("package", "", "zipping " + tree.entries().size() + " files and the adapter");
                pkg = LambdaPackager.buildTemporary(spec, tree);
                uploader.checkUploadable(spec.name(), "the Lambda package", pkg);
                layer = DependencyLayers.build(spec, settings, config, ctx);
                if (layer != null) {
                    LayerPackager.checkTotal(spec.name(), pkg, layer, LambdaLimits.UNZIPPED_BYTES);
                    uploader.checkUploadable(spec.name(), "the dependency layer", layer.zip());
                }
            }
            Map<String, String> parts = settings.fingerprintParts((config.roleArn() != null ? config.roleArn() : "create"));
            if (layer != null) {
                parts.put("layerSha256", layer.zip().sha256Hex()); // resolved content, not only requirements.txt
            }
            String hash = SpecFingerprint.of(spec, tree, parts);
            // the most tags mldeploy may add, checked before any call (AWS allows 50 per resource)
            AwsRules.checkTags(FunctionRequests.functionTags(spec.name(), hash, true, config.bucket(),
                    FunctionImagePusher.withImageTags(settings, settings.userTags())),
                    "function " + spec.name(), InvalidSpecException::new);
            if (config.roleArn() == null) {
                AwsRules.checkTags(RoleManager.tags(spec.name(), settings.userTags(), config.bucket()),
                        "IAM role " + RoleManager.roleName(spec.name()), InvalidSpecException::new);
            }
            CallBudget budget = CallBudget.of(ctx);
            if (!ctx.rollout().isImmediate()) {
                rollout().checkAlarms(ctx.rollout(), budget);
            }
            Optional<GetFunctionResponse> existing = reader.get(spec.name(), budget);
            if (existing.isPresent() && !FunctionReader.isManaged(existing.get())) {
                throw new InvalidConfigurationException("a Lambda function named " + spec.name() + " exists and was "
                        + "not deployed by mldeploy; rename the model or remove that function");
            }
            CreatedResources created = new CreatedResources(reader, clients);
            if (settings.buildImage()) {
                // the image's digest is part of what the function runs: an unchanged model keeps its digest
                settings = settings.withImageUri(pushImage(spec, settings, hash, existing.isEmpty(), created, budget,
                        ctx));
                parts.put("image", settings.imageUri());
                hash = SpecFingerprint.of(spec, tree, parts);
            }
            if (existing.isEmpty()) {
                return create(spec.name(), settings, pkg, layer, hash, created, budget, ctx);
            }
            Optional<DeployResult> unchanged = unchanged(spec.name(), existing.get(), hash, budget);
            if (unchanged.isPresent()) {
                return unchanged.get();
            }
            // one deploy at a time changes the function; read it again under the lease
            try (DeployLock lock = DeployLock.acquire(lambda, spec.name(), budget, ctx.clock())) {
                GetFunctionResponse current = reader.get(spec.name(), budget).orElseThrow(() -> LambdaErrors.conflict(
                        spec.name(), "the function (it was deleted)", null));
                unchanged = unchanged(spec.name(), current, hash, budget);
                if (unchanged.isPresent()) {
                    return unchanged.get();
                }
                return update(spec.name(), current, aliases.alias(spec.name(), budget).orElse(null), settings, pkg,
                        layer, hash, budget, lock, ctx);
            }
        } finally {
            if (pkg != null) {
                pkg.delete();
            }
            if (layer != null) {
                layer.zip().delete();
            }
        }
    }

    /** The result for a function that already serves the spec {@code hash}, if it does. */
    private Optional<DeployResult> unchanged(String name, GetFunctionResponse existing, String hash,
                                             CallBudget budget) {
        Optional<AliasConfiguration> alias = aliases.alias(name, budget);
        FunctionConfiguration c = existing.configuration();
        if (alias.isPresent() && hash.equals(Tags.hashFromDescription(alias.get().description()))
                && c.state() == State.ACTIVE && c.lastUpdateStatus() != LastUpdateStatus.IN_PROGRESS) {
            LOG.debug("{} unchanged (spec hash {})", name, SpecFingerprint.shortForm(hash));
            return Optional.of(new DeployResult(FunctionReader.toDeployment(existing, alias.get()),
                    DeployResult.Change.UNCHANGED, "function " + name + " already serves this spec (version "
                    + alias.get().functionVersion() + "); nothing changed", null));
        }
        return Optional.empty();
    }

    private DeployResult create(String name, FunctionSettings s, LambdaPackager.Package pkg, LayerPackager.Layer layer,
                                String hash, CreatedResources created, CallBudget budget, DeployContext ctx) {
        try {
            // the role first: it records the bucket, so undeploy finds a package uploaded before a kill; the layer
            // before the function: undeploy finds it by its name, which follows from the function's
            String roleArn = role(name, s, created, budget, ctx);
            List<String> layers = layers(name, s, layer, created, budget, ctx);
            FunctionCode code = uploader.functionCode(name, s, pkg, created, budget, ctx);
            Map<String, String> tags = FunctionRequests.functionTags(name, hash, config.createRole(),
                    created.store == null ? null : created.store.bucket(),
                    FunctionImagePusher.withImageTags(s, s.userTags()));
            ctx.progress("create-function", "", "creating function " + name);
            String arn = waiter.withRoleRetry(name, roleArn, ctx, "create-function", () -> {
                created.functionSent = true;
                try {
                    String made = lambda.createFunction(b -> FunctionRequests.create(budget.on(b), name, roleArn,
                            code, s, tags, layers)).functionArn();
                    created.functionCreated = true;
                    return made;
                } catch (RuntimeException e) {
                    if (LambdaErrors.isConflict(e)) {
                        // the SDK's retry of a CreateFunction whose answer was lost finds the function it made
                        Optional<GetFunctionResponse> f = reader.get(name, budget);
                        if (f.isPresent() && FunctionReader.isManaged(f.get())
                                && hash.equals(f.get().tags().get(Tags.SPEC_HASH))) {
                            LOG.debug("function {} exists with this deploy's spec hash; carrying on with it", name);
                            created.functionCreated = true;
                            return f.get().configuration().functionArn();
                        }
                        created.functionSent = false; // the function is the other deploy's
                        throw LambdaErrors.conflict(name, "the function (another deploy created it)", e);
                    }
                    if (e instanceof AwsServiceException ase && ase.statusCode() >= 400 && ase.statusCode() < 500
                            && !LambdaErrors.isTimeout(e)) {
                        created.functionSent = false; // Lambda answered no: nothing was created
                    }
                    throw e;
                }
            });
            LOG.debug("created function {}", arn);
            waiter.waitReady(name, budget, ctx);
            reservedConcurrency(name, s, null, budget);
            PublishVersionResponse published = aliases.publish(name, pkg == null ? null : pkg.codeSha256(), null,
                    hash, budget, ctx);
            checkPublished(name, s, pkg, roleArn, published);
            aliases.point(name, published.version(), hash, null, budget, ctx);
            aliases.provision(name, s.provisionedConcurrency(), false, budget, ctx);
            Deployment d = reader.describe(name, budget).orElseThrow(() -> new DeploymentFailedException("function "
                    + name + " vanished right after it was created"));
            return new DeployResult(d, DeployResult.Change.CREATED, "created function " + name + ", version "
                    + published.version() + " behind alias " + LambdaSettings.ALIAS, null);
        } catch (ConflictException e) {
            // the other deploy uses the function and the role; only this deploy's own package goes
            List<String> left = created.remove(name, hash, false, false, budget, ctx, new ArrayList<>());
            throw left.isEmpty() ? e : new ConflictException(e.getMessage() + "; could not remove "
                    + String.join(", ", left), e);
        } catch (RuntimeException e) {
            MlDeployException failed = LambdaErrors.failed("deploying " + name + " to Lambda", e);
            List<String> removedOrLeft = new ArrayList<>();
            List<String> left = created.remove(name, hash, true, true, budget, ctx, removedOrLeft);
            String outcome = left.isEmpty()
                    ? (removedOrLeft.isEmpty() ? "; nothing it created is left, so it can be retried"
                    : "; cleaned up what this deploy created (" + String.join(", ", removedOrLeft)
                    + "), so it can be retried")
                    : "; could not remove " + String.join(", ", left) + ": run 'mldeploy undeploy " + name
                    + "' (it finds them by the name) or deploy again";
            if (failed instanceof DeploymentFailedException) {
                throw new DeploymentFailedException(failed.getMessage() + outcome, e, failed.retryable());
            }
            if (failed instanceof dev.mldeploy.OperationTimeoutException) {
                throw new dev.mldeploy.OperationTimeoutException(failed.getMessage() + outcome);
            }
            if (!left.isEmpty()) {
                failed.addSuppressed(new DeploymentFailedException("left behind: " + String.join(", ", left)));
            }
            throw failed;
        }
    }

    private DeployResult update(String name, GetFunctionResponse existing, AliasConfiguration alias,
                                FunctionSettings s, LambdaPackager.Package pkg, LayerPackager.Layer layer,
                                String hash, CallBudget budget, DeployLock lock, DeployContext ctx) {
        String serving = alias == null ? "no version" : "version " + alias.functionVersion();
        try {
            FunctionConfiguration current = existing.configuration();
            CreatedResources created = new CreatedResources(reader, clients);
            String roleArn = role(name, s, created, budget, ctx);
            GetFunctionConfigurationResponse ready = waiter.waitReady(name, budget, ctx); // another update must finish
            if (!Objects.equals(ready.revisionId(), current.revisionId())) {
                throw LambdaErrors.conflict(name, "the function (revision " + current.revisionId() + " became "
                        + ready.revisionId() + ")", null);
            }
            String revision = current.revisionId();
            List<String> layers = layers(name, s, layer, created, budget, ctx);
            boolean codeChanged = s.isImage() ? !s.imageUri().equals(existing.code() == null ? null
                    : existing.code().imageUri()) : !pkg.codeSha256().equals(current.codeSha256());
            if (codeChanged || s.architectureDiffers(current)) {
                FunctionCode code = uploader.functionCode(name, s, pkg, created, budget, ctx);
                ctx.progress("update-code", "", "updating the code of " + name);
                lock.renew();
                String rev = revision;
                lambda.updateFunctionCode(b -> FunctionRequests.updateCode(budget.on(b), name, code, s, rev));
                revision = waiter.waitUpdated(name, "code", budget, ctx).revisionId();
            }
            List<String> diff = new ArrayList<>(s.configurationDifferences(current, roleArn));
            if (!s.isImage() && FunctionRequests.layersDiffer(current, layers)) {
                diff.add("layers");
            }
            if (!diff.isEmpty()) {
                ctx.progress("update-config", "", "updating " + String.join(", ", diff) + " of " + name);
                lock.renew();
                String rev = revision;
                waiter.withRoleRetry(name, roleArn, ctx, "update-config", () -> lambda.updateFunctionConfiguration(
                        b -> FunctionRequests.updateConfiguration(budget.on(b), name, roleArn, s, rev, layers)));
                revision = waiter.waitUpdated(name, "configuration", budget, ctx).revisionId();
            }
            Integer reservedNow = existing.concurrency() == null ? null
                    : existing.concurrency().reservedConcurrentExecutions();
            reservedConcurrency(name, s, reservedNow, budget);
            lock.renew();
            PublishVersionResponse published = aliases.publish(name, pkg == null ? null : pkg.codeSha256(),
                    revision, hash, budget, ctx);
            checkPublished(name, s, pkg, roleArn, published);
            if (alias == null || ctx.rollout().isImmediate()) {
                aliases.point(name, published.version(), hash, alias, budget, ctx);
            } else {
                rollout().roll(name, published.version(), hash, alias, ctx.rollout(), lock::renew, budget, ctx);
            }
            int provisionedNow = s.provisionedConcurrency() > 0 || alias == null ? 0
                    : aliases.provisioned(name, budget);
            aliases.provision(name, s.provisionedConcurrency(), provisionedNow > 0, budget, ctx);
            tagger.retag(existing, name, hash, created.store == null ? null : created.store.bucket(),
                    FunctionImagePusher.withImageTags(s, s.userTags()), budget);
            Deployment d = reader.describe(name, budget).orElseThrow(() -> new DeploymentFailedException("function "
                    + name + " vanished during the update"));
            return new DeployResult(d, DeployResult.Change.UPDATED, "updated function " + name + ": alias "
                    + LambdaSettings.ALIAS + " moved from " + serving + " to version " + published.version(), null);
        } catch (dev.mldeploy.RolloutRolledBackException e) {
            throw e; // it says where the alias is
        } catch (RuntimeException e) {
            MlDeployException failed = LambdaErrors.failed("updating function " + name, e);
            String still = "; alias " + LambdaSettings.ALIAS + " still serves " + serving;
            if (failed instanceof ConflictException) {
                throw new ConflictException(failed.getMessage() + still + " or what the other deploy pointed it at",
                        e);
            }
            if (failed instanceof DeploymentFailedException) {
                throw new DeploymentFailedException(failed.getMessage() + still + " (the last good one); fix the "
                        + "cause and deploy again, or roll back", e, failed.retryable());
            }
            if (failed instanceof dev.mldeploy.OperationTimeoutException) {
                throw new dev.mldeploy.OperationTimeoutException(failed.getMessage() + still + "; deploy again "
                        + "to finish");
            }
            throw failed;
        }
    }

    /** The rollout of an update; its CloudWatch client is built only when a rollout needs one. */
    private AliasRollout rollout() {
        return new AliasRollout(lambda, new dev.mldeploy.aws.AlarmStates(clients.cloudWatch()), config.pollInterval());
    }

    /**
     * Builds and pushes the function's image; returns it by digest. When a first deploy's push fails, what it pushed
     * is removed (or named as left: undeploy finds the repository by the name).
     */
    private String pushImage(ModelSpec spec, FunctionSettings s, String hash, boolean first, CreatedResources created,
                             CallBudget budget, DeployContext ctx) {
        try {
            return images.push(spec, s, hash, created, budget, ctx).imageUri();
        } catch (RuntimeException e) {
            if (first && created.imageRepository != null) {
                List<String> left = created.remove(spec.name(), hash, false, false, budget, ctx, new ArrayList<>());
                if (!left.isEmpty()) {
                    e.addSuppressed(new DeploymentFailedException("left behind (undeploy finds them by the name): "
                            + String.join(", ", left)));
                }
            }
            throw e;
        }
    }

    /** The version Lambda published must hold this deploy's code and configuration, or another deploy's got in. */
    private static void checkPublished(String name, FunctionSettings s, LambdaPackager.Package pkg, String roleArn,
                                       PublishVersionResponse v) {
        List<String> diff = s.publishedDifferences(v, roleArn, pkg == null ? null : pkg.codeSha256());
        if (!diff.isEmpty()) {
            throw LambdaErrors.conflict(name, "the " + String.join(", ", diff) + " published as version "
                    + v.version(), null);
        }
    }

    /** The function's layers: its dependency layer's version (found or published now), or none. */
    private List<String> layers(String name, FunctionSettings s, LayerPackager.Layer layer, CreatedResources created,
                                CallBudget budget, DeployContext ctx) {
        if (layer == null) {
            return List.of();
        }
        LayerPublisher.Version v = layers.ensure(name, layer.zip(), s,
                () -> uploader.layerContent(name, layer.zip(), created, budget, ctx), created, budget, ctx);
        return List.of(v.arn());
    }

    private String role(String name, FunctionSettings s, CreatedResources created, CallBudget budget, DeployContext ctx) {
        if (config.roleArn() != null) {
            return config.roleArn();
        }
        RoleManager.Resolved r = new RoleManager(clients.iam(), budget).ensure(name, s.userTags(),
                config.bucket(), ctx);
        created.role = r.created();
        return r.arn();
    }

    private void reservedConcurrency(String name, FunctionSettings s, Integer now, CallBudget budget) {
        Integer want = s.reservedConcurrency();
        if (Objects.equals(want, now)) {
            return;
        }
        if (want == null) {
            lambda.deleteFunctionConcurrency(b -> budget.on(b).functionName(name));
        } else {
            lambda.putFunctionConcurrency(b -> budget.on(b).functionName(name).reservedConcurrentExecutions(want));
        }
    }
}
