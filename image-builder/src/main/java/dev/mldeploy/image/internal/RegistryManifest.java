package dev.mldeploy.image.internal;

import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.event.EventHandlers;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.image.json.BuildableManifestTemplate;
import com.google.cloud.tools.jib.image.json.ManifestTemplate;
import com.google.cloud.tools.jib.registry.ManifestAndDigest;
import com.google.cloud.tools.jib.registry.RegistryClient;
import dev.mldeploy.image.ImageBuildException;
import dev.mldeploy.image.ImageReference;
import dev.mldeploy.image.RegistryCredentials;
import java.io.IOException;
import java.util.List;

/**
 * Reads back the manifest Jib pushed, for its layer digests (Jib's result has only the image's digest and id).
 * Uses Jib's own registry client (jib-core 0.27.3, {@code com.google.cloud.tools.jib.registry}, not Jib's
 * documented API but in the pinned jar) so that authentication and the plain-HTTP rule are exactly the push's.
 */
final class RegistryManifest {
    private RegistryManifest() {
    }

    record Read(String configDigest, List<String> layers) {
    }

    static Read read(ImageReference image, RegistryCredentials credentials, boolean allowInsecure)
            throws IOException, RegistryException {
        FailoverHttpClient http = new FailoverHttpClient(allowInsecure, false, log -> { });
        try {
            RegistryClient.Factory f = RegistryClient.factory(EventHandlers.NONE, image.registry(), image.repository(),
                    http).setUserAgent(JibPlan.TOOL_NAME);
            JibPlan.credential(credentials, image.registry()).ifPresent(f::setCredential);
            RegistryClient client = f.newRegistryClient();
            ManifestAndDigest<ManifestTemplate> m;
            try {
                m = client.pullManifest(image.digest());
            } catch (RegistryUnauthorizedException e) {
                if (!client.doPullBearerAuth()) {
                    client.configureBasicAuth();
                }
                m = client.pullManifest(image.digest());
            }
            if (!(m.getManifest() instanceof BuildableManifestTemplate b)) {
                throw new ImageBuildException("the registry returned a manifest list for " + image
                        + ", not the image pushed", null, false);
            }
            return new Read(b.getContainerConfiguration().getDigest().toString(),
                    b.getLayers().stream().map(l -> l.getDigest().toString()).toList());
        } finally {
            http.shutDown();
        }
    }
}
