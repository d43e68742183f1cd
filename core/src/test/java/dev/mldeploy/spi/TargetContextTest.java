package dev.mldeploy.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidConfigurationException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The durations the CLI hands to every target through the environment. */
class TargetContextTest {

    @ParameterizedTest
    @CsvSource({"10s,10000", "500ms,500", "2m,120000", "1h,3600000", "45,45000", "PT20S,20000", "pt1m30s,90000",
            " 7s ,7000"})
    void duration_acceptsTheShortFormsAndIso8601(String value, long millis) {
        Duration d = new TargetContext(Map.of(TargetContext.TIMEOUT, value)).duration(TargetContext.TIMEOUT)
                .orElseThrow();
        assertEquals(Duration.ofMillis(millis), d);
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "10x", "-5s", "0", "PT0S", "PT-3S", "1.5s"})
    void duration_refusesWhatIsNoPositiveDuration_namingTheKey(String value) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> new TargetContext(Map.of(TargetContext.CALL_TIMEOUT, value)).duration(TargetContext.CALL_TIMEOUT));
        assertTrue(e.getMessage().startsWith("MLDEPLOY_CALL_TIMEOUT='" + value + "'"), e.getMessage());
    }

    @Test
    void duration_whenUnsetOrBlank_isEmpty() {
        assertTrue(new TargetContext(Map.of()).duration(TargetContext.TIMEOUT).isEmpty());
        assertTrue(new TargetContext(Map.of(TargetContext.TIMEOUT, " ")).duration(TargetContext.TIMEOUT).isEmpty());
    }
}
