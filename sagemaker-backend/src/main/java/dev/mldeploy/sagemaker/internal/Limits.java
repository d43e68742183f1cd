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

    /**
     * Instance families with local NVMe instance storage, for which SageMaker refuses a {@code KmsKeyId}.
     * Source: botocore's {@code sagemaker/2017-07-24/service-2.json}, {@code CreateEndpointConfigInput.KmsKeyId}
     * ("You can't request a KmsKeyId when using an instance type with local storage ... the call to
     * CreateEndpointConfig fails"), which points at the Amazon EC2 User Guide table "Instance store volumes"
     * (docs.aws.amazon.com/AWSEC2/latest/UserGuide/InstanceStorage.html#instance-store-volumes); the families
     * below are those of that table that SageMaker hosting offers.
     */
    public static final java.util.Set<String> LOCAL_STORAGE_FAMILIES = java.util.Set.of(
            "m5d", "c5d", "r5d", "m6gd", "c6gd", "r6gd", "m6id", "c6id", "r6id", "m7gd", "c7gd", "r7gd",
            "g4dn", "g4ad", "g5", "g6", "g6e", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en", "trn1", "trn1n", "dl1");
    /** Longest artifact key prefix, so that mldeploy's artifacts tag stays within SageMaker's 256 characters. */
    public static final int MAX_ARTIFACT_PREFIX = 100;

    private Limits() {
    }

    /** Whether {@code instanceType} ({@code ml.<family>.<size>}) has local instance storage. */
    public static boolean hasInstanceStorage(String instanceType) {
        if (instanceType == null) {
            return false;
        }
        String[] parts = instanceType.split("\\.");
        return parts.length == 3 && "ml".equals(parts[0]) && LOCAL_STORAGE_FAMILIES.contains(parts[1]);
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
