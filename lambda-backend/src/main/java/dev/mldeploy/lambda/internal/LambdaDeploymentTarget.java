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
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;

/** The {@code lambda} {@link Target}: wires the clients to the deployer, reader, alias manager and invoker. */
public final class LambdaDeploymentTarget implements Target {
    private final LambdaSettings config;
    private final AwsClients clients;
    private final AliasManager aliases;
    private final FunctionReader reader;
    private final FunctionDeployer deployer;
    private final FunctionUndeployer undeployer;
    private final FunctionMonitoring monitoring;
    private final LambdaFrontDoor frontDoor;

    private LambdaDeploymentTarget(LambdaSettings config, FrontDoorSettings http, AwsClients clients,
                                   ImagePush pushing) {
        this.config = config;
        this.clients = clients;
        this.aliases = new AliasManager(clients.lambda(), config.pollInterval());
        this.reader = new FunctionReader(clients.lambda(), aliases);
        this.monitoring = new FunctionMonitoring(reader, aliases, clients::cloudWatch, clients::logs);
        this.deployer = new FunctionDeployer(config, clients, aliases, reader, monitoring::failureNote, pushing);
        this.undeployer = new FunctionUndeployer(config, clients, reader);
        this.frontDoor = new LambdaFrontDoor(http, clients, config.tags());
    }

    public static LambdaDeploymentTarget create(LambdaSettings config, TargetContext context) {
        return create(config, FrontDoorSettings.NONE, context);
    }

    /** The target for {@code config} with the HTTPS front door {@code http} asks for. */
    public static LambdaDeploymentTarget create(LambdaSettings config, FrontDoorSettings http,
                                                TargetContext context) {
        return new LambdaDeploymentTarget(config, http, AwsClients.create(config, context), ImagePush.JIB);
    }

    /** The target with {@code pushing} building and pushing its container images (tests replace Jib). */
    public static LambdaDeploymentTarget create(LambdaSettings config, TargetContext context, ImagePush pushing) {
        return new LambdaDeploymentTarget(config, FrontDoorSettings.NONE, AwsClients.create(config, context), pushing);
    }

    @Override
    public String name() {
        return LambdaSettings.NAME;
    }

    @Override
    public DeployResult deploy(ModelSpec spec, DeployContext context) {
        DeployContext ctx = bounded(context);
        if (ctx.alarms().isPresent()) {
            monitoring.checkAlarmsReachable();
        }
        DeployResult result = frontDoor.apply(deployer.deploy(spec, ctx), ctx);
        return ctx.alarms().isEmpty() ? result : monitoring.putAlarms(result, ctx.alarms().get(), ctx);
    }

    /** The deployment, naming its alarms when it has any. */
    @Override
    public Optional<Deployment> describe(String name) {
        CallBudget budget = callBudget("describing Lambda deployment '" + name + "'");
        try {
            return reader.describe(name, budget).map(d -> monitoring.withAlarms(frontDoor.describe(d, budget), budget));
        } catch (RuntimeException e) {
            throw LambdaErrors.failed("describing Lambda deployment '" + name + "'", e);
        }
    }

    @Override
    public List<Deployment> list() {
        return reader.list(callBudget("listing Lambda deployments"));
    }

    /** Removes the HTTPS front door ({@link LambdaFrontDoor#remove}), then see {@link FunctionUndeployer#undeploy}. */
    @Override
    public boolean undeploy(String name, DeployContext context) {
        DeployContext ctx = bounded(context);
        List<String> http = frontDoor.remove(name, ctx);
        if (!http.isEmpty()) {
            ctx.progress("delete", "", "removed the HTTPS front door: " + String.join(", ", http));
        }
        // a failed undeploy says to run it again, which removes the alarms too: none are tried past its failure
        boolean found = undeployer.undeploy(name, ctx);
        return monitoring.removeAlarms(name, ctx) | found | !http.isEmpty();
    }

    @Override
    public dev.mldeploy.DeploymentMetrics metrics(String name, dev.mldeploy.MetricsQuery query) {
        return monitoring.metrics(name, query);
    }

    @Override
    public List<dev.mldeploy.LogEvent> logs(String name, dev.mldeploy.LogQuery query) {
        return monitoring.logs(name, query);
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
        Optional<Deployment> d;
        try {
            d = reader.describe(name, callBudget("describing Lambda deployment '" + name + "'"));
        } catch (RuntimeException e) {
            throw LambdaErrors.failed("describing Lambda deployment '" + name + "'", e);
        }
        if (d.isEmpty()) {
            throw new DeploymentNotFoundException(name, "no Lambda deployment named '" + name + "'; deploy it first");
        }
        Duration timeout = Optional.ofNullable(config.callTimeout()).orElseGet(() -> {
            String seconds = d.get().attributes().get("timeoutSeconds");
            Duration function = seconds == null ? LambdaLimits.MAX_TIMEOUT : Duration.ofSeconds(Long.parseLong(seconds));
            return function.plus(LambdaSettings.INVOKE_MARGIN);
        });
        return new LambdaInvoker(clients.lambda(), name, timeout);
    }

    private CallBudget callBudget(String operation) {
        return CallBudget.of(config.callTimeout() != null ? config.callTimeout()
                : LambdaSettings.DEFAULT_CALL_TIMEOUT, operation);
    }

    @Override
    public void close() {
        clients.close();
    }

    private DeployContext bounded(DeployContext context) {
        Duration bound = config.operationTimeout();
        return bound == null ? context : context.boundedBy(bound);
    }
}
