package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemaker.model.EndpointSummary;

/** Reads deployments back from SageMaker (endpoints and their mldeploy tags), so any process sees the same. */
public final class EndpointReader {
    private final SageMakerApi api;

    public EndpointReader(SageMakerApi api) {
        this.api = api;
    }

    /** The deployment named {@code name}, when an endpoint mldeploy made for it exists. */
    public Optional<Deployment> describe(String name) {
        Optional<DescribeEndpointResponse> d = api.describeEndpoint(Naming.endpointName(name));
        if (d.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> tags = api.tags(d.get().endpointArn());
        return Naming.isManaged(tags, name) ? Optional.of(withImage(toDeployment(d.get(), tags), d.get()))
                : Optional.empty();
    }

    /**
     * {@code deployment} with the image its model runs on: {@code image} (the URI) and, when it is one of AWS's
     * prebuilt framework images, {@code framework} and {@code frameworkVersion}. Read
     * from the model of the endpoint's first variant (all variants share one model); unchanged when the endpoint
     * config or the model is gone.
     */
    private Deployment withImage(Deployment deployment, DescribeEndpointResponse endpoint) {
        Optional<String> image = api.describeEndpointConfig(endpoint.endpointConfigName())
                .filter(c -> c.hasProductionVariants() && !c.productionVariants().isEmpty())
                .flatMap(c -> api.describeModel(c.productionVariants().get(0).modelName()))
                .map(m -> m.primaryContainer() == null ? null : m.primaryContainer().image());
        if (image.isEmpty()) {
            return deployment;
        }
        Map<String, String> attributes = new TreeMap<>(deployment.attributes());
        attributes.put("image", image.get());
        FrameworkImages.standard().identify(image.get()).ifPresent(p -> {
            attributes.put("framework", p.framework());
            attributes.put("frameworkVersion", p.version());
        });
        return new Deployment(deployment.name(), deployment.target(), deployment.variant(), deployment.status(),
                deployment.statusReason(), deployment.specHash(), deployment.endpoint(),
                deployment.createdAt(), deployment.updatedAt(), attributes);
    }

    /** Every endpoint mldeploy made, sorted by name. */
    public List<Deployment> list() {
        List<Deployment> all = new ArrayList<>();
        for (EndpointSummary s : api.listEndpoints(null)) {
            Map<String, String> tags = api.tags(s.endpointArn());
            String name = tags.get(Naming.TAG_NAME);
            if (name == null || !Naming.isManaged(tags, name) || !s.endpointName().equals(Naming.endpointName(name))) {
                continue;
            }
            if (s.endpointStatus() == EndpointStatus.FAILED) {
                api.describeEndpoint(s.endpointName()).ifPresent(d -> all.add(toDeployment(d, tags)));
            } else {
                all.add(new Deployment(name, SageMakerSettings.NAME, tags.getOrDefault(Naming.TAG_MODE, "realtime"),
                        status(s.endpointStatus()), "", tags.get(Naming.TAG_SPEC_HASH), s.endpointArn(),
                        s.creationTime(), s.lastModifiedTime(), Map.of("endpointName", s.endpointName())));
            }
        }
        all.sort(Comparator.comparing(Deployment::name));
        return List.copyOf(all);
    }

    /** The deployment an endpoint and its tags describe. */
    public Deployment toDeployment(DescribeEndpointResponse d, Map<String, String> tags) {
        Map<String, String> attributes = new TreeMap<>();
        attributes.put("endpointName", d.endpointName());
        attributes.put("endpointConfig", d.endpointConfigName());
        if (d.hasProductionVariants() && !d.productionVariants().isEmpty()) {
            attributes.put("variants", d.productionVariants().stream().map(v -> v.variantName()
                    + (v.currentInstanceCount() == null ? "" : "x" + v.currentInstanceCount()))
                    .collect(Collectors.joining(",")));
        }
        Optional.ofNullable(tags.get(Naming.TAG_ARTIFACTS)).ifPresent(a -> attributes.put("artifacts", a));
        boolean failed = d.endpointStatus() == EndpointStatus.FAILED
                || d.endpointStatus() == EndpointStatus.UPDATE_ROLLBACK_FAILED;
        String reason = d.failureReason() == null ? "" : d.failureReason();
        return new Deployment(tags.getOrDefault(Naming.TAG_NAME, d.endpointName()), SageMakerSettings.NAME,
                tags.getOrDefault(Naming.TAG_MODE, "realtime"), status(d.endpointStatus()), failed ? reason : "",
                tags.get(Naming.TAG_SPEC_HASH), d.endpointArn(), d.creationTime(), d.lastModifiedTime(), attributes);
    }

    /** SageMaker's endpoint status in mldeploy's words. */
    static DeploymentStatus status(EndpointStatus s) {
        if (s == null) {
            return DeploymentStatus.FAILED;
        }
        return switch (s) {
            case CREATING -> DeploymentStatus.CREATING;
            case UPDATING, SYSTEM_UPDATING, ROLLING_BACK -> DeploymentStatus.UPDATING;
            case IN_SERVICE -> DeploymentStatus.IN_SERVICE;
            case DELETING -> DeploymentStatus.DELETING;
            case OUT_OF_SERVICE -> DeploymentStatus.STOPPED;
            default -> DeploymentStatus.FAILED;
        };
    }
}
