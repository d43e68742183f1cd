package dev.mldeploy.image.internal;

import dev.mldeploy.image.ImageReference;
import dev.mldeploy.image.InsecureRegistryException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Before a TLS-only build, one TLS handshake with each loopback registry: a local registry usually speaks plain
 * HTTP, and Jib takes over a minute of retries to give up on one, so this says what to change within
 * {@link #TIMEOUT_MILLIS}. Registries off loopback are left to Jib.
 */
final class LoopbackTlsProbe {
    static final int TIMEOUT_MILLIS = 3000;

    private LoopbackTlsProbe() {
    }

    static void check(List<ImageReference> registries) {
        for (ImageReference r : registries) {
            if (r.isLoopback()) {
                probe(r);
            }
        }
    }

    private static void probe(ImageReference r) {
        int port = port(r.registry());
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(r.host(), port), TIMEOUT_MILLIS);
            plain.setSoTimeout(TIMEOUT_MILLIS);
            try (SSLSocket tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                    .createSocket(plain, r.host(), port, false)) {
                tls.startHandshake();
            }
        } catch (SSLException e) {
            throw new InsecureRegistryException("registry " + r.registry() + " does not answer over TLS (" + e.getMessage()
                    + "); it is on loopback, so allow plain HTTP with ImageBuilder.builder().allowInsecure(true) "
                    + "(CLI --allow-insecure)", e);
        } catch (IOException e) {
            // unreachable or slow: Jib reports it with its own message and the caller's timeout
        }
    }

    private static int port(String registry) {
        int close = registry.lastIndexOf(']');
        int colon = registry.lastIndexOf(':');
        return colon > close && colon >= 0 ? Integer.parseInt(registry.substring(colon + 1)) : 443;
    }
}
