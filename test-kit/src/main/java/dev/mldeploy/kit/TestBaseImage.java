package dev.mldeploy.kit;

import dev.mldeploy.bundle.TarWriter;
import dev.mldeploy.spi.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small base image a test makes itself and pushes to a {@link LoopbackRegistry}, instead of pulling AWS's: one
 * layer of a few files ({@value #MARKER} saying which architecture it is, {@value #ENTRY} executable) and an OCI
 * config with an entrypoint, a working directory ({@code /var/task}) and {@code PATH} / {@code LAMBDA_TASK_ROOT} in
 * its environment, like Lambda's base. With several architectures it pushes one image per architecture and an OCI
 * index of them (a multi-platform base, as AWS's are).
 */
public final class TestBaseImage {
    public static final String MARKER = "etc/mldeploy-test-base";
    public static final String ENTRY = "usr/local/bin/entry.sh";
    public static final List<String> ENTRYPOINT = List.of("/" + ENTRY);
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

    private TestBaseImage() {
    }

    /**
     * What was pushed.
     *
     * @param reference the reference to build on ({@code 127.0.0.1:<port>/<repository>:<tag>})
     * @param digest    the digest at the tag (the index's, when several architectures)
     * @param layerDigests the base layer of each architecture, in the order given
     */
    public record Pushed(String reference, String digest, List<String> layerDigests) {
    }

    /** Pushes the base for {@code architectures} ({@code amd64}, {@code arm64}) as {@code repository:tag}. */
    public static Pushed push(LoopbackRegistry registry, String repository, String tag, String... architectures) {
        RegistryApi api = registry.api();
        List<Map<String, Object>> descriptors = new ArrayList<>();
        List<String> layers = new ArrayList<>();
        String digest = null;
        for (String arch : architectures) {
            byte[] tar = layerTar(arch);
            byte[] layer = RegistryApi.gzip(tar);
            String layerDigest = api.pushBlob(repository, layer);
            layers.add(layerDigest);
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("architecture", arch);
            config.put("os", "linux");
            Map<String, Object> cc = new LinkedHashMap<>();
            cc.put("Env", List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "LAMBDA_TASK_ROOT=/var/task"));
            cc.put("Entrypoint", ENTRYPOINT);
            cc.put("WorkingDir", "/var/task");
            config.put("config", cc);
            config.put("rootfs", Map.of("type", "layers", "diff_ids", List.of(RegistryApi.sha256(tar))));
            byte[] configBytes = Json.write(config).getBytes(StandardCharsets.UTF_8);
            String configDigest = api.pushBlob(repository, configBytes);
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("schemaVersion", 2);
            manifest.put("mediaType", OCI_MANIFEST);
            manifest.put("config", descriptor(OCI_CONFIG, configDigest, configBytes.length));
            manifest.put("layers", List.of(descriptor(OCI_LAYER, layerDigest, layer.length)));
            byte[] manifestBytes = Json.write(manifest).getBytes(StandardCharsets.UTF_8);
            if (architectures.length == 1) {
                digest = api.pushManifest(repository, tag, OCI_MANIFEST, manifestBytes);
            } else {
                String d = api.pushManifest(repository, RegistryApi.sha256(manifestBytes), OCI_MANIFEST,
                        manifestBytes);
                Map<String, Object> desc = descriptor(OCI_MANIFEST, d, manifestBytes.length);
                desc.put("platform", Map.of("architecture", arch, "os", "linux"));
                descriptors.add(desc);
            }
        }
        if (architectures.length > 1) {
            Map<String, Object> index = new LinkedHashMap<>();
            index.put("schemaVersion", 2);
            index.put("mediaType", OCI_INDEX);
            index.put("manifests", descriptors);
            digest = api.pushManifest(repository, tag, OCI_INDEX, Json.write(index).getBytes(StandardCharsets.UTF_8));
        }
        return new Pushed(registry.reference(repository + ":" + tag), digest, layers);
    }

    private static Map<String, Object> descriptor(String mediaType, String digest, long size) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", mediaType);
        d.put("digest", digest);
        d.put("size", size);
        return d;
    }

    private static byte[] layerTar(String arch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            TarWriter tar = new TarWriter(out);
            tar.addBytes(MARKER, ("test base " + arch + "\n").getBytes(StandardCharsets.UTF_8), false);
            tar.addBytes(ENTRY, "#!/bin/sh\nexec \"$@\"\n".getBytes(StandardCharsets.UTF_8), true);
            tar.addBytes("var/task/.base", new byte[0], false);
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
