package dev.mldeploy.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.Architecture;
import java.util.Comparator;
import org.junit.jupiter.api.Test;

class PriceTablesTest {

    @Test
    void sageMakerInstances_areCheapestFirst_soTheFirstFittingTypeIsTheCheapest() {
        for (int i = 1; i < PriceTables.SAGEMAKER_INSTANCES.size(); i++) {
            assertTrue(PriceTables.SAGEMAKER_INSTANCES.get(i - 1).usdPerHour()
                    .compareTo(PriceTables.SAGEMAKER_INSTANCES.get(i).usdPerHour()) <= 0);
        }
        assertEquals("ml.t2.medium", PriceTables.SAGEMAKER_INSTANCES.stream()
                .min(Comparator.comparing(PriceTables.InstanceType::usdPerHour)).orElseThrow().name());
    }

    @Test
    void sageMakerInstance_looksUpByName() {
        PriceTables.InstanceType g5 = PriceTables.sageMakerInstance("ml.g5.xlarge").orElseThrow();
        assertEquals(16 * 1024, g5.memoryMb());
        assertTrue(g5.hasGpu());
        assertTrue(PriceTables.sageMakerInstance("ml.g5.2xlarge").isEmpty());
    }

    @Test
    void lambdaPrices_followTheArchitecture() {
        assertEquals(PriceTables.LAMBDA_DURATION_ARM64, PriceTables.lambdaDuration(Architecture.ARM64));
        assertEquals(PriceTables.LAMBDA_DURATION_X86_64, PriceTables.lambdaDuration(Architecture.X86_64));
        assertEquals(PriceTables.LAMBDA_PROVISIONED_ARM64, PriceTables.lambdaProvisioned(Architecture.ARM64));
        assertEquals(PriceTables.LAMBDA_PROVISIONED_DURATION_X86_64,
                PriceTables.lambdaProvisionedDuration(Architecture.X86_64));
    }
}
