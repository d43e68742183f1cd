package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class AdapterIdentityTest {
    private static String hmac(String key, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void authorization_isTheNonceAndItsHmacNeverTheToken() throws Exception {
        AdapterIdentity id = new AdapterIdentity("k".repeat(64));

        String auth = id.authorization("00ff");

        assertEquals("00ff " + hmac("k".repeat(64), "request\n00ff"), auth);
        assertFalse(auth.contains("k".repeat(64)));
    }

    @Test
    void proves_onlyForTheTokenTheNonceAndThePid() throws Exception {
        AdapterIdentity id = new AdapterIdentity("k".repeat(64));
        String proof = hmac("k".repeat(64), "response\nabcd\n42");

        assertTrue(id.proves("abcd", 42, "42", proof));
        assertFalse(id.proves("abcd", 43, "42", proof), "another pid");
        assertFalse(id.proves("abcd", 43, "43", proof), "a proof for another pid");
        assertFalse(id.proves("abce", 42, "42", proof), "a proof for another nonce");
        assertFalse(new AdapterIdentity("j".repeat(64)).proves("abcd", 42, "42", proof), "another token");
        assertFalse(id.proves("abcd", 42, null, proof));
        assertFalse(id.proves("abcd", 42, "42", null));
    }

    @Test
    void generate_andNonce_areRandomAndLongEnough() {
        assertEquals(64, AdapterIdentity.generate().token().length());
        assertNotEquals(AdapterIdentity.generate().token(), AdapterIdentity.generate().token());
        assertEquals(32, AdapterIdentity.nonce().length());
        AdapterIdentity id = AdapterIdentity.generate();
        assertFalse(id.toString().contains(id.token()), "toString hides the token");
    }
}
