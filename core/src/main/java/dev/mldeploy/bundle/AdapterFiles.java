package dev.mldeploy.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Python serving adapter shipped inside the SDK: the same files run in the local target, in the SageMaker
 * container and in the Lambda function, so a local run exercises the code that ships.
 *
 * <ul>
 *   <li>the package {@code mldeploy_adapter/}: {@code hooks} loads the user's {@code inference.py} and runs its
 *       hooks as the SageMaker inference toolkit does, {@code content} holds the default decoders and encoders,
 *       {@code errors} the error bodies, {@code serve} the SageMaker contract over worker processes and
 *       {@code lambda_handler} the Lambda handler;</li>
 *   <li>{@code mldeploy_serve.py}, the entry point of the SageMaker container and the local target;</li>
 *   <li>{@code mldeploy_lambda.py}, the Lambda handler's module ({@code mldeploy_lambda.handler}).</li>
 * </ul>
 */
public final class AdapterFiles {
    /** Where the files are on the class path. */
    public static final String RESOURCE_DIR = "/dev/mldeploy/adapter/";
    /** The adapter's files, in packaging order. */
    public static final List<String> NAMES = List.of("mldeploy_adapter/__init__.py", "mldeploy_adapter/content.py",
            "mldeploy_adapter/errors.py", "mldeploy_adapter/hooks.py", "mldeploy_adapter/lambda_handler.py",
            "mldeploy_adapter/serve.py", "mldeploy_serve.py", "mldeploy_lambda.py");
    /** The adapter's package directory: every path in it is the adapter's, so a model may ship nothing there. */
    public static final String PACKAGE_DIR = "mldeploy_adapter";
    /** What the SageMaker serving image needs: the package and the serving entry point. */
    public static final List<String> SERVING_IMAGE_NAMES = NAMES.stream()
            .filter(n -> !n.equals("mldeploy_lambda.py")).toList();
    /** The module the SageMaker container and the local target run: {@code python3 mldeploy_serve.py serve}. */
    public static final String SERVE_MODULE = "mldeploy_serve.py";
    /** The Lambda handler name. */
    public static final String LAMBDA_HANDLER = "mldeploy_lambda.handler";

    private static final Map<String, byte[]> FILES = load();
    private static final String SHA256 = hash(FILES);

    private AdapterFiles() {
    }

    /** Each file's name and bytes, in {@link #NAMES} order. The arrays are copies. */
    public static Map<String, byte[]> files() {
        Map<String, byte[]> copy = new LinkedHashMap<>();
        FILES.forEach((k, v) -> copy.put(k, v.clone()));
        return Collections.unmodifiableMap(copy);
    }

    /** One file's bytes (a copy). */
    public static byte[] file(String name) {
        byte[] b = FILES.get(name);
        if (b == null) {
            throw new IllegalArgumentException("no adapter file " + name + "; known: " + NAMES);
        }
        return b.clone();
    }

    /**
     * Whether {@code path} (inside the bundle, without its layout's prefix) is the adapter's: one of its files, its
     * package directory, or anything in it.
     */
    public static boolean claims(String path) {
        return FILES.containsKey(path) || path.equals(PACKAGE_DIR) || path.startsWith(PACKAGE_DIR + "/");
    }

    /** SHA-256 over the adapter's files: part of every spec fingerprint, so a new adapter redeploys. */
    public static String sha256() {
        return SHA256;
    }

    private static Map<String, byte[]> load() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : NAMES) {
            try (InputStream in = AdapterFiles.class.getResourceAsStream(RESOURCE_DIR + name)) {
                if (in == null) {
                    throw new IllegalStateException("adapter file " + RESOURCE_DIR + name
                            + " is missing from the mldeploy-core jar");
                }
                files.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Collections.unmodifiableMap(files);
    }

    private static String hash(Map<String, byte[]> files) {
        MessageDigest md = SourceTree.newSha256();
        files.forEach((k, v) -> {
            md.update(k.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(v);
        });
        return HexFormat.of().formatHex(md.digest());
    }
}
