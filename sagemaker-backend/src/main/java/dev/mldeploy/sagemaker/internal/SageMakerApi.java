package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.aws.CallBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointConfigRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateModelRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointConfigResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeModelResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointSummary;
import software.amazon.awssdk.services.sagemaker.model.ListEndpointConfigsResponse;
import software.amazon.awssdk.services.sagemaker.model.ListEndpointsResponse;
import software.amazon.awssdk.services.sagemaker.model.ListModelsResponse;
import software.amazon.awssdk.services.sagemaker.model.ListTagsResponse;
import software.amazon.awssdk.services.sagemaker.model.Tag;

/**
 * The SageMaker control-plane calls the backend makes, with "not found" turned into empty results and every
 * other failure into an mldeploy exception. Thread-safe. Not API.
 */
public final class SageMakerApi {
    private static final Logger LOG = LoggerFactory.getLogger(SageMakerApi.class);
    private final SageMakerClient client;

    public SageMakerApi(SageMakerClient client) {
        this.client = client;
    }

    public SageMakerClient client() {
        return client;
    }

    /** The client's region (its configuration; no call), for choosing a prebuilt image. */
    public String region() {
        var configuration = client.serviceClientConfiguration();
        if (configuration == null || configuration.region() == null) {
            throw new dev.mldeploy.InvalidConfigurationException("the SageMaker client has no region, which a "
                    + "prebuilt serving image needs; build it with a region or set AWS_REGION");
        }
        return configuration.region().id();
    }

    private static CallBudget budget() {
        return CallBudget.current();
    }

    public void createModel(CreateModelRequest request) {
        call("create model " + request.modelName(), () -> client.createModel(budget().on(request.toBuilder())
                .build()));
    }

    public void createEndpointConfig(CreateEndpointConfigRequest request) {
        call("create endpoint config " + request.endpointConfigName(), () -> client.createEndpointConfig(
                budget().on(request.toBuilder()).build()));
    }

    public void createEndpoint(CreateEndpointRequest request) {
        call("create endpoint " + request.endpointName(), () -> client.createEndpoint(
                budget().on(request.toBuilder()).build()));
    }

    public void updateEndpoint(String endpoint, String config) {
        call("update endpoint " + endpoint, () -> client.updateEndpoint(r -> budget().on(r.endpointName(endpoint)
                .endpointConfigName(config))));
    }

    /** UpdateEndpoint with SageMaker's blue/green {@code deployment} (traffic routing, auto-rollback alarms). */
    public void updateEndpoint(String endpoint, String config,
                               software.amazon.awssdk.services.sagemaker.model.DeploymentConfig deployment) {
        call("update endpoint " + endpoint, () -> client.updateEndpoint(r -> budget().on(r.endpointName(endpoint)
                .endpointConfigName(config).deploymentConfig(deployment))));
    }

    public void addTags(String arn, List<Tag> tags) {
        call("tag " + arn, () -> client.addTags(r -> budget().on(r.resourceArn(arn).tags(tags))));
    }

    public Optional<DescribeEndpointResponse> describeEndpoint(String name) {
        return find("describe endpoint " + name, () -> client.describeEndpoint(r -> budget().on(r.endpointName(name))));
    }

    public Optional<DescribeEndpointConfigResponse> describeEndpointConfig(String name) {
        return find("describe endpoint config " + name,
                () -> client.describeEndpointConfig(r -> budget().on(r.endpointConfigName(name))));
    }

    public Optional<DescribeModelResponse> describeModel(String name) {
        return find("describe model " + name, () -> client.describeModel(r -> budget().on(r.modelName(name))));
    }

    /** The resource's tags; empty when it is gone. */
    public Map<String, String> tags(String arn) {
        Map<String, String> tags = new java.util.LinkedHashMap<>();
        String token = null;
        do {
            String t = token;
            Optional<ListTagsResponse> page = find("list tags of " + arn,
                    () -> client.listTags(r -> budget().on(r.resourceArn(arn).nextToken(t))));
            if (page.isEmpty()) {
                return Map.of();
            }
            tags.putAll(Naming.toMap(page.get().tags()));
            token = page.get().nextToken();
        } while (token != null);
        return tags;
    }

    /** Every endpoint (all pages). */
    public List<EndpointSummary> listEndpoints(String nameContains) {
        List<EndpointSummary> all = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            ListEndpointsResponse page = call("list endpoints", () -> client.listEndpoints(r -> {
                budget().on(r.nextToken(t).maxResults(100));
                if (nameContains != null) {
                    r.nameContains(nameContains);
                }
            }));
            all.addAll(page.endpoints());
            token = page.nextToken();
        } while (token != null);
        return all;
    }

    /** The names of models whose name contains {@code nameContains} (all pages). */
    public List<String> listModelNames(String nameContains) {
        List<String> all = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            ListModelsResponse page = call("list models", () -> client.listModels(r -> budget().on(r
                    .nameContains(nameContains).nextToken(t).maxResults(100))));
            page.models().forEach(m -> all.add(m.modelName()));
            token = page.nextToken();
        } while (token != null);
        return all;
    }

    /** The names of endpoint configs whose name contains {@code nameContains} (all pages). */
    public List<String> listEndpointConfigNames(String nameContains) {
        List<String> all = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            ListEndpointConfigsResponse page = call("list endpoint configs", () -> client.listEndpointConfigs(r ->
                    budget().on(r.nameContains(nameContains).nextToken(t).maxResults(100))));
            page.endpointConfigs().forEach(c -> all.add(c.endpointConfigName()));
            token = page.nextToken();
        } while (token != null);
        return all;
    }

    /** Deletes the endpoint; false when it was already gone. */
    public boolean deleteEndpoint(String name) {
        return delete("delete endpoint " + name, () -> client.deleteEndpoint(r -> budget().on(r.endpointName(name))));
    }

    /** Deletes the endpoint config; false when it was already gone. */
    public boolean deleteEndpointConfig(String name) {
        return delete("delete endpoint config " + name,
                () -> client.deleteEndpointConfig(r -> budget().on(r.endpointConfigName(name))));
    }

    /** Deletes the model; false when it was already gone. */
    public boolean deleteModel(String name) {
        return delete("delete model " + name, () -> client.deleteModel(r -> budget().on(r.modelName(name))));
    }

    /**
     * Deletes what a failed deploy left, without throwing: the failure being handled matters more than a
     * cleanup error, which is logged at WARN.
     */
    public void deleteQuietly(String what, Runnable delete) {
        try {
            delete.run();
        } catch (RuntimeException e) {
            LOG.warn("could not remove {} after a failed deploy ({}); undeploy removes it", what, e.toString());
        }
    }

    /** Runs {@code call}; any SDK failure becomes an mldeploy exception naming {@code action}. */
    public static <T> T call(String action, Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw ErrorTranslator.translate(action, e);
        }
    }

    private static <T> Optional<T> find(String action, Supplier<T> call) {
        try {
            return Optional.of(call.get());
        } catch (SdkException e) {
            if (ErrorTranslator.isNotFound(e)) {
                return Optional.empty();
            }
            throw ErrorTranslator.translate(action, e);
        }
    }

    private static boolean delete(String action, Runnable call) {
        try {
            call.run();
            return true;
        } catch (SdkException e) {
            if (ErrorTranslator.isNotFound(e)) {
                return false;
            }
            throw ErrorTranslator.translate(action, e);
        }
    }
}
