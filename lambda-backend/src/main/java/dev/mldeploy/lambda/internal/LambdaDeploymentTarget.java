package dev.mldeploy.lambda.internal;

import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentNotFoundException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.RollbackResult;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.Invoker;
import dev.mldeploy.spi.Target;
import dev.mldeploy.spi.TargetContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import dev.mldeploy.MlDeployException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;

/** The {@code lambda} {@link Target}: wires the clients to the deployer, reader, alias manager and invoker. */
public final class LambdaDeploymentTarget implements Target {
    private static final Logger LOG = LoggerFactory.getLogger(LambdaDeploymentTarget.class);
    private final LambdaSettings config;
    private final AwsClients clients;
    private final AliasManager aliases;
    private final FunctionReader reader;
    private final FunctionDeployer deployer;

    private LambdaDeploymentTarget(LambdaSettings config, AwsClients clients) {
        this.config = config;
        this.clients = clients;
        this.aliases = new AliasManager(clients.lambda(), config.pollInterval());
        this.reader = new FunctionReader(clients.lambda(), aliases);
        this.deployer = new FunctionDeployer(config, clients, aliases, reader);
    }

    public static LambdaDeploymentTarget create(LambdaSettings config, TargetContext context) {
        return new LambdaDeploymentTarget(config, AwsClients.create(config, context));
    }

    @Override
    public String name() {
        return LambdaSettings.NAME;
    }

    @Override
    public DeployResult deploy(ModelSpec spec, DeployContext context) {
        return deployer.deploy(spec, bounded(context));
    }

    @Override
    public Optional<Deployment> describe(String name) {
        CallBudget budget = callBudget("describing Lambda deployment '" + name + "'");
        try {
            return reader.describe(name, budget);
        } catch (RuntimeException e) {
            throw LambdaErrors.failed("describing Lambda deployment '" + name + "'", e);
        }
    }

    @Override
    public List<Deployment> list() {
        return reader.list(callBudget("listing Lambda deployments"));
    }

    /**
     * Removes the function (every version and the alias), the execution role mldeploy made for {@code name} and
     * the packages under its S3 prefix. The role and packages are looked for even when there is no function (a
     * deploy killed or cut off before it made one): the role by its name, which follows from {@code name}, and the
     * packages in the configured bucket and the bucket recorded on the function or the role. Reports what it
     * removed through the context's progress; fails naming what is left when a removal fails.
     */
    @Override
    public boolean undeploy(String name, DeployContext context) {
        DeployContext ctx = bounded(context);
        CallBudget budget = CallBudget.of(ctx);
        List<String> removed = new ArrayList<>();
        Set<String> buckets = new LinkedHashSet<>();
        config.bucket().ifPresent(buckets::add);
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
                context.progress("delete", "", "deleting alias " + LambdaSettings.ALIAS + " and function " + name);
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

    /**
     * Moves the alias of {@code name} back to the version published before the one it serves; a second rollback
     * goes one version further back (every version is kept).
     */
    @Override
    public RollbackResult rollback(String name, DeployContext context) {
        DeployContext ctx = bounded(context);
        CallBudget budget = CallBudget.of(ctx);
        Optional<GetFunctionResponse> f = reader.get(name, budget);
        if (f.isEmpty() || !FunctionReader.isManaged(f.get())) {
            throw new DeploymentNotFoundException(name, "no Lambda deployment named '" + name + "'"
                    + (f.isPresent() ? " (function " + name + " was not deployed by mldeploy)" : "")
                    + "; nothing to roll back");
        }
        String[] moved = aliases.rollback(name, budget, ctx);
        Deployment d = reader.describe(name, budget).orElseThrow(() -> new DeploymentNotFoundException(name,
                "Lambda deployment '" + name + "' vanished during the rollback"));
        ctx.progress("done", "", "alias " + LambdaSettings.ALIAS + " of " + name + " serves version " + moved[1]);
        return new RollbackResult(d, moved[0], moved[1], "rolled Lambda function " + name + " back: alias "
                + LambdaSettings.ALIAS + " moved from version " + moved[0] + " to " + moved[1]);
    }

    /**
     * An invoker whose every invocation is bounded by the call timeout, or, when none is set, by the function's own
     * timeout plus {@link LambdaSettings#INVOKE_MARGIN}.
     */
    @Override
    public Invoker invoker(String name) {
        Optional<Deployment> d = describe(name);
        if (d.isEmpty()) {
            throw new DeploymentNotFoundException(name, "no Lambda deployment named '" + name + "'; deploy it first");
        }
        Duration timeout = config.callTimeout().orElseGet(() -> {
            String seconds = d.get().attributes().get("timeoutSeconds");
            Duration function = seconds == null ? LambdaLimits.MAX_TIMEOUT : Duration.ofSeconds(Long.parseLong(seconds));
            return function.plus(LambdaSettings.INVOKE_MARGIN);
        });
        return new LambdaInvoker(clients.lambda(), name, timeout);
    }

    private CallBudget callBudget(String operation) {
        return CallBudget.of(config.callTimeout().orElse(LambdaSettings.DEFAULT_CALL_TIMEOUT), operation);
    }

    @Override
    public void close() {
        clients.close();
    }

    private DeployContext bounded(DeployContext context) {
        Optional<Duration> bound = config.operationTimeout();
        if (bound.isEmpty() || bound.get().compareTo(context.remaining()) >= 0) {
            return context;
        }
        return DeployContext.of(context.deploymentName(), context.target(), context.listener(), bound.get(),
                context.placement().orElse(null), context.candidate().orElse(null));
    }
}
