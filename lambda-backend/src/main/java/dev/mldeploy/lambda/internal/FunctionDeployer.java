package dev.mldeploy.lambda.internal;

import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.lambda.LambdaTarget;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.SourceTree;
import dev.mldeploy.spi.SpecFingerprint;
import dev.mldeploy.spi.Waiter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasConfiguration;
import software.amazon.awssdk.services.lambda.model.FunctionCode;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.PackageType;
import software.amazon.awssdk.services.lambda.model.State;

/**
 * One deploy: creates the function or updates its code and configuration where they changed, waits for it, then
 * publishes a version and moves the alias. An unchanged spec makes reads only. A failed first deploy removes what it
 * created (function, role, uploaded package); a failed update leaves the alias on the last good version.
 * Thread-safe (each deploy's state is local).
 */
public final class FunctionDeployer {
    private static final Logger LOG = LoggerFactory.getLogger(FunctionDeployer.class);
    private static final Duration MAX_ROLE_BACKOFF = Duration.ofSeconds(10);

    private final LambdaTarget config;
    private final AwsClients clients;
    private final LambdaClient lambda;
    private final AliasManager aliases;
    private final FunctionReader reader;

    public FunctionDeployer(LambdaTarget config, AwsClients clients, AliasManager aliases, FunctionReader reader) {
        this.config = config;
        this.clients = clients;
        this.lambda = clients.lambda();
        this.aliases = aliases;
        this.reader = reader;
    }

    /** What a failed first deploy must remove. */
    private static final class Created {
        boolean function;
        String roleCreatedFor;
        String uploadedKey;
        PackageStore store;
    }

    public DeployResult deploy(ModelSpec spec, DeployContext ctx) {
        FunctionSettings settings = FunctionSettings.resolve(spec, config);
        if (config.roleArn().isEmpty() && !config.createRole()) {
            throw new InvalidConfigurationException("the lambda target needs an execution role: give its ARN "
                    + "(--role-arn, MLDEPLOY_ROLE_ARN, LambdaTarget.builder().roleArn(...)) or let mldeploy create "
                    + "one (--create-role, MLDEPLOY_LAMBDA_CREATE_ROLE=true)");
        }
        SourceTree tree = SourceTree.of(spec);
        String hash = SpecFingerprint.of(spec, tree, settings.fingerprintParts(config.roleArn().orElse("create")));
        LambdaPackager.Package pkg = null;
        if (!settings.isImage()) {
            ctx.progress("package", "", "zipping " + tree.entries().size() + " files and the adapter");
            pkg = LambdaPackager.buildTemporary(spec, tree);
            if (pkg.zippedBytes() > config.directUploadLimitBytes() && config.bucket().isEmpty()) {
                pkg.delete();
                throw new InvalidConfigurationException("the Lambda package of '" + spec.name() + "' is "
                        + pkg.zippedBytes() + " bytes zipped, over the " + config.directUploadLimitBytes()
                        + "-byte direct upload limit; give an S3 bucket for it (--bucket, MLDEPLOY_BUCKET)");
            }
        }
        try {
            Optional<GetFunctionResponse> existing = reader.get(spec.name());
            if (existing.isEmpty()) {
                return create(spec.name(), settings, pkg, hash, ctx);
            }
            if (!FunctionReader.isManaged(existing.get())) {
                throw new InvalidConfigurationException("a Lambda function named " + spec.name() + " exists and was "
                        + "not deployed by mldeploy; rename the model or remove that function");
            }
            Optional<AliasConfiguration> alias = aliases.alias(spec.name());
            FunctionConfiguration c = existing.get().configuration();
            if (alias.isPresent() && hash.equals(Tags.hashFromDescription(alias.get().description()))
                    && c.state() == State.ACTIVE && c.lastUpdateStatus() != LastUpdateStatus.IN_PROGRESS) {
                LOG.debug("{} unchanged (spec hash {})", spec.name(), SpecFingerprint.shortForm(hash));
                return new DeployResult(FunctionReader.toDeployment(existing.get(), alias.get()),
                        DeployResult.Change.UNCHANGED, "function " + spec.name() + " already serves this spec "
                        + "(version " + alias.get().functionVersion() + "); nothing changed", null);
            }
            return update(spec.name(), existing.get(), alias.orElse(null), settings, pkg, hash, ctx);
        } finally {
            if (pkg != null) {
                pkg.delete();
            }
        }
    }

    private DeployResult create(String name, FunctionSettings s, LambdaPackager.Package pkg, String hash,
                                DeployContext ctx) {
        Created created = new Created();
        try {
            FunctionCode code = code(name, s, pkg, created, ctx);
            String roleArn = role(name, s, created, ctx);
            Map<String, String> tags = functionTags(name, hash, created.roleCreatedFor != null || config.createRole(),
                    created.store);
            ctx.progress("create-function", "", "creating function " + name);
            String arn = withRoleRetry(name, roleArn, ctx, "create-function", () ->
                    lambda.createFunction(b -> {
                        b.functionName(name).role(roleArn).code(code).memorySize(s.memoryMb())
                                .timeout(s.timeoutSeconds()).architecturesWithStrings(s.architecture().awsName())
                                .ephemeralStorage(e -> e.size(s.ephemeralStorageMb()))
                                .environment(e -> e.variables(s.environment())).tags(tags).publish(false)
                                .description("mldeploy model " + name);
                        if (s.isImage()) {
                            b.packageType(PackageType.IMAGE);
                        } else {
                            b.packageType(PackageType.ZIP).runtime(s.runtime()).handler(LambdaPackager.HANDLER);
                        }
                        if (s.vpc() != null) {
                            b.vpcConfig(v -> v.subnetIds(s.vpc().subnetIds())
                                    .securityGroupIds(s.vpc().securityGroupIds()));
                        }
                    }).functionArn());
            created.function = true;
            LOG.debug("created function {}", arn);
            waitReady(name, ctx);
            reservedConcurrency(name, s, null);
            String version = aliases.publish(name, pkg == null ? null : pkg.codeSha256(), hash, ctx);
            aliases.point(name, version, hash, false, ctx);
            aliases.provision(name, s.provisionedConcurrency(), false, ctx);
            Deployment d = reader.describe(name).orElseThrow(() -> new DeploymentFailedException("function " + name
                    + " vanished right after it was created"));
            return new DeployResult(d, DeployResult.Change.CREATED, "created function " + name + ", version "
                    + version + " behind alias " + LambdaTarget.ALIAS, null);
        } catch (RuntimeException e) {
            cleanUp(name, created);
            MlDeployException failed = LambdaErrors.failed("deploying " + name + " to Lambda", e);
            throw failed instanceof DeploymentFailedException
                    ? new DeploymentFailedException(failed.getMessage() + "; removed what this deploy created, so "
                    + "it can be retried", e, failed.retryable()) : failed;
        }
    }

    private DeployResult update(String name, GetFunctionResponse existing, AliasConfiguration alias,
                                FunctionSettings s, LambdaPackager.Package pkg, String hash, DeployContext ctx) {
        String serving = alias == null ? "no version" : "version " + alias.functionVersion();
        try {
            FunctionConfiguration current = existing.configuration();
            Created created = new Created();
            String roleArn = role(name, s, created, ctx);
            waitReady(name, ctx); // an update in progress (another process) must finish first
            boolean codeChanged = s.isImage() ? !s.imageUri().equals(existing.code() == null ? null
                    : existing.code().imageUri()) : !pkg.codeSha256().equals(current.codeSha256());
            if (codeChanged || s.architectureDiffers(current)) {
                FunctionCode code = code(name, s, pkg, created, ctx);
                ctx.progress("update-code", "", "updating the code of " + name);
                lambda.updateFunctionCode(b -> b.functionName(name).zipFile(code.zipFile())
                        .s3Bucket(code.s3Bucket()).s3Key(code.s3Key()).imageUri(code.imageUri())
                        .architecturesWithStrings(s.architecture().awsName()));
                waitUpdated(name, "code", serving, ctx);
            }
            List<String> diff = s.configurationDifferences(current, roleArn);
            if (!diff.isEmpty()) {
                ctx.progress("update-config", "", "updating " + String.join(", ", diff) + " of " + name);
                withRoleRetry(name, roleArn, ctx, "update-config", () -> lambda.updateFunctionConfiguration(b -> {
                    b.functionName(name).role(roleArn).memorySize(s.memoryMb()).timeout(s.timeoutSeconds())
                            .ephemeralStorage(e -> e.size(s.ephemeralStorageMb()))
                            .environment(e -> e.variables(s.environment()))
                            .vpcConfig(v -> v.subnetIds(s.vpc() == null ? List.of() : s.vpc().subnetIds())
                                    .securityGroupIds(s.vpc() == null ? List.of() : s.vpc().securityGroupIds()));
                    if (!s.isImage()) {
                        b.runtime(s.runtime()).handler(LambdaPackager.HANDLER);
                    }
                }));
                waitUpdated(name, "configuration", serving, ctx);
            }
            Integer reservedNow = existing.concurrency() == null ? null
                    : existing.concurrency().reservedConcurrentExecutions();
            reservedConcurrency(name, s, reservedNow);
            String version = aliases.publish(name, pkg == null ? null : pkg.codeSha256(), hash, ctx);
            aliases.point(name, version, hash, alias != null, ctx);
            int provisionedNow = s.provisionedConcurrency() > 0 || alias == null ? 0 : aliases.provisioned(name);
            aliases.provision(name, s.provisionedConcurrency(), provisionedNow > 0, ctx);
            retag(existing, name, hash, created.store);
            Deployment d = reader.describe(name).orElseThrow(() -> new DeploymentFailedException("function " + name
                    + " vanished during the update"));
            return new DeployResult(d, DeployResult.Change.UPDATED, "updated function " + name + ": alias "
                    + LambdaTarget.ALIAS + " moved from " + serving + " to version " + version, null);
        } catch (RuntimeException e) {
            MlDeployException failed = LambdaErrors.failed("updating function " + name, e);
            if (failed instanceof DeploymentFailedException) {
                throw new DeploymentFailedException(failed.getMessage() + "; alias " + LambdaTarget.ALIAS
                        + " still serves " + serving + " (the last good one); fix the cause and deploy again, "
                        + "or roll back", e, failed.retryable());
            }
            throw failed;
        }
    }

    private FunctionCode code(String name, FunctionSettings s, LambdaPackager.Package pkg, Created created,
                              DeployContext ctx) {
        if (s.isImage()) {
            return FunctionCode.builder().imageUri(s.imageUri()).build();
        }
        if (pkg.zippedBytes() <= config.directUploadLimitBytes()) {
            try {
                return FunctionCode.builder().zipFile(SdkBytes.fromByteArray(Files.readAllBytes(pkg.zip()))).build();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the package " + pkg.zip(), e);
            }
        }
        PackageStore store = new PackageStore(clients.s3(), config.bucket().orElseThrow(), config.createBucket());
        created.store = store;
        store.ensureBucket(ctx);
        PackageStore.Stored stored = store.upload(name, pkg, ctx);
        if (stored.uploaded()) {
            created.uploadedKey = stored.key();
        }
        return FunctionCode.builder().s3Bucket(store.bucket()).s3Key(stored.key()).build();
    }

    private String role(String name, FunctionSettings s, Created created, DeployContext ctx) {
        if (config.roleArn().isPresent()) {
            return config.roleArn().get();
        }
        RoleManager.Resolved r = new RoleManager(clients.iam()).ensure(name, s.userTags(), ctx);
        if (r.created()) {
            created.roleCreatedFor = name;
        }
        return r.arn();
    }

    /**
     * Runs {@code call}, retrying while Lambda says the role cannot be assumed (a new IAM role takes seconds to
     * propagate), with doubling backoff from the poll interval, for at most the role propagation timeout.
     */
    private <T> T withRoleRetry(String name, String roleArn, DeployContext ctx, String phase, Supplier<T> call) {
        Duration bound = config.rolePropagationTimeout();
        long start = System.nanoTime();
        Duration backoff = config.pollInterval();
        int attempts = 0;
        while (true) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                if (!LambdaErrors.isRoleNotAssumable(e)) {
                    throw e;
                }
                attempts++;
                Duration waited = Duration.ofNanos(System.nanoTime() - start);
                if (waited.plus(backoff).compareTo(bound) > 0 || ctx.remaining().compareTo(backoff) <= 0) {
                    throw new DeploymentFailedException("Lambda still cannot assume the execution role " + roleArn
                            + " after " + attempts + " attempts over " + waited.toSeconds() + " s (a new IAM role "
                            + "takes seconds to propagate; the bound is " + bound.toSeconds() + " s): check that the "
                            + "role exists and trusts lambda.amazonaws.com, then deploy " + name + " again", e, true);
                }
                LOG.debug("role {} not assumable yet; retrying in {} ms", roleArn, backoff.toMillis());
                ctx.progress(phase, "role not assumable yet", "waiting for IAM role " + roleArn + " to propagate");
                ctx.sleep(backoff, "IAM role " + roleArn + " to propagate");
                ctx.checkDeadline("IAM role " + roleArn + " to propagate");
                backoff = backoff.multipliedBy(2).compareTo(MAX_ROLE_BACKOFF) > 0 ? MAX_ROLE_BACKOFF
                        : backoff.multipliedBy(2);
            }
        }
    }

    /** Waits for State Active and no update in progress. */
    private void waitReady(String name, DeployContext ctx) {
        Waiter.<GetFunctionConfigurationResponse>forPhase(ctx, "wait", "function " + name + " Active")
                .interval(config.pollInterval())
                .poll(() -> lambda.getFunctionConfiguration(b -> b.functionName(name)))
                .status(c -> c.stateAsString() + "/" + c.lastUpdateStatusAsString())
                .failWhen(c -> c.state() == State.FAILED ? new DeploymentFailedException("function " + name
                        + " failed: " + c.stateReasonCodeAsString() + ": " + c.stateReason()) : null)
                .until(c -> c.state() == State.ACTIVE && c.lastUpdateStatus() != LastUpdateStatus.IN_PROGRESS)
                .await();
    }

    /** Waits for LastUpdateStatus Successful; Failed raises with Lambda's reason. */
    private void waitUpdated(String name, String what, String serving, DeployContext ctx) {
        Waiter.<GetFunctionConfigurationResponse>forPhase(ctx, "wait", "the " + what + " update of " + name + " to finish")
                .interval(config.pollInterval())
                .poll(() -> lambda.getFunctionConfiguration(b -> b.functionName(name)))
                .status(GetFunctionConfigurationResponse::lastUpdateStatusAsString)
                .failWhen(c -> c.lastUpdateStatus() == LastUpdateStatus.FAILED || c.state() == State.FAILED
                        ? new DeploymentFailedException("the " + what + " update of function " + name + " failed: "
                        + c.lastUpdateStatusReasonCodeAsString() + ": " + c.lastUpdateStatusReason()) : null)
                .until(c -> c.lastUpdateStatus() == null || c.lastUpdateStatus() == LastUpdateStatus.SUCCESSFUL)
                .await();
    }

    private void reservedConcurrency(String name, FunctionSettings s, Integer now) {
        Integer want = s.reservedConcurrency();
        if (java.util.Objects.equals(want, now)) {
            return;
        }
        if (want == null) {
            lambda.deleteFunctionConcurrency(b -> b.functionName(name));
        } else {
            lambda.putFunctionConcurrency(b -> b.functionName(name).reservedConcurrentExecutions(want));
        }
    }

    private Map<String, String> functionTags(String name, String hash, boolean roleCreated, PackageStore store) {
        Map<String, String> tags = new HashMap<>(config.tags());
        tags.put(Tags.MANAGED, "true");
        tags.put(Tags.NAME, name);
        tags.put(Tags.SPEC_HASH, hash);
        if (roleCreated) {
            tags.put(Tags.ROLE_CREATED, "true");
        }
        if (store != null) {
            tags.put(Tags.BUCKET, store.bucket());
        }
        return tags;
    }

    private void retag(GetFunctionResponse existing, String name, String hash, PackageStore store) {
        Map<String, String> want = new HashMap<>(functionTags(name, hash, config.createRole()
                || "true".equals(existing.tags().get(Tags.ROLE_CREATED)), store));
        existing.tags().forEach((k, v) -> {
            if (k.equals(Tags.BUCKET) && !want.containsKey(k)) {
                want.put(k, v); // packages uploaded before stay known to undeploy
            }
        });
        List<String> gone = existing.tags().keySet().stream().filter(k -> !want.containsKey(k)).toList();
        String arn = existing.configuration().functionArn();
        if (!gone.isEmpty()) {
            lambda.untagResource(b -> b.resource(arn).tagKeys(gone));
        }
        if (!want.equals(existing.tags())) {
            lambda.tagResource(b -> b.resource(arn).tags(want));
        }
    }

    private void cleanUp(String name, Created created) {
        if (created.function) {
            try {
                lambda.deleteFunction(b -> b.functionName(name));
            } catch (RuntimeException e) {
                LOG.warn("cleaning up after a failed deploy: cannot delete function {}: {}", name,
                        LambdaErrors.code(e));
            }
        }
        if (created.roleCreatedFor != null) {
            try {
                new RoleManager(clients.iam()).deleteIfManaged(name);
            } catch (RuntimeException e) {
                LOG.warn("cleaning up after a failed deploy: cannot delete role {}: {}", RoleManager.roleName(name),
                        e.toString());
            }
        }
        if (created.uploadedKey != null) {
            created.store.delete(created.uploadedKey);
        }
    }
}
