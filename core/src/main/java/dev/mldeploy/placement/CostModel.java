package dev.mldeploy.placement;

import dev.mldeploy.CostEstimate;
import dev.mldeploy.CostItem;

import dev.mldeploy.Architecture;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The monthly cost arithmetic of every profile, from {@link PriceTables}; exact decimals until {@link CostItem}
 * rounds each line to the cent. Stateless; thread-safe.
 *
 * <p>Lambda:
 * <ul>
 *   <li>requests: requests x $0.20 per million;</li>
 *   <li>duration: requests x the average inference time rounded up to 1 ms x memory GB x the price of the
 *       architecture;</li>
 *   <li>free tier (only when asked): 1M requests and 400,000 GB-s subtracted, never below zero; not applied with
 *       provisioned concurrency, which AWS's free tier does not cover;</li>
 *   <li>provisioned concurrency: count x memory GB x provisioned hours x 3,600 s x the provisioned price. It serves
 *       the provisioned-hours share of the month's requests ({@code requests x hours / 730}, rounded down), but
 *       never more than its capacity ({@code count x hours x 3,600 s / billed seconds per request}); those are
 *       billed at the provisioned-duration price, the rest at the on-demand one;</li>
 *   <li>ephemeral storage: (storage MB - 512) / 1,024 GB x requests x billed seconds x the storage price.</li>
 * </ul>
 * SageMaker real-time: 730 h x instance count x the instance type's hourly price. SageMaker serverless:
 * requests x the average inference time rounded up to 1 ms x the memory setting in GB x $0.00002.
 */
final class CostModel {
    static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    static final BigDecimal SECONDS_PER_HOUR = BigDecimal.valueOf(3600);
    private static final BigDecimal MB_PER_GB = BigDecimal.valueOf(Units.MB_PER_GB);
    private static final BigDecimal MS_PER_S = BigDecimal.valueOf(1000);

    private CostModel() {
    }

    /** What a Lambda estimate needs. Memory and storage are the configured (clamped-up) settings. */
    record LambdaInput(long requests, Duration averageInferenceTime, int memoryMb, int ephemeralStorageMb,
                       Architecture architecture, boolean freeTier, int provisionedConcurrency,
                       double provisionedHours) {
    }

    /** An estimate and what to know about how it was made. */
    record Estimate(CostEstimate cost, List<String> notes) {
    }

    /** The average time rounded up to a whole millisecond, as Lambda bills it. */
    static long billedMillis(Duration d) {
        long ms = d.toMillis();
        return d.minusMillis(ms).isZero() ? ms : ms + 1;
    }

    static BigDecimal gb(long mb) {
        return BigDecimal.valueOf(mb).divide(MB_PER_GB); // exact: 1,024 is a power of two
    }

    static Estimate lambda(LambdaInput in) {
        List<CostItem> items = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String arch = in.architecture().awsName();
        long billedMs = billedMillis(in.averageInferenceTime());
        BigDecimal seconds = BigDecimal.valueOf(billedMs).divide(MS_PER_S);
        BigDecimal memGb = gb(in.memoryMb());
        BigDecimal hours = BigDecimal.valueOf(in.provisionedHours());
        boolean provisioned = in.provisionedConcurrency() > 0 && in.provisionedHours() > 0;
        boolean freeTier = in.freeTier() && !provisioned;
        if (in.freeTier() && provisioned) {
            notes.add("free tier not applied: AWS's Lambda free tier does not cover functions with provisioned "
                    + "concurrency");
        }

        long requests = in.requests();
        if (freeTier) {
            long billable = Math.max(0, requests - PriceTables.LAMBDA_FREE_TIER_REQUESTS);
            items.add(CostItem.of("Lambda requests: " + Fmt.num(requests) + " - "
                    + Fmt.num(PriceTables.LAMBDA_FREE_TIER_REQUESTS) + " free = " + Fmt.num(billable) + " x "
                    + Fmt.price(PriceTables.LAMBDA_REQUESTS_PER_MILLION) + " per 1M",
                    BigDecimal.valueOf(billable).multiply(PriceTables.LAMBDA_REQUESTS_PER_MILLION).divide(MILLION)));
        } else {
            items.add(CostItem.of("Lambda requests: " + Fmt.num(requests) + " x "
                    + Fmt.price(PriceTables.LAMBDA_REQUESTS_PER_MILLION) + " per 1M",
                    BigDecimal.valueOf(requests).multiply(PriceTables.LAMBDA_REQUESTS_PER_MILLION).divide(MILLION)));
        }

        long servedByProvisioned = 0;
        if (provisioned) {
            BigDecimal count = BigDecimal.valueOf(in.provisionedConcurrency());
            BigDecimal gbSeconds = count.multiply(memGb).multiply(hours).multiply(SECONDS_PER_HOUR);
            BigDecimal price = PriceTables.lambdaProvisioned(in.architecture());
            items.add(CostItem.of("Lambda provisioned concurrency (" + arch + "): " + Fmt.num(count) + " x "
                    + Fmt.num(memGb) + " GB x " + Fmt.num(hours) + " h x 3,600 s = " + Fmt.num(gbSeconds)
                    + " GB-s x " + Fmt.price(price), gbSeconds.multiply(price)));
            long share = BigDecimal.valueOf(requests).multiply(hours)
                    .divide(PriceTables.hoursPerMonth(), 0, RoundingMode.FLOOR).longValueExact();
            long capacity = count.multiply(hours).multiply(SECONDS_PER_HOUR).multiply(MS_PER_S)
                    .divide(BigDecimal.valueOf(billedMs), 0, RoundingMode.FLOOR).longValue();
            servedByProvisioned = Math.min(share, capacity);
            BigDecimal pcGbSeconds = BigDecimal.valueOf(servedByProvisioned).multiply(seconds).multiply(memGb);
            BigDecimal pcPrice = PriceTables.lambdaProvisionedDuration(in.architecture());
            items.add(CostItem.of("Lambda duration on provisioned concurrency (" + arch + "): "
                    + Fmt.num(servedByProvisioned) + " requests x " + Fmt.num(seconds) + " s x " + Fmt.num(memGb)
                    + " GB = " + Fmt.num(pcGbSeconds) + " GB-s x " + Fmt.price(pcPrice),
                    pcGbSeconds.multiply(pcPrice)));
            notes.add("provisioned concurrency serves " + Fmt.num(servedByProvisioned) + " of "
                    + Fmt.num(requests) + " requests: the provisioned hours' share of the month (" + Fmt.num(hours)
                    + " of " + Fmt.num(PriceTables.hoursPerMonth()) + " h), at most its capacity ("
                    + Fmt.num(capacity) + " requests of " + Fmt.num(billedMs) + " ms)");
        }

        long onDemand = requests - servedByProvisioned;
        BigDecimal gbSeconds = BigDecimal.valueOf(onDemand).multiply(seconds).multiply(memGb);
        BigDecimal price = PriceTables.lambdaDuration(in.architecture());
        String what = "Lambda duration (" + arch + "): " + Fmt.num(onDemand) + " requests x " + Fmt.num(seconds)
                + " s x " + Fmt.num(memGb) + " GB = " + Fmt.num(gbSeconds) + " GB-s";
        if (freeTier) {
            BigDecimal billable = gbSeconds.subtract(PriceTables.LAMBDA_FREE_TIER_GB_SECONDS).max(BigDecimal.ZERO);
            items.add(CostItem.of(what + " - " + Fmt.num(PriceTables.LAMBDA_FREE_TIER_GB_SECONDS) + " free = "
                    + Fmt.num(billable) + " GB-s x " + Fmt.price(price), billable.multiply(price)));
        } else {
            items.add(CostItem.of(what + " x " + Fmt.price(price), gbSeconds.multiply(price)));
        }

        int extraMb = in.ephemeralStorageMb() - LambdaLimits.MIN_EPHEMERAL_STORAGE_MB;
        if (extraMb > 0) {
            BigDecimal extraGb = gb(extraMb);
            BigDecimal runSeconds = BigDecimal.valueOf(requests).multiply(seconds);
            BigDecimal storageGbSeconds = extraGb.multiply(runSeconds);
            items.add(CostItem.of("Lambda ephemeral storage above " + LambdaLimits.MIN_EPHEMERAL_STORAGE_MB
                    + " MB: " + Fmt.num(extraGb) + " GB x " + Fmt.num(runSeconds) + " s = "
                    + Fmt.num(storageGbSeconds) + " GB-s x " + Fmt.price(PriceTables.LAMBDA_EPHEMERAL_STORAGE),
                    storageGbSeconds.multiply(PriceTables.LAMBDA_EPHEMERAL_STORAGE)));
        }
        return new Estimate(new CostEstimate(items), notes);
    }

    /** SageMaker real-time: instance-hours of one type. */
    static CostEstimate sageMakerRealTime(PriceTables.InstanceType type, int count) {
        BigDecimal hours = PriceTables.hoursPerMonth();
        return CostEstimate.of(CostItem.of("SageMaker " + type.name() + " x " + count + ": " + Fmt.num(hours)
                        + " h x " + Fmt.price(type.usdPerHour()) + " per instance-hour",
                hours.multiply(BigDecimal.valueOf(count)).multiply(type.usdPerHour())));
    }

    /** SageMaker serverless: GB-seconds of the memory setting while processing. */
    static CostEstimate sageMakerServerless(long requests, Duration averageInferenceTime, int memoryMb) {
        BigDecimal seconds = BigDecimal.valueOf(billedMillis(averageInferenceTime)).divide(MS_PER_S);
        BigDecimal memGb = gb(memoryMb);
        BigDecimal gbSeconds = BigDecimal.valueOf(requests).multiply(seconds).multiply(memGb);
        return CostEstimate.of(CostItem.of("SageMaker serverless duration: " + Fmt.num(requests) + " requests x "
                + Fmt.num(seconds) + " s x " + Fmt.num(memGb) + " GB = " + Fmt.num(gbSeconds) + " GB-s x "
                + Fmt.price(PriceTables.SAGEMAKER_SERVERLESS), gbSeconds.multiply(PriceTables.SAGEMAKER_SERVERLESS)));
    }
}
