package dev.mldeploy.sagemaker;

import dev.mldeploy.InvalidConfigurationException;
import java.util.Objects;

/**
 * Captures requests and responses of a real-time endpoint to S3 for model monitoring. Immutable and thread-safe.
 *
 * @param destinationS3Uri   where captures go ({@code s3://bucket/prefix})
 * @param samplingPercentage the percentage of requests captured, 1 to 100
 */
public record DataCaptureSettings(String destinationS3Uri, int samplingPercentage) {
    public DataCaptureSettings {
        Objects.requireNonNull(destinationS3Uri, "destinationS3Uri");
        if (!destinationS3Uri.startsWith("s3://") || destinationS3Uri.length() <= "s3://".length()) {
            throw new InvalidConfigurationException("data capture destination '" + destinationS3Uri
                    + "' is not an S3 URI; give s3://bucket/prefix");
        }
        if (samplingPercentage < 1 || samplingPercentage > 100) {
            throw new InvalidConfigurationException("data capture sampling " + samplingPercentage
                    + "% is invalid; use 1 to 100");
        }
    }

    public static DataCaptureSettings of(String destinationS3Uri, int samplingPercentage) {
        return new DataCaptureSettings(destinationS3Uri, samplingPercentage);
    }
}
