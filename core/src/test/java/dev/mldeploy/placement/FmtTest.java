package dev.mldeploy.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FmtTest {

    @Test
    void duration_picksTheUnitPeopleRead() {
        assertEquals("200 ms", Fmt.duration(Duration.ofMillis(200)));
        assertEquals("1.2 ms", Fmt.duration(Duration.ofNanos(1_200_000)));
        assertEquals("1 s", Fmt.duration(Duration.ofSeconds(1)));
        assertEquals("90 s", Fmt.duration(Duration.ofSeconds(90)));
        assertEquals("900.001 s", Fmt.duration(Duration.ofMillis(900_001)));
        assertEquals("20 min", Fmt.duration(Duration.ofMinutes(20)));
        assertEquals("1 h", Fmt.duration(Duration.ofHours(1)));
        assertEquals("61 min", Fmt.duration(Duration.ofMinutes(61)));
    }

    @Test
    void numbersAndPrices_keepEveryDigitWithGrouping() {
        assertEquals("1,234,567.5", Fmt.num(new BigDecimal("1234567.50")));
        assertEquals("20,000", Fmt.num(new BigDecimal("2E+4")));
        assertEquals("$0.20", Fmt.price(new BigDecimal("0.2")));
        assertEquals("$0.0000166667", Fmt.price(new BigDecimal("0.0000166667")));
        assertEquals("$0.01", Fmt.usd(new BigDecimal("0.005")));
        assertEquals("250 MB (262,144,000 bytes)", Fmt.limit(250 * Units.MB));
        assertEquals("10 GB (10,737,418,240 bytes)", Fmt.limit(10 * Units.GB));
    }

    @Test
    void billedMillis_roundsUpToTheMillisecond() {
        assertEquals(200, CostModel.billedMillis(Duration.ofMillis(200)));
        assertEquals(201, CostModel.billedMillis(Duration.ofNanos(200_000_001)));
        assertEquals(1, CostModel.billedMillis(Duration.ofNanos(1)));
    }
}
