package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.aws.CallBudget;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.DescribeScalableTargetsResponse;
import software.amazon.awssdk.services.applicationautoscaling.model.DescribeScalingPoliciesResponse;
import software.amazon.awssdk.services.applicationautoscaling.model.MetricType;
import software.amazon.awssdk.services.applicationautoscaling.model.PolicyType;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;

/**
 * Application Auto Scaling for an endpoint's variants: registers each variant as a scalable target with a
 * target-tracking policy on {@code SageMakerVariantInvocationsPerInstance}, snapshots and removes what is
 * registered (an update needs the variants deregistered), and restores a snapshot. Thread-safe. Not API.
 */
public final class Autoscaler {
    private static final Logger LOG = LoggerFactory.getLogger(Autoscaler.class);
    private final ApplicationAutoScalingClient client;

    public Autoscaler(ApplicationAutoScalingClient client) {
        this.client = client;
    }

    /** What is registered for one endpoint: its scalable targets and their policies. */
    public record Snapshot(List<ScalableTarget> targets, List<ScalingPolicy> policies) {
        public Snapshot {
            targets = List.copyOf(targets);
            policies = List.copyOf(policies);
        }

        public boolean isEmpty() {
            return targets.isEmpty() && policies.isEmpty();
        }
    }

    /** Registers {@code variants} of {@code endpoint} between min and max, with the target-tracking policy. */
    public void apply(String endpoint, List<String> variants, SageMakerSettings.Autoscaling settings) {
        for (String variant : variants) {
            String resourceId = Naming.scalingResourceId(endpoint, variant);
            SageMakerApi.call("register " + resourceId + " with Application Auto Scaling", () ->
                    client.registerScalableTarget(r -> budget().on(r.serviceNamespace(ServiceNamespace.SAGEMAKER)
                            .resourceId(resourceId).scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)
                            .minCapacity(settings.minInstances()).maxCapacity(settings.maxInstances()))));
            SageMakerApi.call("put the scaling policy of " + resourceId, () ->
                    client.putScalingPolicy(r -> budget().on(r).policyName(Naming.SCALING_POLICY)
                            .serviceNamespace(ServiceNamespace.SAGEMAKER).resourceId(resourceId)
                            .scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)
                            .policyType(PolicyType.TARGET_TRACKING_SCALING)
                            .targetTrackingScalingPolicyConfiguration(c -> c
                                    .targetValue(settings.targetInvocationsPerInstance())
                                    .predefinedMetricSpecification(m -> m.predefinedMetricType(
                                            MetricType.SAGE_MAKER_VARIANT_INVOCATIONS_PER_INSTANCE)))));
            LOG.debug("autoscaling {} between {} and {} instances", resourceId, settings.minInstances(),
                    settings.maxInstances());
        }
    }

    /** What is registered for {@code endpoint}'s variants. */
    public Snapshot snapshot(String endpoint) {
        String prefix = Naming.scalingResourcePrefix(endpoint);
        List<ScalableTarget> targets = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            DescribeScalableTargetsResponse page = SageMakerApi.call("describe scalable targets", () ->
                    client.describeScalableTargets(r -> budget().on(r.serviceNamespace(ServiceNamespace.SAGEMAKER).nextToken(t))));
            page.scalableTargets().stream().filter(s -> s.resourceId().startsWith(prefix)).forEach(targets::add);
            token = page.nextToken();
        } while (token != null);
        List<ScalingPolicy> policies = new ArrayList<>();
        token = null;
        do {
            String t = token;
            DescribeScalingPoliciesResponse page = SageMakerApi.call("describe scaling policies", () ->
                    client.describeScalingPolicies(r -> budget().on(r.serviceNamespace(ServiceNamespace.SAGEMAKER).nextToken(t))));
            page.scalingPolicies().stream().filter(p -> p.resourceId().startsWith(prefix)).forEach(policies::add);
            token = page.nextToken();
        } while (token != null);
        return new Snapshot(targets, policies);
    }

    /** Deletes the policies and deregisters the targets in {@code snapshot}; gone ones are skipped. */
    public void remove(Snapshot snapshot) {
        for (ScalingPolicy p : snapshot.policies()) {
            ignoreNotFound(() -> client.deleteScalingPolicy(r -> budget().on(r).policyName(p.policyName())
                    .serviceNamespace(p.serviceNamespace()).resourceId(p.resourceId())
                    .scalableDimension(p.scalableDimension())), "delete scaling policy " + p.policyName());
        }
        for (ScalableTarget t : snapshot.targets()) {
            ignoreNotFound(() -> client.deregisterScalableTarget(r -> budget().on(r).serviceNamespace(t.serviceNamespace())
                    .resourceId(t.resourceId()).scalableDimension(t.scalableDimension())),
                    "deregister scalable target " + t.resourceId());
        }
    }

    /** Registers again what {@code snapshot} holds (after a failed update). */
    public void restore(Snapshot snapshot) {
        for (ScalableTarget t : snapshot.targets()) {
            SageMakerApi.call("register " + t.resourceId() + " again", () -> client.registerScalableTarget(r -> budget().on(r)
                    .serviceNamespace(t.serviceNamespace()).resourceId(t.resourceId())
                    .scalableDimension(t.scalableDimension()).minCapacity(t.minCapacity())
                    .maxCapacity(t.maxCapacity())));
        }
        for (ScalingPolicy p : snapshot.policies()) {
            SageMakerApi.call("put scaling policy " + p.policyName() + " again", () -> client.putScalingPolicy(r -> budget().on(r)
                    .policyName(p.policyName()).serviceNamespace(p.serviceNamespace()).resourceId(p.resourceId())
                    .scalableDimension(p.scalableDimension()).policyType(p.policyType())
                    .targetTrackingScalingPolicyConfiguration(p.targetTrackingScalingPolicyConfiguration())
                    .stepScalingPolicyConfiguration(p.stepScalingPolicyConfiguration())));
        }
    }

    private static CallBudget budget() {
        return CallBudget.current();
    }

    private static void ignoreNotFound(Runnable call, String action) {
        try {
            call.run();
        } catch (SdkException e) {
            if (!ErrorTranslator.isNotFound(e)) {
                throw ErrorTranslator.translate(action, e);
            }
        }
    }
}
