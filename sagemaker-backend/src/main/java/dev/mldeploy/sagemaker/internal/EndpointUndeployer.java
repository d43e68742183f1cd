package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.spi.DeployContext;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;

/**
 * Removes a deployment and everything mldeploy made for it: autoscaling, the endpoint (waiting until it is gone),
 * every endpoint config and model tagged for that name, the serving images mldeploy pushed for it (and their ECR
 * repository when mldeploy created it and it is then empty), and the uploaded artifacts unless asked to keep them.
 * Idempotent. Thread-safe. Not API.
 */
public final class EndpointUndeployer {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointUndeployer.class);

    private final SageMakerSettings config;
    private final SageMakerApi api;
    private final ArtifactStore store;
    private final Autoscaler autoscaler;
    private final EndpointWaiter waiter;
    private final ServingImagePusher images;

    public EndpointUndeployer(SageMakerSettings config, SageMakerApi api, ArtifactStore store, Autoscaler autoscaler) {
        this(config, api, store, autoscaler, ServingImagePusher.NONE);
    }

    /** With {@code images}, which removes the serving images mldeploy pushed for a deployment. */
    public EndpointUndeployer(SageMakerSettings config, SageMakerApi api, ArtifactStore store, Autoscaler autoscaler,
                              ServingImagePusher images) {
        this.images = images;
        this.config = config;
        this.api = api;
        this.store = store;
        this.autoscaler = autoscaler;
        this.waiter = new EndpointWaiter(api, config.pollInterval());
    }

    /** Removes {@code name}'s resources; returns whether any existed. */
    public boolean undeploy(String name, DeployContext callerContext) {
        // the target bounds its whole operation already (boundedBy keeps the sooner end); this bound holds for
        // a caller of this class alone
        DeployContext ctx = Contexts.bounded(callerContext, config.timeout());
        try (CallBudget.Scope budget = CallBudget.open(CallBudget.of(ctx))) {
            return removeAll(name, ctx);
        }
    }

    private boolean removeAll(String name, DeployContext ctx) {
        String endpoint = Naming.endpointName(name);
        boolean found = false;
        Set<String> artifactPrefixes = new LinkedHashSet<>();
        boolean[] imageRecorded = {false};

        Optional<DescribeEndpointResponse> d = api.describeEndpoint(endpoint);
        boolean ours = d.isPresent() && Naming.isManaged(api.tags(d.get().endpointArn()), name);
        if (d.isPresent() && !ours) {
            LOG.warn("endpoint {} exists but mldeploy did not create it for '{}'; leaving it", endpoint, name);
        }
        Autoscaler.Snapshot scaling = ours || d.isEmpty() ? autoscaler.snapshot(endpoint)
                : new Autoscaler.Snapshot(java.util.List.of(), java.util.List.of());
        if (!scaling.isEmpty()) {
            ctx.progress("delete", "Autoscaling", "removing autoscaling of " + endpoint);
            autoscaler.remove(scaling);
            found = true;
        }
        if (ours) {
            ctx.progress("delete", d.get().endpointStatusAsString(), "deleting endpoint " + endpoint);
            if (EndpointWaiter.TRANSITIONAL.contains(d.get().endpointStatus())
                    && d.get().endpointStatus() != software.amazon.awssdk.services.sagemaker.model.EndpointStatus.DELETING) {
                waiter.awaitSettled(endpoint, ctx); // SageMaker refuses to delete an endpoint mid-update
            }
            api.deleteEndpoint(endpoint);
            waiter.awaitDeleted(endpoint, ctx);
            found = true;
        }
        for (String cfg : api.listEndpointConfigNames(name)) {
            if (Naming.isVersionOf(cfg, name)) {
                var c = api.describeEndpointConfig(cfg);
                if (c.isPresent() && collect(api.tags(c.get().endpointConfigArn()), name, artifactPrefixes)) {
                    ctx.progress("delete", "EndpointConfig", "deleting endpoint config " + cfg);
                    found |= api.deleteEndpointConfig(cfg);
                }
            }
        }
        for (String model : api.listModelNames(name)) {
            if (Naming.isVersionOf(model, name)) {
                var m = api.describeModel(model);
                Map<String, String> modelTags = m.isPresent() ? api.tags(m.get().modelArn()) : Map.of();
                imageRecorded[0] |= modelTags.containsKey(ServingImagePusher.TAG_REPOSITORY);
                if (m.isPresent() && collect(modelTags, name, artifactPrefixes)) {
                    ctx.progress("delete", "Model", "deleting model " + model);
                    found |= api.deleteModel(model);
                }
            }
        }
        Optional<String> images = this.images.removeAll(name, imageRecorded[0]);
        if (images.isPresent()) {
            ctx.progress("delete", "Images", "deleted " + images.get());
            found = true;
        }
        if (!config.keepArtifactsOnUndeploy()) {
            // the name's prefix in the target's bucket: artifacts of a deploy that never got to create a model
            if (config.bucket() != null) {
                artifactPrefixes.add(Naming.artifactsUri(config.bucket(), config.prefix(), name));
            }
            for (String uri : artifactPrefixes) {
                URI u = URI.create(uri);
                String key = u.getPath().startsWith("/") ? u.getPath().substring(1) : u.getPath();
                if (!key.endsWith("/" + name + "/")) {
                    continue; // only ever a deployment's own prefix
                }
                int aborted = store.abortUploads(u.getHost(), key);
                if (aborted > 0) {
                    ctx.progress("delete", "Uploads", "aborted " + aborted + " incomplete multipart uploads under "
                            + uri);
                    found = true;
                }
                int n = store.deleteAll(u.getHost(), key);
                if (n > 0) {
                    ctx.progress("delete", "Artifacts", "deleted " + n + " objects under " + uri);
                    found = true;
                }
            }
        }
        ctx.progress("done", found ? "Deleted" : "NotFound", found ? "removed sagemaker deployment " + name
                : "nothing of " + name + " was on sagemaker");
        return found;
    }

    private static boolean collect(Map<String, String> tags, String name, Set<String> artifactPrefixes) {
        if (!Naming.isManaged(tags, name)) {
            return false;
        }
        String a = tags.get(Naming.TAG_ARTIFACTS);
        if (a != null && a.startsWith("s3://")) {
            artifactPrefixes.add(a);
        }
        return true;
    }
}
