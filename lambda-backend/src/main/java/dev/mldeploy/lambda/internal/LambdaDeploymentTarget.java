package dev.mldeploy.lambda.internal;

import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentNotFoundException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.lambda.LambdaTarget;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.Invoker;
import dev.mldeploy.spi.Target;
import dev.mldeploy.spi.TargetContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;

/** The {@code lambda} {@link Target}: wires the clients to the deployer, reader, alias manager and invoker. */
public final class LambdaDeploymentTarget implements Target {
    private static final Logger LOG = LoggerFactory.getLogger(LambdaDeploymentTarget.class);
    private final LambdaTarget config;
    private final AwsClients clients;
    private final AliasManager aliases;
    private final FunctionReader reader;
    private final FunctionDeployer deployer;

    private LambdaDeploymentTarget(LambdaTarget config, AwsClients clients) {
        this.config = config;
        this.clients = clients;
        this.aliases = new AliasManager(clients.lambda(), config.pollInterval());
        this.reader = new FunctionReader(clients.lambda(), aliases);
        this.deployer = new FunctionDeployer(config, clients, aliases, reader);
    }

    public static LambdaDeploymentTarget create(LambdaTarget config, TargetContext context) {
        return new LambdaDeploymentTarget(config, AwsClients.create(config, context));
    }

    @Override
    public String name() {
        return LambdaTarget.NAME;
    }

    @Override
    public DeployResult deploy(ModelSpec spec, DeployContext context) {
        return deployer.deploy(spec, bounded(context));
    }

    @Override
    public Optional<Deployment> describe(String name) {
        return reader.describe(name);
    }

    @Override
    public List<Deployment> list() {
        return reader.list();
    }

    @Override
    public boolean undeploy(String name, DeployContext context) {
        boolean removed = false;
        Optional<GetFunctionResponse> f = reader.get(name);
        String bucket = config.bucket().orElse(null);
        boolean roleCreated = config.createRole();
        if (f.isPresent() && FunctionReader.isManaged(f.get())) {
            bucket = f.get().tags().getOrDefault(Tags.BUCKET, bucket);
            roleCreated |= "true".equals(f.get().tags().get(Tags.ROLE_CREATED));
            context.progress("delete", "", "deleting alias " + LambdaTarget.ALIAS + " and function " + name);
            try {
                clients.lambda().deleteAlias(b -> b.functionName(name).name(LambdaTarget.ALIAS));
            } catch (RuntimeException e) {
                if (!LambdaErrors.isNotFound(e)) {
                    throw LambdaErrors.failed("deleting alias " + LambdaTarget.ALIAS + " of " + name, e);
                }
            }
            try {
                clients.lambda().deleteFunction(b -> b.functionName(name)); // every version with it
            } catch (RuntimeException e) {
                if (!LambdaErrors.isNotFound(e)) {
                    throw LambdaErrors.failed("deleting function " + name, e);
                }
            }
            removed = true;
        } else if (f.isPresent()) {
            LOG.debug("function {} exists but was not made by mldeploy; leaving it", name);
            return false;
        }
        if (roleCreated) {
            context.progress("delete-role", "", "deleting execution role " + RoleManager.roleName(name));
            removed |= new RoleManager(clients.iam()).deleteIfManaged(name);
        }
        if (bucket != null && !config.keepPackagesOnUndeploy()) {
            removed |= new PackageStore(clients.s3(), bucket, false).deleteAll(name);
        }
        return removed;
    }

    /** Moves the alias of {@code name} back one version; returns the deployment as it then stands. */
    public Deployment rollback(String name, DeployContext context) {
        if (reader.describe(name).isEmpty()) {
            throw new DeploymentNotFoundException(name, "no Lambda deployment named '" + name + "'");
        }
        aliases.rollback(name, context);
        return reader.describe(name).orElseThrow(() -> new DeploymentNotFoundException(name,
                "Lambda deployment '" + name + "' vanished during the rollback"));
    }

    @Override
    public Invoker invoker(String name) {
        if (reader.describe(name).isEmpty()) {
            throw new DeploymentNotFoundException(name, "no Lambda deployment named '" + name + "'; deploy it first");
        }
        return new LambdaInvoker(clients.lambda(), name, config.throttleRetryTimeout());
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
