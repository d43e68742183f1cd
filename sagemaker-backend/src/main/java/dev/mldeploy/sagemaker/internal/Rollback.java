package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.ConflictException;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.DeploymentNotFoundException;
import dev.mldeploy.NoPreviousVersionException;
import dev.mldeploy.RollbackResult;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.spi.DeployContext;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemaker.model.Tag;

/**
 * Rolls an endpoint back to the generation kept before its last update ({@link Generations}): UpdateEndpoint to
 * that config (autoscaling taken off for the update, as SageMaker requires, and put back after), waits for
 * InService, then tags the endpoint with that config's spec hash. The config rolled back from stays kept, so a
 * second rollback returns to it. Nothing is deleted. Thread-safe. Not API.
 */
final class Rollback {
    private static final Logger LOG = LoggerFactory.getLogger(Rollback.class);

    private final SageMakerSettings config;
    private final SageMakerApi api;
    private final Autoscaler autoscaler;
    private final EndpointReader reader;
    private final EndpointWaiter waiter;

    Rollback(SageMakerSettings config, SageMakerApi api, Autoscaler autoscaler, EndpointReader reader) {
        this.config = config;
        this.api = api;
        this.autoscaler = autoscaler;
        this.reader = reader;
        this.waiter = new EndpointWaiter(api, config.pollInterval());
    }

    RollbackResult rollback(String name, DeployContext callerContext) {
        DeployContext ctx = Contexts.bounded(callerContext, config.timeout());
        try (CallBudget.Scope budget = CallBudget.open(CallBudget.of(ctx))) {
            return roll(name, ctx);
        }
    }

    private RollbackResult roll(String name, DeployContext ctx) {
        String endpoint = Naming.endpointName(name);
        DescribeEndpointResponse d = api.describeEndpoint(endpoint)
                .filter(e -> Naming.isManaged(api.tags(e.endpointArn()), name))
                .orElseThrow(() -> new DeploymentNotFoundException(name, "no sagemaker deployment named '" + name
                        + "'; nothing to roll back"));
        if (d.endpointStatus() == EndpointStatus.UPDATING && d.pendingDeploymentSummary() != null) {
            // SageMaker refuses UpdateEndpoint while an update runs and has no call to stop one
            throw new ConflictException("endpoint " + endpoint + " is being updated to config "
                    + d.pendingDeploymentSummary().endpointConfigName() + " (a rollout may be under way) and "
                    + "SageMaker has no call to stop an update: its rollback alarms (AutoRollbackConfiguration) roll "
                    + "it back by themselves; otherwise run rollback once it is InService, which returns it to "
                    + d.endpointConfigName());
        }
        if (d.endpointStatus() != EndpointStatus.IN_SERVICE) {
            throw new ConflictException("endpoint " + endpoint + " is " + d.endpointStatusAsString() + " (a deploy "
                    + "or an undeploy is running, or it failed); roll back when it is InService");
        }
        String from = d.endpointConfigName();
        Generations.Generation previous = Generations.previous(api, name, from).orElseThrow(() ->
                new NoPreviousVersionException(name, "sagemaker endpoint " + endpoint + " has no earlier endpoint "
                        + "config kept (it runs " + from + ", its first version); nothing to roll back to"));
        String to = previous.configName();
        for (String model : previous.models()) {
            if (api.describeModel(model).isEmpty()) {
                throw new NoPreviousVersionException(name, "the earlier endpoint config " + to + " of " + endpoint
                        + " names model " + model + ", which is gone; nothing to roll back to: deploy the version "
                        + "wanted");
            }
        }
        Autoscaler.Snapshot scaling = autoscaler.snapshot(endpoint);
        ctx.progress("rollback", "Updating", "endpoint " + endpoint + " from config " + from + " back to " + to);
        try {
            if (!scaling.isEmpty()) {
                autoscaler.remove(scaling); // SageMaker refuses to update variants registered for autoscaling
            }
            api.updateEndpoint(endpoint, to);
        } catch (RuntimeException e) {
            throw Failures.withNote(e, "the endpoint stays on config " + from + restore(endpoint, scaling));
        }
        DescribeEndpointResponse after = waiter.awaitSettled(endpoint, ctx).orElseThrow(() ->
                new DeploymentFailedException("endpoint " + endpoint + " disappeared while it was rolled back "
                        + "(someone deleted it?)"));
        if (after.endpointStatus() != EndpointStatus.IN_SERVICE || !to.equals(after.endpointConfigName())) {
            throw new DeploymentFailedException("rollback of endpoint " + endpoint + " to config " + to
                    + " failed: " + EndpointWaiter.reason(after) + "; the endpoint is "
                    + after.endpointStatusAsString() + " on config " + after.endpointConfigName()
                    + restore(endpoint, scaling));
        }
        api.addTags(after.endpointArn(), specTags(previous.tags()));
        String restored = restore(endpoint, scaling);
        LOG.debug("rolled {} back from {} to {}", endpoint, from, to);
        ctx.progress("done", "InService", "endpoint " + endpoint + " runs config " + to + " again");
        return new RollbackResult(reader.toDeployment(after, api.tags(after.endpointArn())), from, to,
                "rolled sagemaker endpoint " + endpoint + " back from config " + from + " to " + to + restored);
    }

    /** The tags that say which spec the endpoint runs, taken from the config rolled back to. */
    private static List<Tag> specTags(Map<String, String> configTags) {
        return configTags.entrySet().stream()
                .filter(e -> e.getKey().equals(Naming.TAG_SPEC_HASH) || e.getKey().equals(Naming.TAG_MODE))
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }

    private String restore(String endpoint, Autoscaler.Snapshot scaling) {
        return EndpointDeployer.restoreAutoscaling(autoscaler, endpoint, scaling);
    }
}
