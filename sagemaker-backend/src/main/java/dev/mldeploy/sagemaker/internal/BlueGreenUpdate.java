package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.RolloutPolicy;
import dev.mldeploy.RolloutRolledBackException;
import dev.mldeploy.aws.AlarmStates;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.spi.DeployContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sagemaker.model.Alarm;
import software.amazon.awssdk.services.sagemaker.model.AutoRollbackConfig;
import software.amazon.awssdk.services.sagemaker.model.BlueGreenUpdatePolicy;
import software.amazon.awssdk.services.sagemaker.model.CapacitySize;
import software.amazon.awssdk.services.sagemaker.model.CapacitySizeType;
import software.amazon.awssdk.services.sagemaker.model.DeploymentConfig;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.TrafficRoutingConfig;
import software.amazon.awssdk.services.sagemaker.model.TrafficRoutingConfigType;

/**
 * A {@link RolloutPolicy} as SageMaker's own blue/green update (deployment guardrails): the UpdateEndpoint
 * {@code DeploymentConfig} with its traffic routing (ALL_AT_ONCE, CANARY, LINEAR; sizes in CAPACITY_PERCENT), the
 * wait interval, no termination wait, a maximum execution time from the deploy's time left, and
 * {@code AutoRollbackConfiguration} with the rollback alarms; SageMaker shifts the traffic, watches the alarms and
 * rolls back by itself, and mldeploy waits and reports. An update SageMaker rolled back is found by the endpoint being
 * InService on its old config after the wait, and reported as {@link RolloutRolledBackException}. Not API.
 */
final class BlueGreenUpdate {
    private static final Logger LOG = LoggerFactory.getLogger(BlueGreenUpdate.class);
    /** CanarySize: at most half the variant's capacity (SageMaker's TrafficRoutingConfig documentation). */
    static final int MAX_CANARY_PERCENT = 50;
    /** LinearStepSize: 10 to 50 % of the variant's capacity (same documentation). */
    static final int MIN_LINEAR_PERCENT = 10;
    static final int MAX_LINEAR_PERCENT = 50;
    /** MaximumExecutionTimeoutInSeconds' range in the SageMaker model. */
    static final int MIN_EXECUTION_SECONDS = 600;
    static final int MAX_EXECUTION_SECONDS = 28800;

    private BlueGreenUpdate() {
    }

    /**
     * Before any AWS call: the policy is one SageMaker takes for this plan and fits in the deploy's time left.
     *
     * @throws InvalidConfigurationException saying what to change
     */
    static void check(RolloutPolicy policy, DeploymentPlan plan, DeployContext ctx) {
        if (policy.isImmediate()) {
            return;
        }
        if (plan.isServerless()) {
            throw new InvalidConfigurationException("rollout " + policy + " needs SageMaker's deployment "
                    + "guardrails, which serverless endpoints do not have (real-time and asynchronous ones only); "
                    + "drop --rollout/--rollback-alarm or deploy on instances (--instance-type)");
        }
        if (policy.kind() == RolloutPolicy.Kind.CANARY && policy.percent() > MAX_CANARY_PERCENT) {
            throw new InvalidConfigurationException("a SageMaker canary is at most " + MAX_CANARY_PERCENT + " % of "
                    + "the capacity, not " + policy.percent() + " %: give canary:" + MAX_CANARY_PERCENT + ":... or less");
        }
        if (policy.kind() == RolloutPolicy.Kind.LINEAR && (policy.percent() < MIN_LINEAR_PERCENT
                || policy.percent() > MAX_LINEAR_PERCENT)) {
            throw new InvalidConfigurationException("a SageMaker linear step is " + MIN_LINEAR_PERCENT + " to "
                    + MAX_LINEAR_PERCENT + " % of the capacity, not " + policy.percent() + " %: give linear:"
                    + MIN_LINEAR_PERCENT + ":... to linear:" + MAX_LINEAR_PERCENT + ":...");
        }
        if (policy.totalWait().compareTo(ctx.remaining()) >= 0) {
            throw new InvalidConfigurationException("rollout " + policy + " waits " + policy.totalWait().toSeconds()
                    + " s in all, which does not fit in the deploy's timeout (" + ctx.remaining().toSeconds()
                    + " s left): raise --timeout (DeployOptions.timeout, SageMakerTarget operationTimeout) or "
                    + "choose shorter waits; nothing was changed");
        }
    }

    /** The DeploymentConfig for {@code policy}, or empty for the default update (UpdateEndpoint as ever). */
    static Optional<DeploymentConfig> deploymentConfig(RolloutPolicy policy, Duration remaining) {
        if (policy.isImmediate()) {
            return Optional.empty();
        }
        TrafficRoutingConfig.Builder routing = TrafficRoutingConfig.builder()
                .waitIntervalInSeconds((int) policy.waitTime().toSeconds());
        CapacitySize size = CapacitySize.builder().type(CapacitySizeType.CAPACITY_PERCENT).value(policy.percent())
                .build();
        switch (policy.kind()) {
            case ALL_AT_ONCE -> routing.type(TrafficRoutingConfigType.ALL_AT_ONCE);
            case CANARY -> routing.type(TrafficRoutingConfigType.CANARY).canarySize(size);
            case LINEAR -> routing.type(TrafficRoutingConfigType.LINEAR).linearStepSize(size);
            default -> throw new IllegalStateException(policy.kind().name());
        }
        long seconds = Math.max(MIN_EXECUTION_SECONDS, Math.min(MAX_EXECUTION_SECONDS, remaining.toSeconds()));
        DeploymentConfig.Builder config = DeploymentConfig.builder().blueGreenUpdatePolicy(BlueGreenUpdatePolicy
                .builder().trafficRoutingConfiguration(routing.build())
                // the final bake: the old fleet is kept, and the alarms watched, with all traffic on the new one
                .terminationWaitInSeconds((int) policy.finalBake().toSeconds())
                .maximumExecutionTimeoutInSeconds((int) seconds).build());
        if (!policy.rollbackAlarms().isEmpty()) {
            config.autoRollbackConfiguration(AutoRollbackConfig.builder().alarms(policy.rollbackAlarms().stream()
                    .map(a -> Alarm.builder().alarmName(a).build()).toList()).build());
        }
        return Optional.of(config.build());
    }

    /**
     * The failure for an update SageMaker rolled back: the endpoint serves {@code oldConfig} again. The alarm is the
     * one SageMaker's FailureReason names, else one in ALARM now (best effort), else unknown.
     */
    static RolloutRolledBackException rolledBack(String name, DescribeEndpointResponse after, String versioned,
                                                 RolloutPolicy policy, AlarmStates alarms, String note) {
        String reason = EndpointWaiter.reason(after);
        String alarm = policy.rollbackAlarms().stream().filter(reason::contains).findFirst()
                .orElseGet(() -> firing(policy.rollbackAlarms(), alarms));
        return new RolloutRolledBackException(name, alarm, "rollout " + policy + " of sagemaker endpoint "
                + after.endpointName() + " to config " + versioned + " was rolled back by SageMaker"
                + (alarm == null ? "" : " (alarm " + alarm + " is in ALARM)") + ": " + reason + "; the endpoint "
                + "serves config " + after.endpointConfigName() + " again; " + note);
    }

    private static String firing(List<String> names, AlarmStates alarms) {
        if (names.isEmpty() || alarms == null) {
            return null;
        }
        try {
            List<String> now = alarms.inAlarm(names, CallBudget.current().forCleanup());
            return now.isEmpty() ? null : now.get(0);
        } catch (RuntimeException e) {
            LOG.debug("could not read the rollback alarms after a rollback: {}", e.toString());
            return null;
        }
    }
}
