package dev.mldeploy.sagemaker;

import dev.mldeploy.sagemaker.internal.SageMakerSettings;

/**
 * Captures requests and responses of a real-time endpoint to S3 for model monitoring. Immutable and thread-safe.
 *
 * @param destinationS3Uri   where captures go ({@code s3://bucket/prefix})
 * @param samplingPercentage the percentage of requests captured, 1 to 100
 */
public record DataCaptureSettings(String destinationS3Uri, int samplingPercentage) {
    /** Throws {@link dev.mldeploy.InvalidConfigurationException} saying which value to change. */
    public DataCaptureSettings {
        new SageMakerSettings.DataCapture(destinationS3Uri, samplingPercentage); // checks live with the copy
    }

    public static DataCaptureSettings of(String destinationS3Uri, int samplingPercentage) {
        return new DataCaptureSettings(destinationS3Uri, samplingPercentage);
    }
}
