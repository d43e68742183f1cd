package dev.mldeploy.sagemaker.internal;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariant;

/**
 * The generation of a deployment kept for rollback: besides the endpoint config the endpoint runs, mldeploy keeps
 * the one it ran before (and its models). Found by listing, not recorded in a tag, so it needs no tag of the
 * user's 50. Stateless. Not API.
 */
final class Generations {
    private Generations() {
    }

    /**
     * A kept generation.
     *
     * @param configName the endpoint config
     * @param models     the models its variants name
     * @param tags       the config's tags (its spec hash among them)
     */
    record Generation(String configName, List<String> models, Map<String, String> tags) {
    }

    /**
     * The newest endpoint config mldeploy made for {@code name} other than {@code current}, with its models; empty
     * when there is none.
     */
    static Optional<Generation> previous(SageMakerApi api, String name, String current) {
        record Found(Generation generation, Instant created) {
        }
        Optional<Found> newest = Optional.empty();
        for (String cfg : api.listEndpointConfigNames(name)) {
            if (cfg.equals(current) || !Naming.isVersionOf(cfg, name)) {
                continue;
            }
            var c = api.describeEndpointConfig(cfg);
            if (c.isEmpty()) {
                continue;
            }
            Map<String, String> tags = api.tags(c.get().endpointConfigArn());
            if (!Naming.isManaged(tags, name)) {
                continue;
            }
            Instant created = c.get().creationTime() == null ? Instant.EPOCH : c.get().creationTime();
            Found f = new Found(new Generation(cfg, c.get().productionVariants().stream()
                    .map(ProductionVariant::modelName).distinct().toList(), tags), created);
            newest = newest.isEmpty() || Comparator.comparing(Found::created).compare(f, newest.get()) > 0
                    ? Optional.of(f) : newest;
        }
        return newest.map(Found::generation);
    }
}
