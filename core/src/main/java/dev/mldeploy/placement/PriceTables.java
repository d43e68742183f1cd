package dev.mldeploy.placement;

import dev.mldeploy.PlacementOptions;

import dev.mldeploy.Architecture;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Published prices (us-east-1, US dollars) the cost model uses; every figure in one place. Source:
 * {@code aws-facts.md}, "Prices (us-east-1)", unless a comment names another. A "GB-second" is one 1,024 MB
 * gigabyte for one second (see {@link Units}). Constants only; thread-safe.
 */
public final class PriceTables {
    /** Hours in a month, as AWS's pricing calculator counts them. */
    public static final double HOURS_PER_MONTH = PlacementOptions.HOURS_PER_MONTH;

    /** Lambda: per one million requests. */
    public static final BigDecimal LAMBDA_REQUESTS_PER_MILLION = new BigDecimal("0.20");
    /** Lambda duration per GB-second, x86_64. */
    public static final BigDecimal LAMBDA_DURATION_X86_64 = new BigDecimal("0.0000166667");
    /** Lambda duration per GB-second, arm64. */
    public static final BigDecimal LAMBDA_DURATION_ARM64 = new BigDecimal("0.0000133334");
    /** Lambda free tier: requests a month (off by default in estimates). */
    public static final long LAMBDA_FREE_TIER_REQUESTS = 1_000_000L;
    /** Lambda free tier: GB-seconds a month (off by default in estimates). */
    public static final BigDecimal LAMBDA_FREE_TIER_GB_SECONDS = new BigDecimal("400000");
    /** Lambda provisioned concurrency, per GB-second provisioned, x86_64. */
    public static final BigDecimal LAMBDA_PROVISIONED_X86_64 = new BigDecimal("0.0000041667");
    /** Lambda duration while served by provisioned concurrency, per GB-second, x86_64. */
    public static final BigDecimal LAMBDA_PROVISIONED_DURATION_X86_64 = new BigDecimal("0.0000097222");
    /*
     * arm64 provisioned-concurrency prices are not in aws-facts.md. From the AWS Lambda pricing page
     * (https://aws.amazon.com/lambda/pricing/, "Provisioned Concurrency Pricing", Arm price, US East (N. Virginia)),
     * as transcribed identically by several public cost estimators found with the reference search:
     * $0.0000033334 per GB-second provisioned and $0.0000077778 per GB-second of duration (both 20% under x86_64,
     * like on-demand duration). Verify against the page before relying on them.
     */
    /** Lambda provisioned concurrency, per GB-second provisioned, arm64 (AWS pricing page; see source comment). */
    public static final BigDecimal LAMBDA_PROVISIONED_ARM64 = new BigDecimal("0.0000033334");
    /** Lambda duration while served by provisioned concurrency, per GB-second, arm64 (AWS pricing page). */
    public static final BigDecimal LAMBDA_PROVISIONED_DURATION_ARM64 = new BigDecimal("0.0000077778");
    /** Lambda ephemeral storage above the free 512 MB, per GB-second. */
    public static final BigDecimal LAMBDA_EPHEMERAL_STORAGE = new BigDecimal("0.0000000309");

    /** SageMaker serverless inference, per GB-second of configured memory while processing. */
    public static final BigDecimal SAGEMAKER_SERVERLESS = new BigDecimal("0.0000200");

    /**
     * SageMaker real-time instance types mldeploy prices, cheapest first. (aws-facts.md marks the ml.m5.2xlarge and
     * ml.m5.4xlarge prices "check against the AWS pricing page".)
     */
    public static final List<InstanceType> SAGEMAKER_INSTANCES = List.of(
            new InstanceType("ml.t2.medium", new BigDecimal("0.056"), 2, 4, 0, ""),
            new InstanceType("ml.c5.xlarge", new BigDecimal("0.204"), 4, 8, 0, ""),
            new InstanceType("ml.m5.large", new BigDecimal("0.115"), 2, 8, 0, ""),
            new InstanceType("ml.m5.xlarge", new BigDecimal("0.23"), 4, 16, 0, ""),
            new InstanceType("ml.m5.2xlarge", new BigDecimal("0.461"), 8, 32, 0, ""),
            new InstanceType("ml.m5.4xlarge", new BigDecimal("0.922"), 16, 64, 0, ""),
            new InstanceType("ml.g4dn.xlarge", new BigDecimal("0.7364"), 4, 16, 1, "T4 (16 GB)"),
            new InstanceType("ml.g5.xlarge", new BigDecimal("1.4084"), 4, 16, 1, "A10G (24 GB)"))
            .stream().sorted(Comparator.comparing(InstanceType::usdPerHour)).toList();

    private PriceTables() {
    }

    /**
     * A SageMaker instance type and its price.
     *
     * @param name       {@code ml.m5.large}
     * @param usdPerHour on-demand price per instance-hour
     * @param vcpus      virtual CPUs
     * @param memoryGib  memory in GB (1,024 MB)
     * @param gpuCount   GPUs (0 for none)
     * @param gpuKind    the GPU model and its memory, empty for none
     *
     * <p>Immutable; thread-safe.
     */
    public record InstanceType(String name, BigDecimal usdPerHour, int vcpus, int memoryGib, int gpuCount,
                               String gpuKind) {
        public InstanceType {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(usdPerHour, "usdPerHour");
            Objects.requireNonNull(gpuKind, "gpuKind");
            if (vcpus < 1 || memoryGib < 1 || gpuCount < 0) {
                throw new IllegalArgumentException("invalid instance type " + name);
            }
        }

        /** Memory in MB: {@code memoryGib * 1024}. */
        public long memoryMb() {
            return (long) memoryGib * Units.MB_PER_GB;
        }

        public boolean hasGpu() {
            return gpuCount > 0;
        }
    }

    /** The instance type named {@code name}, if the table has it. */
    public static Optional<InstanceType> sageMakerInstance(String name) {
        return SAGEMAKER_INSTANCES.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The names of every instance type in the table, comma-separated, cheapest first. */
    public static String sageMakerInstanceNames() {
        return SAGEMAKER_INSTANCES.stream().map(InstanceType::name).collect(Collectors.joining(", "));
    }

    /** Hours in a month as a decimal. */
    public static BigDecimal hoursPerMonth() {
        return BigDecimal.valueOf(HOURS_PER_MONTH);
    }

    /** Lambda on-demand duration price per GB-second for {@code arch}. */
    public static BigDecimal lambdaDuration(Architecture arch) {
        return arch == Architecture.ARM64 ? LAMBDA_DURATION_ARM64 : LAMBDA_DURATION_X86_64;
    }

    /** Lambda provisioned-concurrency price per GB-second provisioned for {@code arch}. */
    public static BigDecimal lambdaProvisioned(Architecture arch) {
        return arch == Architecture.ARM64 ? LAMBDA_PROVISIONED_ARM64 : LAMBDA_PROVISIONED_X86_64;
    }

    /** Lambda duration price per GB-second while served by provisioned concurrency, for {@code arch}. */
    public static BigDecimal lambdaProvisionedDuration(Architecture arch) {
        return arch == Architecture.ARM64 ? LAMBDA_PROVISIONED_DURATION_ARM64 : LAMBDA_PROVISIONED_DURATION_X86_64;
    }
}
