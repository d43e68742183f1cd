package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentNotFoundException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.RollbackResult;
import dev.mldeploy.aws.AwsErrors;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.Invoker;
import dev.mldeploy.spi.Target;
import dev.mldeploy.spi.TargetContext;
import java.util.List;
import java.util.Optional;

/**
 * The {@code sagemaker} {@link Target}: wires the clients to the deployer, reader, undeployer and invoker.
 * Thread-safe. Not API.
 */
public final class SageMakerDeploymentTarget implements Target {
    private final AwsClients clients;
    private final ArtifactStore store;
    private final EndpointDeployer deployer;
    private final EndpointReader reader;
    private final EndpointUndeployer undeployer;
    private final Rollback rollback;
    private final CallBudget callBudget;
    private final EndpointMonitoring monitoring;
    private final SageMakerSettings config;
    private final AccessSettings access;
    private final SageMakerApi api;
    private final Autoscaler autoscaler;
    private final SageMakerFrontDoor frontDoor;

    SageMakerDeploymentTarget(SageMakerSettings config, AwsClients clients) {
        this(config, AccessSettings.NONE, clients);
    }

    SageMakerDeploymentTarget(SageMakerSettings config, AccessSettings access, AwsClients clients) {
        this.clients = clients;
        this.config = config;
        this.access = access;
        this.callBudget = config.callTimeout() == null ? CallBudget.unbounded() : CallBudget.perCall(
                config.callTimeout(), "raise the call timeout (SageMakerTarget.builder().callTimeout, "
                        + "MLDEPLOY_CALL_TIMEOUT, --timeout)");
        this.api = new SageMakerApi(clients.sageMaker());
        this.store = new ArtifactStore(clients.s3(), new ModelPackager(config.compressionLevel()));
        this.autoscaler = new Autoscaler(clients.autoScaling());
        this.reader = new EndpointReader(api);
        this.monitoring = new EndpointMonitoring(api, clients::cloudWatch, clients::logs);
        this.deployer = endpointDeployer(config);
        this.undeployer = new EndpointUndeployer(config, api, store, autoscaler, clients.servingImages());
        this.rollback = new Rollback(config, api, autoscaler, reader);
        this.frontDoor = new SageMakerFrontDoor(access, this::iam, this::apiGateway, config.tags(), api,
                clients.sageMaker());
    }

    /** The target for {@code config}, with clients built from it and {@code context} where not given. */
    public static SageMakerDeploymentTarget create(SageMakerSettings config, TargetContext context) {
        return create(config, AccessSettings.NONE, context);
    }

    /** The target for {@code config} with the execution role and front door {@code access} asks for. */
    public static SageMakerDeploymentTarget create(SageMakerSettings config, AccessSettings access,
                                                   TargetContext context) {
        return new SageMakerDeploymentTarget(config, access, AwsClients.create(config, context));
    }

    @Override
    public String name() {
        return SageMakerSettings.NAME;
    }

    @Override
    public DeployResult deploy(ModelSpec spec, DeployContext context) {
        DeployContext ctx = Contexts.bounded(context, config.timeout());
        if (ctx.alarms().isPresent()) {
            monitoring.checkAlarmsReachable();
        }
        DeployResult result = access.createRole() ? deployWithCreatedRole(spec, ctx) : deployer.deploy(spec, ctx);
        try (CallBudget.Scope s = CallBudget.open(CallBudget.of(ctx))) {
            result = frontDoor.apply(result, ctx);
        }
        return ctx.alarms().isEmpty() ? result : monitoring.putAlarms(result, ctx.alarms().get(), ctx);
    }

    /** The deployer for {@code c}: this target's, or one for the same deploy with a created role's settings. */
    private EndpointDeployer endpointDeployer(SageMakerSettings c) {
        return new EndpointDeployer(c, api, store, autoscaler, reader, monitoring::failureNote,
                () -> new dev.mldeploy.aws.AlarmStates(clients.cloudWatch()), clients.servingImages());
    }

    /** See {@link CreatedRoleDeploy}. */
    private DeployResult deployWithCreatedRole(ModelSpec spec, DeployContext ctx) {
        return new CreatedRoleDeploy(config, api, iam(), this::endpointDeployer).deploy(spec, ctx);
    }

    private software.amazon.awssdk.services.iam.IamClient iam() {
        return clients.iam(Optional.ofNullable(access.iamClient()));
    }

    private software.amazon.awssdk.services.apigateway.ApiGatewayClient apiGateway() {
        return clients.apiGateway(Optional.ofNullable(access.apiGatewayClient()));
    }

    /** The deployment, naming its alarms when it has any. */
    @Override
    public Optional<Deployment> describe(String name) {
        try (CallBudget.Scope s = CallBudget.open(callBudget)) {
            return reader.describe(name).map(d -> monitoring.withAlarms(frontDoor.describe(d), callBudget));
        }
    }

    @Override
    public dev.mldeploy.DeploymentMetrics metrics(String name, dev.mldeploy.MetricsQuery query) {
        return monitoring.metrics(name, query);
    }

    @Override
    public List<dev.mldeploy.LogEvent> logs(String name, dev.mldeploy.LogQuery query) {
        return monitoring.logs(name, query);
    }

    @Override
    public List<Deployment> list() {
        try (CallBudget.Scope s = CallBudget.open(callBudget)) {
            return reader.list();
        }
    }

    @Override
    public boolean undeploy(String name, DeployContext context) {
        DeployContext ctx = Contexts.bounded(context, config.timeout());
        List<String> http;
        try (CallBudget.Scope s = CallBudget.open(CallBudget.of(ctx))) {
            http = frontDoor.remove(name, ctx);
        }
        if (!http.isEmpty()) {
            ctx.progress("delete", "FrontDoor", "removed the HTTPS front door: " + String.join(", ", http));
        }
        // a failed undeploy says to run it again, which removes the alarms too: none are tried past its failure;
        // ctx is bounded by the target's own timeout for the whole undeploy, so the alarms get what is left of it
        boolean found = undeployer.undeploy(name, ctx);
        found = monitoring.removeAlarms(name, ctx) | found;
        return removeExecutionRole(name, ctx) || found || !http.isEmpty();
    }

    /** After the endpoint is gone: the execution role mldeploy made for {@code name}, if any (found by name). */
    private boolean removeExecutionRole(String name, DeployContext ctx) {
        try {
            boolean removed = new RoleManager(iam(), CallBudget.of(ctx)).deleteIfManaged(name);
            if (removed) {
                ctx.progress("delete", "Role", "deleted IAM role " + RoleManager.roleName(name));
            }
            return removed;
        } catch (RuntimeException e) {
            if (!access.createRole() && AwsErrors.isAccessDenied(e.getCause())) {
                return false; // a caller who brings its own role may not read IAM; mldeploy made no role then
            }
            throw e;
        }
    }

    /** Updates the endpoint back to the endpoint config it ran before its last update (kept for this). */
    @Override
    public RollbackResult rollback(String name, DeployContext context) {
        return rollback.rollback(name, context);
    }

    @Override
    public Invoker invoker(String name) {
        Deployment d;
        try (CallBudget.Scope s = CallBudget.open(callBudget)) {
            d = reader.describe(name).orElseThrow(() -> new DeploymentNotFoundException(name,
                    "no sagemaker deployment named '" + name + "'; deploy it first"));
        }
        return new SageMakerInvoker(clients.runtime(), d.attributes().getOrDefault("endpointName",
                Naming.endpointName(name)), DeploymentPlan.SERVERLESS.equals(d.variant()), callBudget);
    }

    @Override
    public void close() {
        store.close();
        clients.close();
    }
}
