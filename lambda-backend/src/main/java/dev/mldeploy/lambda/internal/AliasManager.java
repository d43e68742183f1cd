package dev.mldeploy.lambda.internal;

import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.NoPreviousVersionException;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.Waiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasConfiguration;
import software.amazon.awssdk.services.lambda.model.AliasRoutingConfiguration;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetProvisionedConcurrencyConfigResponse;
import software.amazon.awssdk.services.lambda.model.ListVersionsByFunctionResponse;
import software.amazon.awssdk.services.lambda.model.ProvisionedConcurrencyStatusEnum;
import software.amazon.awssdk.services.lambda.model.PublishVersionResponse;

/**
 * Versions and the alias {@value LambdaSettings#ALIAS}: publishing a version per change, pointing the alias at it
 * (with the spec hash it serves in its description), provisioned concurrency on the alias, and rollback (the alias
 * back to the previous version). The alias only ever moves to a version whose update finished, so a failed update
 * leaves it on the last good one. Every move is conditional on the alias's RevisionId as this deploy read it, and
 * checked after, so of two deploys at once at most one reports success. Thread-safe.
 */
public final class AliasManager {
    private static final Logger LOG = LoggerFactory.getLogger(AliasManager.class);
    /** Every request to the version the alias names: what a move sets, ending any rollout's weights. */
    static final AliasRoutingConfiguration NO_ROUTING = AliasRoutingConfiguration.builder()
            .additionalVersionWeights(java.util.Map.of()).build();
    private final LambdaClient lambda;
    private final Duration pollInterval;

    public AliasManager(LambdaClient lambda, Duration pollInterval) {
        this.lambda = lambda;
        this.pollInterval = pollInterval;
    }

    static String description(String specHash) {
        return Tags.ALIAS_HASH_PREFIX + specHash;
    }

    /** The alias, or empty when there is none. */
    public Optional<AliasConfiguration> alias(String function, CallBudget budget) {
        try {
            var r = lambda.getAlias(b -> budget.on(b).functionName(function).name(LambdaSettings.ALIAS));
            return Optional.of(AliasConfiguration.builder().aliasArn(r.aliasArn()).name(r.name())
                    .functionVersion(r.functionVersion()).description(r.description()).revisionId(r.revisionId())
                    .routingConfig(r.routingConfig()).build());
        } catch (RuntimeException e) {
            if (LambdaErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw LambdaErrors.failed("reading alias " + LambdaSettings.ALIAS + " of function " + function, e);
        }
    }

    /**
     * Publishes $LATEST as a version recording {@code specHash}, only if $LATEST is still at {@code revisionId} and
     * holds {@code codeSha256} (each may be null: not checked). Lambda refuses otherwise
     * ({@code PreconditionFailedException}), which becomes a {@link dev.mldeploy.ConflictException}.
     */
    public PublishVersionResponse publish(String function, String codeSha256, String revisionId, String specHash,
                                          CallBudget budget, DeployContext ctx) {
        ctx.progress("publish", "", "publishing a version of " + function);
        try {
            return lambda.publishVersion(b -> budget.on(b).functionName(function).codeSha256(codeSha256)
                    .revisionId(revisionId).description(description(specHash)));
        } catch (RuntimeException e) {
            throw LambdaErrors.failed("publishing a version of " + function, e);
        }
    }

    /**
     * Points the alias at {@code version}: creates it when {@code seen} is null (Lambda refuses a second create),
     * otherwise moves it only if it is still as this deploy first read it: Lambda checks {@code seen}'s RevisionId.
     * The same is checked by reading the alias before and after the move (two cheap reads, for endpoints that ignore
     * RevisionId, as the emulator does): if another deploy moved it, or published a later version, this deploy did
     * not win and says so.
     *
     * @throws dev.mldeploy.ConflictException another deploy changed the alias meanwhile
     */
    public void point(String function, String version, String specHash, AliasConfiguration seen, CallBudget budget,
                      DeployContext ctx) {
        ctx.progress("alias", "", "pointing alias " + LambdaSettings.ALIAS + " at version " + version);
        boolean checkByReading = seen != null;
        try {
            if (seen == null) {
                lambda.createAlias(b -> budget.on(b).functionName(function).name(LambdaSettings.ALIAS)
                        .functionVersion(version).description(description(specHash)));
            } else {
                if (checkByReading) {
                    AliasConfiguration now = alias(function, budget).orElse(null);
                    if (now == null || !seen.functionVersion().equals(now.functionVersion())) {
                        throw LambdaErrors.conflict(function, "alias " + LambdaSettings.ALIAS + " (now "
                                + (now == null ? "gone" : "version " + now.functionVersion()) + ")", null);
                    }
                }
                lambda.updateAlias(b -> budget.on(b).functionName(function).name(LambdaSettings.ALIAS)
                        .functionVersion(version).routingConfig(NO_ROUTING).description(description(specHash))
                        .revisionId(seen.revisionId()));
            }
        } catch (RuntimeException e) {
            if (LambdaErrors.isConflict(e)) {
                throw LambdaErrors.conflict(function, "alias " + LambdaSettings.ALIAS, e);
            }
            throw LambdaErrors.failed("pointing alias " + LambdaSettings.ALIAS + " of " + function + " at version "
                    + version, e);
        }
        if (checkByReading) {
            AliasConfiguration after = alias(function, budget).orElse(null);
            long latest = versions(function, budget).stream().mapToLong(v -> Long.parseLong(v.version())).max()
                    .orElse(0);
            if (after == null || !version.equals(after.functionVersion()) || latest > Long.parseLong(version)) {
                throw LambdaErrors.conflict(function, "alias " + LambdaSettings.ALIAS + " (it serves version "
                        + (after == null ? "none" : after.functionVersion()) + ", the latest published is " + latest
                        + ", this deploy published " + version + ")", null);
            }
        }
    }

    /** Sets provisioned concurrency on the alias and waits until it is READY; 0 removes it. */
    public void provision(String function, int executions, boolean hadSome, CallBudget budget, DeployContext ctx) {
        if (executions == 0) {
            if (hadSome) {
                ctx.progress("provisioned-concurrency", "", "removing provisioned concurrency");
                lambda.deleteProvisionedConcurrencyConfig(b -> budget.on(b).functionName(function)
                        .qualifier(LambdaSettings.ALIAS));
            }
            return;
        }
        ctx.progress("provisioned-concurrency", "", "provisioning " + executions + " execution environments");
        lambda.putProvisionedConcurrencyConfig(b -> budget.on(b).functionName(function).qualifier(LambdaSettings.ALIAS)
                .provisionedConcurrentExecutions(executions));
        Waiter.<GetProvisionedConcurrencyConfigResponse>forPhase(ctx, "provisioned-concurrency",
                        "provisioned concurrency of " + function + ":" + LambdaSettings.ALIAS + " READY")
                .interval(pollInterval)
                .poll(() -> lambda.getProvisionedConcurrencyConfig(b -> budget.on(b).functionName(function)
                        .qualifier(LambdaSettings.ALIAS)))
                .status(GetProvisionedConcurrencyConfigResponse::statusAsString)
                .failWhen(r -> r.status() == ProvisionedConcurrencyStatusEnum.FAILED
                        ? new DeploymentFailedException("provisioned concurrency of " + executions + " on "
                        + function + ":" + LambdaSettings.ALIAS + " failed: " + r.statusReason()
                        + "; the alias serves on demand meanwhile; lower --provisioned-concurrency or raise the "
                        + "account's concurrency quota") : null)
                .until(r -> r.status() == ProvisionedConcurrencyStatusEnum.READY)
                .await();
    }

    /** The provisioned concurrency requested on the alias, 0 when none. */
    public int provisioned(String function, CallBudget budget) {
        try {
            Integer n = lambda.getProvisionedConcurrencyConfig(b -> budget.on(b).functionName(function)
                    .qualifier(LambdaSettings.ALIAS)).requestedProvisionedConcurrentExecutions();
            return n == null ? 0 : n;
        } catch (RuntimeException e) {
            if (LambdaErrors.isNotFound(e)) {
                return 0;
            }
            throw LambdaErrors.failed("reading provisioned concurrency of " + function, e);
        }
    }

    /** Every published version (not $LATEST), oldest first. */
    public List<FunctionConfiguration> versions(String function, CallBudget budget) {
        List<FunctionConfiguration> all = new ArrayList<>();
        String marker = null;
        do {
            String m = marker;
            ListVersionsByFunctionResponse page = lambda.listVersionsByFunction(b -> budget.on(b)
                    .functionName(function).marker(m));
            for (FunctionConfiguration v : page.versions()) {
                if (!"$LATEST".equals(v.version())) {
                    all.add(v);
                }
            }
            marker = page.nextMarker();
        } while (marker != null && !marker.isEmpty());
        all.sort((a, b) -> Long.compare(Long.parseLong(a.version()), Long.parseLong(b.version())));
        return all;
    }

    /** Whether the alias splits the requests between two versions: a rollout is under way (or was cut off). */
    static boolean hasRouting(AliasConfiguration a) {
        return a.routingConfig() != null && a.routingConfig().hasAdditionalVersionWeights()
                && !a.routingConfig().additionalVersionWeights().isEmpty();
    }

    /**
     * Rollback during a rollout: every request back to the version the alias names (the previous one), no routing,
     * conditional on the RevisionId just read. The deploy running the rollout holds the deploy lease, so this does
     * not take it; that deploy sees the alias moved, stops, and fails saying so.
     */
    private String[] endRollout(String function, AliasConfiguration alias, CallBudget budget, DeployContext ctx) {
        String to = alias.functionVersion();
        String from = String.join("+", alias.routingConfig().additionalVersionWeights().keySet());
        ctx.progress("rollback", "", "a rollout to version " + from + " is under way: pointing alias "
                + LambdaSettings.ALIAS + " at version " + to + " alone, with no routing");
        try {
            lambda.updateAlias(b -> budget.on(b).functionName(function).name(LambdaSettings.ALIAS)
                    .functionVersion(to).routingConfig(NO_ROUTING).description(alias.description())
                    .revisionId(alias.revisionId()));
        } catch (RuntimeException e) {
            if (LambdaErrors.isConflict(e) || LambdaErrors.isPreconditionFailed(e)) {
                throw LambdaErrors.conflict(function, "alias " + LambdaSettings.ALIAS + " (the rollout moved it "
                        + "meanwhile; roll back again)", e);
            }
            throw LambdaErrors.failed("ending the rollout of " + function + " (alias " + LambdaSettings.ALIAS
                    + " back to version " + to + ")", e);
        }
        AliasConfiguration after = alias(function, budget).orElse(null);
        if (after == null || !to.equals(after.functionVersion()) || hasRouting(after)) {
            throw LambdaErrors.conflict(function, "alias " + LambdaSettings.ALIAS + " (it serves version "
                    + (after == null ? "none" : after.functionVersion() + (hasRouting(after) ? " with routing "
                    + after.routingConfig().additionalVersionWeights() : "")) + " after this rollback set it to "
                    + to + " alone; roll back again)", null);
        }
        LOG.debug("ended the rollout of {}: version {} alone again", function, to);
        return new String[] {from, to};
    }

    /**
     * Moves the alias back to the highest published version below the one it serves, under the deploy lease (so no
     * deploy changes the function meanwhile), conditional on the alias's RevisionId as read under the lease, and read
     * back after.
     *
     * @return {from version, to version}
     * @throws dev.mldeploy.NoPreviousVersionException no alias, or no version before the one it serves
     * @throws dev.mldeploy.ConflictException          a deploy holds the lease, or moved the alias meanwhile
     */
    public String[] rollback(String function, CallBudget budget, DeployContext ctx) {
        Optional<AliasConfiguration> rolling = alias(function, budget).filter(AliasManager::hasRouting);
        if (rolling.isPresent()) {
            return endRollout(function, rolling.get(), budget, ctx);
        }
        try (DeployLock lock = DeployLock.acquire(lambda, function, budget, ctx.clock())) {
            AliasConfiguration alias = alias(function, budget).orElseThrow(() -> new NoPreviousVersionException(
                    function, "Lambda function " + function + " has no alias " + LambdaSettings.ALIAS
                    + " (its first deploy did not finish); nothing to roll back to: deploy it"));
            long current = Long.parseLong(alias.functionVersion());
            FunctionConfiguration previous = null;
            for (FunctionConfiguration v : versions(function, budget)) {
                if (Long.parseLong(v.version()) < current) {
                    previous = v;
                }
            }
            if (previous == null) {
                throw new NoPreviousVersionException(function, "Lambda function " + function + " has no version "
                        + "before " + current + "; nothing to roll back to");
            }
            String version = previous.version();
            String hash = Tags.hashFromDescription(previous.description());
            ctx.progress("rollback", "", "moving alias " + LambdaSettings.ALIAS + " from version " + current + " to "
                    + version);
            try {
                lambda.updateAlias(b -> budget.on(b).functionName(function).name(LambdaSettings.ALIAS)
                        .functionVersion(version).routingConfig(NO_ROUTING).description(description(hash))
                        .revisionId(alias.revisionId()));
            } catch (RuntimeException e) {
                if (LambdaErrors.isConflict(e) || LambdaErrors.isPreconditionFailed(e)) {
                    throw LambdaErrors.conflict(function, "alias " + LambdaSettings.ALIAS, e);
                }
                throw LambdaErrors.failed("moving alias " + LambdaSettings.ALIAS + " of " + function + " back to "
                        + "version " + version, e);
            }
            AliasConfiguration after = alias(function, budget).orElse(null);
            if (after == null || !version.equals(after.functionVersion())) {
                throw LambdaErrors.conflict(function, "alias " + LambdaSettings.ALIAS + " (it serves version "
                        + (after == null ? "none" : after.functionVersion()) + ", this rollback moved it to "
                        + version + ")", null);
            }
            LOG.debug("rolled {} back from version {} to {}", function, current, version);
            return new String[] {Long.toString(current), version};
        }
    }
}
