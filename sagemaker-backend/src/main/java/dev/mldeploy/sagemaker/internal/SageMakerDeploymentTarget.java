package dev.mldeploy.sagemaker.internal;

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

    SageMakerDeploymentTarget(SageMakerSettings config, AwsClients clients) {
        this.clients = clients;
        this.callBudget = config.callTimeout() == null ? CallBudget.unbounded() : CallBudget.perCall(
                config.callTimeout(), "raise the call timeout (SageMakerTarget.builder().callTimeout, "
                        + "MLDEPLOY_CALL_TIMEOUT, --timeout)");
        SageMakerApi api = new SageMakerApi(clients.sageMaker());
        this.store = new ArtifactStore(clients.s3(), new ModelPackager(config.compressionLevel()));
        Autoscaler autoscaler = new Autoscaler(clients.autoScaling());
        this.reader = new EndpointReader(api);
        this.deployer = new EndpointDeployer(config, api, store, autoscaler, reader, clients.servingImages());
        this.undeployer = new EndpointUndeployer(config, api, store, autoscaler, clients.servingImages());
        this.rollback = new Rollback(config, api, autoscaler, reader);
    }

    /** The target for {@code config}, with clients built from it and {@code context} where not given. */
    public static SageMakerDeploymentTarget create(SageMakerSettings config, TargetContext context) {
        return new SageMakerDeploymentTarget(config, AwsClients.create(config, context));
    }

    @Override
    public String name() {
        return SageMakerSettings.NAME;
    }

    @Override
    public DeployResult deploy(ModelSpec spec, DeployContext context) {
        return deployer.deploy(spec, context);
    }

    @Override
    public Optional<Deployment> describe(String name) {
        try (CallBudget.Scope s = CallBudget.open(callBudget)) {
            return reader.describe(name);
        }
    }

    @Override
    public List<Deployment> list() {
        try (CallBudget.Scope s = CallBudget.open(callBudget)) {
            return reader.list();
        }
    }

    @Override
    public boolean undeploy(String name, DeployContext context) {
        return undeployer.undeploy(name, context);
    }

    /** Updates the endpoint back to the endpoint config it ran before its last update (kept for this). */
    @Override
    public RollbackResult rollback(String name, DeployContext context) {
        return rollback.rollback(name, context);
    }

    @Override
    public Invoker invoker(String name) {
        Deployment d = describe(name).orElseThrow(() -> new DeploymentNotFoundException(name,
                "no sagemaker deployment named '" + name + "'; deploy it first"));
        return new SageMakerInvoker(clients.runtime(), d.attributes().getOrDefault("endpointName",
                Naming.endpointName(name)), DeploymentPlan.SERVERLESS.equals(d.variant()), callBudget);
    }

    @Override
    public void close() {
        store.close();
        clients.close();
    }
}
