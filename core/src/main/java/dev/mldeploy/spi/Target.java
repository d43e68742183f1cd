package dev.mldeploy.spi;

import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentMetrics;
import dev.mldeploy.LogEvent;
import dev.mldeploy.LogQuery;
import dev.mldeploy.MetricsQuery;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.NotSupportedException;
import dev.mldeploy.RollbackResult;
import java.util.List;
import java.util.Optional;

/**
 * A configured target: what a backend implements. Must be thread-safe.
 *
 * <p>Contract every implementation keeps (the compatibility kit checks it: a target's tests extend
 * {@code dev.mldeploy.kit.TargetContractKit} from the artifact {@code dev.mldeploy:mldeploy-test-kit}, test scope):
 * <ul>
 *   <li>{@code deploy} is idempotent: for a spec whose fingerprint ({@link dev.mldeploy.bundle.SpecFingerprint}) equals the deployed
 *       one it makes no mutating call and returns {@code UNCHANGED}; a changed spec updates in place.</li>
 *   <li>State lives with the target (tags, a state directory), never only in this object.</li>
 *   <li>A deploy that fails removes what it created, or leaves it reusable, so a retry succeeds.</li>
 *   <li>Waits report progress through {@link DeployContext} and honour its deadline and interrupts.</li>
 * </ul>
 */
public interface Target extends AutoCloseable {

    /** The target's name, the same as its provider's. */
    String name();

    DeployResult deploy(ModelSpec spec, DeployContext context);

    Optional<Deployment> describe(String name);

    /** Every deployment mldeploy made on this target, sorted by name. */
    List<Deployment> list();

    /**
     * Removes the deployment and everything mldeploy created for it.
     *
     * @return whether there was anything to remove
     */
    boolean undeploy(String name, DeployContext context);

    /**
     * Moves the deployment named {@code name} back to the version it ran before its last change. A capability: a
     * target that keeps no earlier version leaves this default, which refuses before any change.
     *
     * @throws NotSupportedException                     this target cannot roll back
     * @throws dev.mldeploy.DeploymentNotFoundException  there is no such deployment
     * @throws dev.mldeploy.NoPreviousVersionException   there is no earlier version, or it cannot be restored
     */
    default RollbackResult rollback(String name, DeployContext context) {
        throw new NotSupportedException(name(), "rollback", "target " + name() + " cannot roll back deployments; "
                + "deploy the version you want instead");
    }

    /**
     * What the target's monitoring recorded for the deployment named {@code name} over the query's window, per variant
     * or version. A capability: a target without metrics leaves this default, which refuses.
     *
     * @throws NotSupportedException                     this target records no metrics
     * @throws dev.mldeploy.DeploymentNotFoundException  there is no such deployment
     * @throws dev.mldeploy.OperationTimeoutException    reading took longer than the query's timeout
     */
    default DeploymentMetrics metrics(String name, MetricsQuery query) {
        throw new NotSupportedException(name(), "metrics", "target " + name() + " records no metrics; deploy to "
                + "sagemaker or lambda to get CloudWatch metrics");
    }

    /**
     * The newest lines (at most the query's limit) the deployment named {@code name} wrote to its own log since the
     * query's start, oldest first. A capability: a target that keeps no log leaves this default, which refuses.
     *
     * @throws NotSupportedException                     this target keeps no log
     * @throws dev.mldeploy.DeploymentNotFoundException  there is no such deployment and no log of one
     * @throws dev.mldeploy.OperationTimeoutException    reading took longer than the query's timeout
     */
    default List<LogEvent> logs(String name, LogQuery query) {
        throw new NotSupportedException(name(), "logs", "target " + name() + " keeps no log of its deployments");
    }

    /**
     * An invoker for the deployment named {@code name}.
     *
     * @throws dev.mldeploy.DeploymentNotFoundException there is none
     */
    Invoker invoker(String name);

    /** Releases what the target holds (SDK clients it built); never removes deployments. */
    @Override
    void close();
}
