package dev.mldeploy.sagemaker.internal;

/** SageMaker's limits that the backend checks, in one place. Not API. */
public final class Limits {
    /** Real-time InvokeEndpoint request body limit (6 MB). */
    public static final long REALTIME_MAX_REQUEST_BYTES = 6L * 1024 * 1024;
    /** Serverless InvokeEndpoint request body limit (4 MB). */
    public static final long SERVERLESS_MAX_REQUEST_BYTES = 4L * 1024 * 1024;
    /** Longest SageMaker model, endpoint-config and endpoint name. */
    public static final int MAX_RESOURCE_NAME = 63;
    /** S3's smallest multipart part (but the last). */
    public static final long MIN_PART_BYTES = 5L * 1024 * 1024;
    /** S3's most parts per upload. */
    public static final int MAX_PARTS = 10_000;

    private Limits() {
    }

    /** Whether {@code instanceType} has a GPU (the ml.g*, ml.p* and ml.inf/trn families count as accelerated). */
    public static boolean isGpuInstance(String instanceType) {
        if (instanceType == null || !instanceType.startsWith("ml.")) {
            return false;
        }
        String family = instanceType.substring(3);
        return family.startsWith("g") || family.startsWith("p");
    }
}
