package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.spi.DeployContext;
import java.time.Duration;
import java.util.Optional;

/** Derives deploy contexts. Not API. */
final class Contexts {
    private Contexts() {
    }

    /** {@code ctx}, or a context with the same listener and clock ending after {@code limit} when that is sooner. */
    static DeployContext bounded(DeployContext ctx, Optional<Duration> limit) {
        if (limit.isEmpty() || limit.get().compareTo(ctx.remaining()) >= 0) {
            return ctx;
        }
        return DeployContext.of(ctx.deploymentName(), ctx.target(), ctx.listener(), limit.get(), ctx.clock());
    }
}
