package dev.mldeploy.lambda.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.RolloutPolicy;
import dev.mldeploy.RolloutRolledBackException;
import dev.mldeploy.aws.AlarmStates;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.spi.DeployContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasConfiguration;
import software.amazon.awssdk.services.lambda.model.AliasRoutingConfiguration;
import software.amazon.awssdk.services.lambda.model.GetAliasResponse;

/**
 * Moves the alias {@value LambdaSettings#ALIAS} from the version it serves to a new one under a {@link RolloutPolicy}:
 * each step sends a share of the requests to the new version ({@code RoutingConfig.AdditionalVersionWeights} while
 * the alias still names the previous version), waits the policy's time while {@link RolloutWatcher} watches the
 * rollback alarms, and the last step names the new version with no routing (then the policy's final bake, watched the
 * same way, if it has one). When an alarm is in ALARM, or the
 * deadline comes, the alias goes back to the previous version with no routing and the deploy fails saying so; when
 * someone moved the alias meanwhile ({@code rollback} during the rollout), the rollout stops and leaves it as they
 * set it. Each move carries the RevisionId the rollout last saw (Lambda refuses a stale one) and the alias is read
 * before each step (for endpoints that ignore RevisionId). During the steps the alias keeps the previous version's
 * spec hash in its description, so a deploy meanwhile does not take the new one for done. Hand-written: Lambda has no
 * managed gradual alias shift outside CodeDeploy. Thread-safe (state is per call).
 */
public final class AliasRollout {
    private static final Logger LOG = LoggerFactory.getLogger(AliasRollout.class);
    private final LambdaClient lambda;
    private final AlarmStates alarms;
    private final RolloutWatcher watcher;

    public AliasRollout(LambdaClient lambda, AlarmStates alarms, Duration pollInterval) {
        this.lambda = lambda;
        this.alarms = alarms;
        this.watcher = new RolloutWatcher(alarms, pollInterval);
    }

    /**
     * Before any AWS call: a rollout whose waits alone outlast the deploy's time left is refused.
     *
     * @throws InvalidConfigurationException the policy cannot finish within the timeout
     */
    public static void checkFits(RolloutPolicy policy, DeployContext ctx) {
        if (policy.totalWait().compareTo(ctx.remaining()) >= 0) {
            throw new InvalidConfigurationException("rollout " + policy + " waits " + policy.totalWait().toSeconds()
                    + " s in all, which does not fit in the deploy's timeout (" + ctx.remaining().toSeconds()
                    + " s left): raise --timeout (DeployOptions.timeout) or choose shorter waits; nothing was "
                    + "changed");
        }
    }

    /**
     * Before any change: the rollback alarms exist and none is in ALARM already (the rollout would be undone at once).
     *
     * @throws InvalidConfigurationException an alarm does not exist
     * @throws dev.mldeploy.ConflictException an alarm is in ALARM now
     */
    public void checkAlarms(RolloutPolicy policy, CallBudget budget) {
        alarms.requireReady(policy.rollbackAlarms(), budget);
    }

    /**
     * Rolls the alias from {@code seen}'s version to {@code version}.
     *
     * @param renewLease called before each move (the deploy lease may outlast a long rollout otherwise)
     * @throws RolloutRolledBackException an alarm fired (the alias is back on the previous version, no routing), or
     *                                    someone moved the alias meanwhile
     * @throws OperationTimeoutException  the deadline came first (the alias is back on the previous version)
     */
    public void roll(String function, String version, String specHash, AliasConfiguration seen,
                     RolloutPolicy policy, Runnable renewLease, CallBudget budget, DeployContext ctx) {
        String previous = seen.functionVersion();
        String previousDescription = seen.description();
        checkFits(policy, ctx);
        Expected expected = new Expected(previous, Map.of());
        String revision = seen.revisionId();
        boolean shifted = false;
        try {
            for (int weight : policy.steps()) {
                GetAliasResponse now = read(function, budget);
                if (!expected.matches(now)) {
                    throw moved(function, version, previous, now);
                }
                renewLease.run();
                boolean last = weight == 100;
                Expected next = last ? new Expected(version, Map.of())
                        : new Expected(previous, Map.of(version, weight / 100.0));
                revision = move(function, next, last ? AliasManager.description(specHash) : previousDescription,
                        revision, budget);
                shifted = !last;
                expected = next;
                String step = weight + "%";  // (the final bake names itself below)
                ctx.progress("rollout", step, last ? "alias " + LambdaSettings.ALIAS + " serves version " + version
                        : "alias " + LambdaSettings.ALIAS + " sends " + weight + " % of the requests to version "
                        + version
                        + ", the rest to version " + previous);
                Duration wait = !last ? policy.waitTime()
                        : policy.kind() == RolloutPolicy.Kind.ALL_AT_ONCE ? policy.waitTime() : policy.finalBake();
                if (wait.isZero()) {
                    continue;
                }
                if (last && policy.kind() != RolloutPolicy.Kind.ALL_AT_ONCE) {
                    step = "100% (final bake)";
                }
                Expected watched = expected;
                RolloutWatcher.Outcome o = watcher.watch(policy.rollbackAlarms(), wait,
                        () -> watched.matches(read(function, budget)), step, budget, ctx);
                switch (o.end()) {
                    case QUIET -> {
                        // next step
                    }
                    case MOVED -> throw moved(function, version, previous, read(function, budget));
                    case ALARM -> {
                        String back = back(function, previous, previousDescription, revision, budget, ctx);
                        throw new RolloutRolledBackException(function, o.alarm(), "rollout " + policy + " of Lambda "
                                + "function " + function + " to version " + version + " was rolled back at " + step
                                + ": alarm " + o.alarm() + " is in ALARM; " + back + ". Version " + version + " stays "
                                + "published: fix the model and deploy again");
                    }
                    case DEADLINE -> {
                        String back = back(function, previous, previousDescription, revision, budget.forCleanup(), ctx);
                        throw new OperationTimeoutException("timed out during rollout " + policy + " of Lambda "
                                + "function " + function + " at " + step + "; " + back + ": raise --timeout "
                                + "(DeployOptions.timeout) and deploy again");
                    }
                    default -> throw new IllegalStateException(o.end().name());
                }
            }
        } catch (RolloutRolledBackException | OperationTimeoutException | dev.mldeploy.ConflictException e) {
            throw e; // each says where the alias is
        } catch (RuntimeException e) {
            if (!shifted) {
                throw e;
            }
            // a failed read or move mid-rollout: do not leave the alias split between the versions
            String back = back(function, previous, previousDescription, revision, budget.forCleanup(), ctx);
            throw new dev.mldeploy.DeploymentFailedException(e.getMessage() + "; the rollout stopped: " + back, e,
                    e instanceof dev.mldeploy.MlDeployException m && m.retryable());
        }
        LOG.debug("rolled {} out to version {} ({})", function, version, policy);
    }

    /** What the rollout set on the alias: the version it names and the routing weights. */
    private record Expected(String version, Map<String, Double> weights) {
        boolean matches(GetAliasResponse a) {
            Map<String, Double> now = a.routingConfig() == null || !a.routingConfig().hasAdditionalVersionWeights()
                    ? Map.of() : a.routingConfig().additionalVersionWeights();
            return version.equals(a.functionVersion()) && weights.equals(now);
        }
    }

    private GetAliasResponse read(String function, CallBudget budget) {
        try {
            return lambda.getAlias(b -> budget.on(b).functionName(function).name(LambdaSettings.ALIAS));
        } catch (RuntimeException e) {
            throw LambdaErrors.failed("reading alias " + LambdaSettings.ALIAS + " of " + function
                    + " during the rollout", e);
        }
    }

    /** Sets the alias to {@code to}; returns its new RevisionId. */
    private String move(String function, Expected to, String description, String revision, CallBudget budget) {
        AliasRoutingConfiguration routing = AliasRoutingConfiguration.builder()
                .additionalVersionWeights(to.weights()).build();
        try {
            return lambda.updateAlias(b -> budget.on(b).functionName(function).name(LambdaSettings.ALIAS)
                    .functionVersion(to.version()).routingConfig(routing).description(description)
                    .revisionId(revision)).revisionId();
        } catch (RuntimeException e) {
            if (LambdaErrors.isConflict(e) || LambdaErrors.isPreconditionFailed(e)) {
                throw LambdaErrors.conflict(function, "alias " + LambdaSettings.ALIAS + " during the rollout", e);
            }
            throw LambdaErrors.failed("moving alias " + LambdaSettings.ALIAS + " of " + function + " to "
                    + (to.weights().isEmpty() ? "version " + to.version() : to.weights() + " of the requests"), e);
        }
    }

    /** Points the alias back at {@code previous} with no routing; says what it did, for the message. */
    private String back(String function, String previous, String description, String revision, CallBudget budget,
                        DeployContext ctx) {
        ctx.progress("rollback", "", "pointing alias " + LambdaSettings.ALIAS + " back at version " + previous
                + " with no routing");
        try {
            move(function, new Expected(previous, Map.of()), description, revision, budget);
        } catch (RuntimeException e) {
            LOG.warn("could not move {} back to version {}: {}", function, previous, e.toString());
            return "moving alias " + LambdaSettings.ALIAS + " back to version " + previous + " failed ("
                    + e.getMessage() + "): run 'mldeploy rollback " + function + "'";
        }
        return "alias " + LambdaSettings.ALIAS + " serves version " + previous + " again, with no routing";
    }

    private static RolloutRolledBackException moved(String function, String version, String previous,
                                                    GetAliasResponse now) {
        String serves = now.functionVersion() + (now.routingConfig() != null
                && now.routingConfig().hasAdditionalVersionWeights()
                && !now.routingConfig().additionalVersionWeights().isEmpty()
                ? " with routing " + now.routingConfig().additionalVersionWeights() : "");
        return new RolloutRolledBackException(function, null, "the rollout of Lambda function " + function
                + " to version " + version + " stopped: alias " + LambdaSettings.ALIAS + " was moved meanwhile "
                + "(a rollback, or a change outside mldeploy) and now serves version " + Objects.toString(serves)
                + (previous.equals(now.functionVersion()) ? " (the previous version)" : "")
                + "; left as it is. Deploy again to roll out again");
    }
}
