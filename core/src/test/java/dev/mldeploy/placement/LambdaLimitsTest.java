package dev.mldeploy.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class LambdaLimitsTest {

    private static long base64Length(long rawBytes) {
        return Base64.getEncoder().encodeToString(new byte[(int) rawBytes]).length();
    }

    @Test
    void maxSyncRawPayload_isTheLargestBodyWhoseBase64EnvelopeFitsIn6Mb() {
        long room = LambdaLimits.MAX_SYNC_PAYLOAD_BYTES - LambdaLimits.SYNC_ENVELOPE_OVERHEAD_BYTES;
        long max = LambdaLimits.MAX_SYNC_RAW_PAYLOAD_BYTES;
        assertTrue(base64Length(max) <= room, "the limit itself fits");
        assertTrue(base64Length(max + 1) > room, "one byte more does not");
        assertEquals(4_717_824, max);
        assertEquals(6_291_456, LambdaLimits.MAX_SYNC_PAYLOAD_BYTES);
    }
}
