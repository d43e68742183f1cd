package dev.mldeploy.aws;

import dev.mldeploy.ConflictException;
import dev.mldeploy.InvalidConfigurationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.AlarmType;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;

/**
 * Reads the state (OK, ALARM, INSUFFICIENT_DATA) of named CloudWatch alarms, metric and composite, with one
 * DescribeAlarms call per {@value #PAGE} names: what a rollout watches. The states are read from each alarm's
 * StateValue rather than filtered with the request's StateValue, so one call also shows which alarms are missing.
 * Only reads; making alarms is the monitoring's job. Thread-safe.
 */
public final class AlarmStates {
    /** The state that rolls a rollout back. */
    public static final String ALARM = "ALARM";
    /** Most names one DescribeAlarms takes (its AlarmNames list). */
    static final int PAGE = 100;
    private static final String BUILDER = "the target's builder (cloudWatchClient, region, credentials)";

    private final CloudWatchClient cloudWatch;

    public AlarmStates(CloudWatchClient cloudWatch) {
        this.cloudWatch = Objects.requireNonNull(cloudWatch, "cloudWatch");
    }

    /**
     * The state of each of {@code names} that exists, in the order given; an alarm that does not exist is absent.
     */
    public Map<String, String> states(List<String> names, CallBudget budget) {
        Map<String, String> found = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i += PAGE) {
            List<String> page = names.subList(i, Math.min(names.size(), i + PAGE));
            String token = null;
            do {
                String t = token;
                DescribeAlarmsResponse r;
                try {
                    r = cloudWatch.describeAlarms(b -> budget.on(b).alarmNames(page)
                            .alarmTypes(AlarmType.METRIC_ALARM, AlarmType.COMPOSITE_ALARM).nextToken(t));
                } catch (SdkException e) {
                    throw AwsErrors.translate("reading the state of CloudWatch alarms " + page, e, BUILDER);
                }
                r.metricAlarms().forEach(a -> found.put(a.alarmName(), a.stateValueAsString()));
                r.compositeAlarms().forEach(a -> found.put(a.alarmName(), a.stateValueAsString()));
                token = r.nextToken();
            } while (token != null && !token.isEmpty());
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        names.stream().filter(found::containsKey).forEach(n -> ordered.put(n, found.get(n)));
        return ordered;
    }

    /** Those of {@code names} in ALARM now, in the order given. */
    public List<String> inAlarm(List<String> names, CallBudget budget) {
        List<String> firing = new ArrayList<>();
        states(names, budget).forEach((n, s) -> {
            if (ALARM.equals(s)) {
                firing.add(n);
            }
        });
        return firing;
    }

    /**
     * Checks, before a rollout relies on them, that every one of {@code names} exists and none is in ALARM already
     * (the rollout would be rolled back at once). One DescribeAlarms call per {@value #PAGE} names.
     *
     * @throws InvalidConfigurationException naming each alarm that does not exist
     * @throws ConflictException             naming an alarm in ALARM now
     */
    public void requireReady(List<String> names, CallBudget budget) {
        if (names.isEmpty()) {
            return;
        }
        Map<String, String> found = requireExisting(names, budget);
        found.forEach((n, s) -> {
            if (ALARM.equals(s)) {
                throw new ConflictException("rollback alarm " + n + " is in ALARM before the rollout started, so "
                        + "the update would be rolled back at once; nothing was changed: deploy when it is OK, or "
                        + "leave it out of --rollback-alarm");
            }
        });
    }

    /**
     * Checks that every one of {@code names} exists, before a rollout relies on them; returns their states.
     *
     * @throws InvalidConfigurationException naming each alarm that does not exist
     */
    public Map<String, String> requireExisting(List<String> names, CallBudget budget) {
        if (names.isEmpty()) {
            return Map.of();
        }
        Map<String, String> found = states(names, budget);
        List<String> missing = names.stream().filter(n -> !found.containsKey(n)).toList();
        if (!missing.isEmpty()) {
            throw new InvalidConfigurationException("rollback alarm" + (missing.size() == 1 ? " " : "s ") + missing
                    + (missing.size() == 1 ? " does" : " do") + " not exist in CloudWatch (in this account and "
                    + "region); create " + (missing.size() == 1 ? "it" : "them") + " first (PutMetricAlarm, or "
                    + "deploy --alarms) or correct --rollback-alarm; nothing was changed");
        }
        return found;
    }
}
