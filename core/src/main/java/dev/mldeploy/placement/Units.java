package dev.mldeploy.placement;

/**
 * The size units placement uses, binary throughout: 1 KB = 1,024 bytes, 1 MB = 1,048,576 bytes,
 * 1 GB = 1,024 MB. AWS configures Lambda memory, ephemeral storage and SageMaker serverless memory in these
 * units, and the limits tables ({@link LambdaLimits}, {@link SageMakerLimits}) state their sizes in them.
 * A "GB-second" in the price tables is one 1,024 MB gigabyte held for one second.
 *
 * <p>Constants only; thread-safe.
 */
public final class Units {
    /** 1,024 bytes. */
    public static final long KB = 1024L;
    /** 1,048,576 bytes. */
    public static final long MB = 1024L * KB;
    /** 1,073,741,824 bytes. */
    public static final long GB = 1024L * MB;
    /** Megabytes in a gigabyte: 1,024. */
    public static final int MB_PER_GB = 1024;

    private Units() {
    }
}
