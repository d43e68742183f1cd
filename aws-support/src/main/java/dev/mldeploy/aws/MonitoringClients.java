package dev.mldeploy.aws;

import java.util.Optional;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/**
 * The caller's CloudWatch and CloudWatch Logs clients for a target's metrics, logs, alarms and rollback alarms,
 * either or both absent (a target then builds its own from its region and credentials). Given clients are used as
 * they are and never closed by mldeploy. Immutable.
 *
 * @param cloudWatch the CloudWatch client, or null
 * @param logs       the CloudWatch Logs client, or null
 */
public record MonitoringClients(CloudWatchClient cloudWatch, CloudWatchLogsClient logs) {
    /** No client given. */
    public static final MonitoringClients NONE = new MonitoringClients(null, null);

    /** A copy with {@code client} as the CloudWatch client. */
    public MonitoringClients withCloudWatch(CloudWatchClient client) {
        return new MonitoringClients(client, logs);
    }

    /** A copy with {@code client} as the CloudWatch Logs client. */
    public MonitoringClients withLogs(CloudWatchLogsClient client) {
        return new MonitoringClients(cloudWatch, client);
    }

    public Optional<CloudWatchClient> cloudWatchClient() {
        return Optional.ofNullable(cloudWatch);
    }

    public Optional<CloudWatchLogsClient> logsClient() {
        return Optional.ofNullable(logs);
    }
}
