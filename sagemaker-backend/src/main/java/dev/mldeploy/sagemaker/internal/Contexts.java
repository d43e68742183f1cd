package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.spi.DeployContext;
import java.time.Duration;

/** Derives deploy contexts. Not API. */
final class Contexts {
    private Contexts() {
    }

    /**
     * {@code ctx}, or a copy of it (the same start, listener, placement, alarms and rollout) ending after
     * {@code limit} when that is sooner ({@code limit} null: no bound of the target's own).
     */
    static DeployContext bounded(DeployContext ctx, Duration limit) {
        return limit == null ? ctx : ctx.boundedBy(limit);
    }
}
