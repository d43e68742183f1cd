package dev.mldeploy.local;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The per-deployment secret shared by mldeploy and the model process it started, and the two proofs made with it
 * (HMAC-SHA256, as {@code mldeploy_serve.py} computes them): a request proves it comes from mldeploy, an answer
 * proves it comes from the process holding the token, for a nonce chosen per request, so a program that merely took
 * the port can neither read a request meant for the model nor pass its own answer off as the model's. The token
 * itself never goes over the wire. Immutable and thread-safe.
 */
final class AdapterIdentity {
    static final String AUTH_HEADER = "X-Mldeploy-Auth";
    static final String PROOF_HEADER = "X-Mldeploy-Proof";
    static final String PID_HEADER = "X-Mldeploy-Pid";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    /** Nonces: a random prefix per JVM and a counter; unique, and not to be guessed ahead by another program. */
    private static final String NONCE_PREFIX = HEX.formatHex(bytes(8));
    private static final java.util.concurrent.atomic.AtomicLong NONCES = new java.util.concurrent.atomic.AtomicLong();

    private final String token;
    /** A Mac is not thread-safe, and looking one up per request costs more than the HMAC itself. */
    private final ThreadLocal<Mac> macs;

    AdapterIdentity(String token) {
        this.token = Objects.requireNonNull(token, "token");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
            }
        });
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** A new random token: 256 bits, hex. */
    static AdapterIdentity generate() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return new AdapterIdentity(HEX.formatHex(b));
    }

    String token() {
        return token;
    }

    /** A fresh nonce for one request: 32 hex digits, never the same twice in this JVM. */
    static String nonce() {
        return NONCE_PREFIX + HEX.toHexDigits(NONCES.incrementAndGet());
    }

    /** The {@value #AUTH_HEADER} value of a request carrying {@code nonce}. */
    String authorization(String nonce) {
        return nonce + " " + mac("request\n" + nonce);
    }

    /** Whether an answer to the request with {@code nonce} came from process {@code expectedPid} holding the token. */
    boolean proves(String nonce, long expectedPid, String pidHeader, String proofHeader) {
        if (pidHeader == null || proofHeader == null || !pidHeader.trim().equals(Long.toString(expectedPid))) {
            return false;
        }
        String expected = mac("response\n" + nonce + "\n" + expectedPid);
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                proofHeader.trim().getBytes(StandardCharsets.US_ASCII));
    }

    private String mac(String text) {
        return HEX.formatHex(macs.get().doFinal(text.getBytes(StandardCharsets.US_ASCII)));
    }

    @Override
    public String toString() {
        return "AdapterIdentity[token hidden]";
    }
}
