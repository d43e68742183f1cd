package dev.mldeploy.kit;

import dev.mldeploy.spi.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A small client of the registry HTTP API (distribution spec v2) over plain HTTP, for tests: read manifests,
 * configs, blobs and tags to assert on what was pushed, and push blobs and manifests to make base images
 * ({@link TestBaseImage}). No authentication: it talks to {@link LoopbackRegistry} only. Layers can be listed
 * ({@link #layerFiles}) from their gzipped tar.
 */
public final class RegistryApi {
    /** The media types asked for when reading a manifest. */
    public static final String ACCEPT = String.join(",", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public RegistryApi(URI base) {
        this.base = base;
    }

    /**
     * A manifest as the registry serves it.
     *
     * @param digest    the {@code Docker-Content-Digest} header (the registry's own digest of the bytes)
     * @param mediaType the {@code Content-Type}
     * @param bytes     the body
     * @param json      the body parsed
     */
    public record Manifest(String digest, String mediaType, byte[] bytes, Map<String, Object> json) {
        /** The layer descriptors' digests, in order. */
        @SuppressWarnings("unchecked")
        public List<String> layerDigests() {
            List<String> out = new ArrayList<>();
            for (Object l : (List<Object>) json.get("layers")) {
                out.add((String) ((Map<String, Object>) l).get("digest"));
            }
            return out;
        }

        @SuppressWarnings("unchecked")
        public String configDigest() {
            return (String) ((Map<String, Object>) json.get("config")).get("digest");
        }
    }

    /** One regular file of a layer: its path (as in the tar, no leading {@code /}), mode and bytes. */
    public record LayerEntry(String path, int mode, byte[] bytes) {
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** The manifest {@code reference} (tag or digest) of {@code repository}. */
    @SuppressWarnings("unchecked")
    public Manifest manifest(String repository, String reference) {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + reference))
                .header("Accept", ACCEPT).GET(), 200);
        return new Manifest(r.headers().firstValue("Docker-Content-Digest").orElse(""),
                r.headers().firstValue("Content-Type").orElse(""), r.body(),
                (Map<String, Object>) Json.parse(new String(r.body(), StandardCharsets.UTF_8)));
    }

    /** Whether the manifest exists. */
    public boolean hasManifest(String repository, String reference) {
        return send(HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + reference))
                .header("Accept", ACCEPT).method("HEAD", HttpRequest.BodyPublishers.noBody()), -1).statusCode() == 200;
    }

    /** The blob's bytes, checked against its digest. */
    public byte[] blob(String repository, String digest) {
        byte[] b = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/" + digest)).GET(), 200).body();
        if (!sha256(b).equals(digest)) {
            throw new IllegalStateException("blob " + digest + " has digest " + sha256(b));
        }
        return b;
    }

    /** The config blob of {@code manifest}, parsed. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> config(String repository, Manifest manifest) {
        return (Map<String, Object>) Json.parse(new String(blob(repository, manifest.configDigest()),
                StandardCharsets.UTF_8));
    }

    /** The tags of {@code repository}. */
    @SuppressWarnings("unchecked")
    public List<String> tags(String repository) {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/tags/list")).GET(), 200);
        Map<String, Object> m = (Map<String, Object>) Json.parse(new String(r.body(), StandardCharsets.UTF_8));
        Object tags = m.get("tags");
        return tags == null ? List.of() : ((List<Object>) tags).stream().map(String::valueOf).sorted().toList();
    }

    /** Uploads {@code bytes} as a blob (monolithic: POST then PUT) and returns its digest. */
    public String pushBlob(String repository, byte[] bytes) {
        String digest = sha256(bytes);
        HttpResponse<byte[]> start = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()), 202);
        String location = start.headers().firstValue("Location").orElseThrow();
        URI put = base.resolve(location);
        String sep = put.getRawQuery() == null ? "?" : "&";
        send(HttpRequest.newBuilder(URI.create(put + sep + "digest=" + digest))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)), 201);
        return digest;
    }

    /** Puts a manifest of {@code mediaType} at {@code reference} and returns its digest. */
    public String pushManifest(String repository, String reference, String mediaType, byte[] bytes) {
        send(HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + reference))
                .header("Content-Type", mediaType).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)), 201);
        return sha256(bytes);
    }

    /** The regular files of a gzipped tar layer, in archive order (ustar, with PAX and GNU long names). */
    public static List<LayerEntry> layerFiles(byte[] gzippedTar) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzippedTar))) {
            return readTar(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every regular file of the layers, later layers replacing earlier ones: path to entry. */
    public static Map<String, LayerEntry> flatten(List<byte[]> gzippedLayers) {
        Map<String, LayerEntry> all = new LinkedHashMap<>();
        for (byte[] layer : gzippedLayers) {
            for (LayerEntry e : layerFiles(layer)) {
                all.put(e.path(), e);
            }
        }
        return all;
    }

    private static List<LayerEntry> readTar(byte[] tar) {
        List<LayerEntry> out = new ArrayList<>();
        int pos = 0;
        String longName = null;
        while (pos + 512 <= tar.length) {
            if (isZero(tar, pos)) {
                break;
            }
            String name = cString(tar, pos, 100);
            String prefix = cString(tar, pos + 345, 155);
            int mode = (int) octal(tar, pos + 100, 8);
            long size = octal(tar, pos + 124, 12);
            char type = (char) tar[pos + 156];
            int dataStart = pos + 512;
            byte[] data = java.util.Arrays.copyOfRange(tar, dataStart, (int) (dataStart + size));
            pos = dataStart + (int) ((size + 511) / 512 * 512);
            if (type == 'x') {
                for (String rec : new String(data, StandardCharsets.UTF_8).split("\n")) {
                    int sp = rec.indexOf(' ');
                    if (sp > 0 && rec.substring(sp + 1).startsWith("path=")) {
                        longName = rec.substring(sp + 1 + "path=".length());
                    }
                }
                continue;
            }
            if (type == 'L') {
                longName = new String(data, StandardCharsets.UTF_8).replace("\0", "");
                continue;
            }
            String path = longName != null ? longName : (prefix.isEmpty() ? name : prefix + "/" + name);
            longName = null;
            if (type == '0' || type == 0) {
                out.add(new LayerEntry(path.startsWith("./") ? path.substring(2) : path, mode, data));
            }
        }
        return out;
    }

    private static boolean isZero(byte[] b, int off) {
        for (int i = off; i < off + 512; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] b, int off, int len) {
        String s = cString(b, off, len).trim();
        return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    }

    /** {@code sha256:<hex>} of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return base.resolve(path);
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder b, int expected) {
        try {
            HttpResponse<byte[]> r = http.send(b.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (expected > 0 && r.statusCode() != expected) {
                throw new IllegalStateException(r.request().method() + " " + r.uri() + " answered " + r.statusCode()
                        + ": " + new String(r.body(), StandardCharsets.UTF_8));
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
