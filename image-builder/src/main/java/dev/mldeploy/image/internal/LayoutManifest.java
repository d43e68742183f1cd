package dev.mldeploy.image.internal;

import dev.mldeploy.image.ImageBuildException;
import dev.mldeploy.spi.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The manifest of an OCI layout's single image: its digest, config digest and layer digests. */
record LayoutManifest(String digest, String configDigest, List<String> layers, int blobs) {

    static LayoutManifest read(Path layout) throws IOException {
        Object index = Json.parse(Files.readString(layout.resolve("index.json"), StandardCharsets.UTF_8));
        if (!(index instanceof Map<?, ?> i) || !(i.get("manifests") instanceof List<?> ms) || ms.size() != 1
                || !(ms.get(0) instanceof Map<?, ?> m) || !(m.get("digest") instanceof String digest)) {
            throw new ImageBuildException("the OCI layout " + layout + " has no single manifest in index.json", null,
                    false);
        }
        Object manifest = Json.parse(Files.readString(blob(layout, digest), StandardCharsets.UTF_8));
        List<String> layers = new ArrayList<>();
        String config = null;
        if (manifest instanceof Map<?, ?> mf) {
            if (mf.get("config") instanceof Map<?, ?> c && c.get("digest") instanceof String cd) {
                config = cd;
            }
            if (mf.get("layers") instanceof List<?> ls) {
                for (Object l : ls) {
                    if (l instanceof Map<?, ?> lm && lm.get("digest") instanceof String ld) {
                        layers.add(ld);
                    }
                }
            }
        }
        if (config == null) {
            throw new ImageBuildException("the manifest " + digest + " in " + layout + " has no config", null, false);
        }
        int blobs;
        try (var s = Files.list(layout.resolve("blobs").resolve("sha256"))) {
            blobs = (int) s.count();
        }
        return new LayoutManifest(digest, config, layers, blobs);
    }

    static Path blob(Path layout, String digest) {
        return layout.resolve("blobs").resolve("sha256").resolve(digest.substring("sha256:".length()));
    }
}
