package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.spi.DeployContext;
import java.time.Duration;

/** Derives deploy contexts. Not API. */
final class Contexts {
    private Contexts() {
    }

    /**
     * {@code ctx}, or a context with the same listener and clock ending after {@code limit} when that is sooner
     * ({@code limit} null: no bound of the target's own).
     */
    static DeployContext bounded(DeployContext ctx, Duration limit) {
        if (limit == null || limit.compareTo(ctx.remaining()) >= 0) {
            return ctx;
        }
        return DeployContext.of(ctx.deploymentName(), ctx.target(), ctx.listener(), limit, ctx.clock())
                .withRollout(ctx.rollout());
    }
}
