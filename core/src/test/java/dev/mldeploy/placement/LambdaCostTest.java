package dev.mldeploy.placement;

import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.CostEstimate;
import dev.mldeploy.CostItem;
import dev.mldeploy.PlacementOptions;

import static dev.mldeploy.placement.Specs.spec;
import static dev.mldeploy.placement.Specs.usd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.Architecture;
import dev.mldeploy.ModelSpec;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lambda's monthly cost, each expected figure worked by hand from the published prices in the comments. */
class LambdaCostTest {
    private final LambdaProfile lambda = LambdaProfile.of(LambdaProfile.Packaging.ZIP,
            PackageSizer.withAdapterBytes(() -> 0));

    private CostEstimate cost(ModelSpec spec, PlacementOptions options) {
        return lambda.evaluate(spec, options).cost();
    }

    private static List<BigDecimal> amounts(CostEstimate c) {
        return c.items().stream().map(CostItem::usd).toList();
    }

    private static ModelSpec.Builder traffic(long requests, Duration average) {
        return spec().traffic(t -> t.requestsPerMonth(requests).averageInferenceTime(average));
    }

    @Test
    void requestsAndDuration_x86_64() {
        // requests: 100,000 x $0.20 / 1M = $0.02
        // duration: 100,000 x 0.2 s x 1 GB = 20,000 GB-s x $0.0000166667 = $0.333334 -> $0.33
        CostEstimate c = cost(Specs.readmeExample().build(), PlacementOptions.defaults());
        assertEquals(List.of(usd("0.02"), usd("0.33")), amounts(c));
        assertEquals("Lambda requests: 100,000 x $0.20 per 1M", c.items().get(0).name());
        assertEquals("Lambda duration (x86_64): 100,000 requests x 0.2 s x 1 GB = 20,000 GB-s x $0.0000166667",
                c.items().get(1).name());
        assertEquals(usd("0.35"), c.totalUsd());
    }

    @Test
    void duration_arm64_usesTheArmPrice() {
        // duration: 20,000 GB-s x $0.0000133334 = $0.266668 -> $0.27; with requests $0.02: $0.29
        CostEstimate c = cost(Specs.readmeExample().architecture(Architecture.ARM64).build(),
                PlacementOptions.defaults());
        assertEquals(List.of(usd("0.02"), usd("0.27")), amounts(c));
        assertEquals(usd("0.29"), c.totalUsd());
    }

    @Test
    void duration_isRoundedUpToTheMillisecond() {
        // 1.2 ms bills as 2 ms: 10,000,000 x 0.002 s x 1 GB = 20,000 GB-s x $0.0000166667 = $0.33
        // (1.2 ms unrounded would be 12,000 GB-s = $0.20); requests 10M x $0.20 / 1M = $2.00
        CostEstimate c = cost(traffic(10_000_000, Duration.ofNanos(1_200_000)).build(), PlacementOptions.defaults());
        assertEquals(List.of(usd("2.00"), usd("0.33")), amounts(c));
        assertTrue(c.items().get(1).name().contains("x 0.002 s x"), c.items().get(1).name());
    }

    @Test
    void memory_belowLambdasMinimum_isBilledAt128Mb() {
        // 1,000,000 x 0.1 s x 0.125 GB = 12,500 GB-s x $0.0000166667 = $0.20833375 -> $0.21
        CostEstimate c = cost(traffic(1_000_000, Duration.ofMillis(100)).memoryMb(64).build(),
                PlacementOptions.defaults());
        assertEquals(List.of(usd("0.20"), usd("0.21")), amounts(c));
    }

    @Test
    void eachItemIsRoundedToTheCent_thenTheRoundedItemsAreSummed() {
        // requests: 25,000 x $0.20 / 1M = $0.005 -> $0.01 (half up)
        // duration: 25,000 x 0.012 s x 1 GB = 300 GB-s x $0.0000166667 = $0.00500001 -> $0.01
        // total: $0.01 + $0.01 = $0.02, where rounding the unrounded sum ($0.01000001) would give $0.01
        CostEstimate c = cost(traffic(25_000, Duration.ofMillis(12)).build(), PlacementOptions.defaults());
        assertEquals(List.of(usd("0.01"), usd("0.01")), amounts(c));
        assertEquals(usd("0.02"), c.totalUsd());
    }

    @Test
    void freeTier_isOffByDefault_andSubtracts1MRequestsAnd400000GbSeconds() {
        ModelSpec spec = traffic(3_000_000, Duration.ofMillis(500)).build();
        // without: requests 3M x $0.20 / 1M = $0.60; duration 3M x 0.5 s x 1 GB = 1,500,000 GB-s x $0.0000166667
        // = $25.00005 -> $25.00; total $25.60
        assertEquals(usd("25.60"), cost(spec, PlacementOptions.defaults()).totalUsd());
        // with: requests (3M - 1M) x $0.20 / 1M = $0.40; duration (1,500,000 - 400,000) = 1,100,000 GB-s
        // x $0.0000166667 = $18.33337 -> $18.33; total $18.73
        CostEstimate free = cost(spec, PlacementOptions.builder().freeTier(true).build());
        assertEquals(List.of(usd("0.40"), usd("18.33")), amounts(free));
        assertEquals(usd("18.73"), free.totalUsd());
        assertEquals("Lambda requests: 3,000,000 - 1,000,000 free = 2,000,000 x $0.20 per 1M",
                free.items().get(0).name());
    }

    @Test
    void freeTier_neverGoesBelowZero() {
        // 100,000 requests < 1M free; 20,000 GB-s < 400,000 free: both items $0.00
        CostEstimate c = cost(Specs.readmeExample().build(), PlacementOptions.builder().freeTier(true).build());
        assertEquals(List.of(usd("0.00"), usd("0.00")), amounts(c));
        assertTrue(c.items().get(1).name().endsWith("- 400,000 free = 0 GB-s x $0.0000166667"),
                c.items().get(1).name());
    }

    @Test
    void provisionedConcurrency_allMonth_servesEveryRequestAtThePcDurationRate() {
        // 2 GB function, provisioned concurrency 2 for 730 h, 1,000,000 requests of 100 ms:
        // requests: $0.20
        // provisioned: 2 x 2 GB x 730 h x 3,600 s = 10,512,000 GB-s x $0.0000041667 = $43.8003504 -> $43.80
        // served by it: the 730/730 share = 1,000,000 requests (capacity 2 x 730 x 3,600 s / 0.1 s = 52,560,000)
        //   1,000,000 x 0.1 s x 2 GB = 200,000 GB-s x $0.0000097222 = $1.94444 -> $1.94
        // on-demand duration: 0 requests -> $0.00; total $45.94
        CostEstimate c = cost(traffic(1_000_000, Duration.ofMillis(100)).memoryMb(2_048).build(),
                PlacementOptions.builder().provisionedConcurrency(2).build());
        assertEquals(List.of(usd("0.20"), usd("43.80"), usd("1.94"), usd("0.00")), amounts(c));
        assertEquals(usd("45.94"), c.totalUsd());
        assertEquals("Lambda provisioned concurrency (x86_64): 2 x 2 GB x 730 h x 3,600 s = 10,512,000 GB-s x "
                + "$0.0000041667", c.items().get(1).name());
    }

    @Test
    void provisionedConcurrency_partOfTheMonth_servesItsShareUpToItsCapacity() {
        // 1 GB, provisioned concurrency 1 for 73 h, 10,000,000 requests of 1 s:
        // share: 10,000,000 x 73 / 730 = 1,000,000; capacity: 1 x 73 h x 3,600 s / 1 s = 262,800 -> 262,800 served
        // requests: 10M x $0.20 / 1M = $2.00
        // provisioned: 1 x 1 GB x 73 h x 3,600 s = 262,800 GB-s x $0.0000041667 = $1.09500876 -> $1.10
        // on PC: 262,800 x 1 s x 1 GB = 262,800 GB-s x $0.0000097222 = $2.55499416 -> $2.55
        // on demand: 9,737,200 x 1 s x 1 GB = 9,737,200 GB-s x $0.0000166667 = $162.28699124 -> $162.29
        // total $167.94
        CostEstimate c = cost(traffic(10_000_000, Duration.ofSeconds(1)).build(),
                PlacementOptions.builder().provisionedConcurrency(1).provisionedHoursPerMonth(73).build());
        assertEquals(List.of(usd("2.00"), usd("1.10"), usd("2.55"), usd("162.29")), amounts(c));
        assertEquals(usd("167.94"), c.totalUsd());
    }

    @Test
    void provisionedConcurrency_arm64_usesTheArmPrices() {
        // 1 GB arm64, PC 1 for 730 h, 1,000,000 requests of 100 ms:
        // provisioned: 1 x 1 GB x 730 x 3,600 = 2,628,000 GB-s x $0.0000033334 = $8.7601752 -> $8.76
        // on PC: 1,000,000 x 0.1 s x 1 GB = 100,000 GB-s x $0.0000077778 = $0.77778 -> $0.78
        CostEstimate c = cost(traffic(1_000_000, Duration.ofMillis(100)).architecture(Architecture.ARM64).build(),
                PlacementOptions.builder().provisionedConcurrency(1).build());
        assertEquals(List.of(usd("0.20"), usd("8.76"), usd("0.78"), usd("0.00")), amounts(c));
    }

    @Test
    void provisionedConcurrency_turnsTheFreeTierOff_withANote() {
        CandidateEvaluation c = lambda.evaluate(traffic(1_000_000, Duration.ofMillis(100)).build(),
                PlacementOptions.builder().provisionedConcurrency(1).freeTier(true).build());
        // the same as without the free tier: requests $0.20 (not $0.00)
        assertEquals(usd("0.20"), c.cost().items().get(0).usd());
        assertTrue(c.notes().contains("free tier not applied: AWS's Lambda free tier does not cover functions with "
                + "provisioned concurrency"), c.notes()::toString);
        assertEquals("1", c.settings().get(CandidateEvaluation.PROVISIONED_CONCURRENCY));
    }

    @Test
    void ephemeralStorage_above512Mb_isCharged() {
        // 10,240 MB storage: 9,728 MB = 9.5 GB above the free 512 MB; 1,000,000 requests x 1 s = 1,000,000 s
        // 9.5 GB x 1,000,000 s = 9,500,000 GB-s x $0.0000000309 = $0.29355 -> $0.29
        // requests $0.20; duration 1,000,000 GB-s x $0.0000166667 = $16.6667 -> $16.67; total $17.16
        CostEstimate c = cost(traffic(1_000_000, Duration.ofSeconds(1)).ephemeralStorageMb(10_240).build(),
                PlacementOptions.defaults());
        assertEquals(List.of(usd("0.20"), usd("16.67"), usd("0.29")), amounts(c));
        assertEquals("Lambda ephemeral storage above 512 MB: 9.5 GB x 1,000,000 s = 9,500,000 GB-s x $0.0000000309",
                c.items().get(2).name());
        assertEquals(usd("17.16"), c.totalUsd());
    }

    @Test
    void ephemeralStorage_atTheFree512Mb_hasNoItem() {
        assertEquals(2, cost(spec().ephemeralStorageMb(512).build(), PlacementOptions.defaults()).items().size());
    }
}
