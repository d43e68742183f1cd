package dev.mldeploy;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What CloudWatch recorded for a deployment over a window ({@link ModelDeployer#metrics}), one entry per variant or
 * version/alias.
 *
 * @param name     the deployment
 * @param target   its target
 * @param start    the window's start
 * @param end      the window's end
 * @param variants the figures, one per variant (SageMaker) or alias and version (Lambda)
 */
public record DeploymentMetrics(String name, String target, Instant start, Instant end,
                                List<VariantMetrics> variants) {
    public DeploymentMetrics {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        variants = List.copyOf(variants);
    }
}
