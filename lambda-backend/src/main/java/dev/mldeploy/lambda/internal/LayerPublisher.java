package dev.mldeploy.lambda.internal;

import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.spi.DeployContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.LayerVersionContentInput;
import software.amazon.awssdk.services.lambda.model.ListLayerVersionsResponse;
import software.amazon.awssdk.services.lambda.model.LayerVersionsListItem;
import software.amazon.awssdk.services.lambda.model.PublishLayerVersionResponse;

/**
 * The function's dependency layer, content-addressed: one layer per function, named {@code <function>-deps}
 * ({@link #layerName}), whose versions carry the SHA-256 of their zip in the description
 * ({@code mldeploy sha256=<hex>}). A deploy publishes a version only when none with this content, runtime and
 * architecture exists; undeploy deletes every version whose description is mldeploy's. Layers take no tags, so the
 * name, which follows from the function's, is how undeploy finds a version a killed deploy published. Thread-safe.
 */
final class LayerPublisher {
    /** Starts the description of every layer version mldeploy publishes. */
    static final String DESCRIPTION_PREFIX = "mldeploy sha256=";
    private static final Logger LOG = LoggerFactory.getLogger(LayerPublisher.class);

    private final LambdaClient lambda;

    LayerPublisher(LambdaClient lambda) {
        this.lambda = lambda;
    }

    /**
     * The layer of function {@code name}: {@code <name>-deps} (at most 69 characters of {@code [a-zA-Z0-9-_]},
     * within Lambda's 140 for a layer name, since function names are at most 64 of those).
     */
    static String layerName(String name) {
        return name + "-deps";
    }

    static String description(String sha256Hex) {
        return DESCRIPTION_PREFIX + sha256Hex;
    }

    /**
     * A layer version.
     *
     * @param arn       its ARN, for the function's {@code Layers}
     * @param version   its number
     * @param published whether this call published it
     */
    record Version(String arn, long version, boolean published) {
    }

    /**
     * The version holding {@code layer} for this runtime and architecture, published now when there is none.
     *
     * @param content uploads the zip (in the request or through S3) when a version must be published
     */
    Version ensure(String name, LambdaPackager.Package layer, FunctionSettings s,
                   java.util.function.Supplier<LayerVersionContentInput> content, CreatedResources created,
                   CallBudget budget, DeployContext ctx) {
        String layerName = layerName(name);
        Optional<LayerVersionsListItem> existing = find(name, layer.sha256Hex(), s, budget);
        if (existing.isPresent()) {
            LOG.debug("layer {} version {} holds these dependencies", layerName, existing.get().version());
            return new Version(existing.get().layerVersionArn(), existing.get().version(), false);
        }
        ctx.progress("publish-layer", "", "publishing layer " + layerName + " (" + layer.zippedBytes()
                + " bytes zipped, " + layer.unzippedBytes() + " unzipped)");
        LayerVersionContentInput zip = content.get();
        created.layerSent = true;
        PublishLayerVersionResponse r;
        try {
            r = lambda.publishLayerVersion(b -> budget.on(b).layerName(layerName)
                    .description(description(layer.sha256Hex())).content(zip)
                    .compatibleRuntimesWithStrings(s.runtime())
                    .compatibleArchitecturesWithStrings(s.architecture().awsName()));
        } catch (RuntimeException e) {
            if (e instanceof AwsServiceException ase && ase.statusCode() >= 400 && ase.statusCode() < 500
                    && !LambdaErrors.isTimeout(e)) {
                created.layerSent = false; // Lambda answered no: nothing was published
            }
            throw e;
        }
        created.layerVersions.add(r.version());
        return new Version(r.layerVersionArn(), r.version(), true);
    }

    /** The version of {@code name}'s layer holding the zip with this hash, runtime and architecture. */
    Optional<LayerVersionsListItem> find(String name, String sha256Hex, FunctionSettings s, CallBudget budget) {
        String want = description(sha256Hex);
        return versions(name, budget).stream().filter(v -> want.equals(v.description())
                && v.compatibleRuntimesAsStrings().contains(s.runtime())
                && v.compatibleArchitecturesAsStrings().contains(s.architecture().awsName())).findFirst();
    }

    /** Every version of {@code name}'s layer that mldeploy published (newest first, as Lambda lists them). */
    List<LayerVersionsListItem> versions(String name, CallBudget budget) {
        List<LayerVersionsListItem> ours = new ArrayList<>();
        String marker = null;
        do {
            ListLayerVersionsResponse page;
            try {
                String from = marker;
                page = lambda.listLayerVersions(b -> budget.on(b).layerName(layerName(name)).marker(from));
            } catch (RuntimeException e) {
                if (LambdaErrors.isNotFound(e)) {
                    return ours;
                }
                throw e;
            }
            page.layerVersions().stream()
                    .filter(v -> v.description() != null && v.description().startsWith(DESCRIPTION_PREFIX))
                    .forEach(ours::add);
            marker = page.nextMarker();
        } while (marker != null && !marker.isEmpty());
        return ours;
    }

    /** Deletes one version (a version already gone counts as deleted). */
    void delete(String name, long version, CallBudget budget) {
        try {
            lambda.deleteLayerVersion(b -> budget.on(b).layerName(layerName(name)).versionNumber(version));
        } catch (RuntimeException e) {
            if (!LambdaErrors.isNotFound(e)) {
                throw e;
            }
        }
    }

    /** Deletes every version mldeploy published of {@code name}'s layer; returns their numbers. */
    List<Long> deleteAll(String name, CallBudget budget) {
        List<Long> deleted = new ArrayList<>();
        for (LayerVersionsListItem v : versions(name, budget)) {
            delete(name, v.version(), budget);
            deleted.add(v.version());
        }
        return deleted;
    }
}
