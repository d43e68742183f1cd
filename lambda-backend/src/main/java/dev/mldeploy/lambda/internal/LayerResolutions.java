package dev.mldeploy.lambda.internal;

import dev.mldeploy.MlDeployException;
import dev.mldeploy.local.StateLock;
import dev.mldeploy.python.PlatformResolver;
import dev.mldeploy.python.PythonPlatform;
import dev.mldeploy.python.Requirements;
import dev.mldeploy.python.ResolutionCache;
import dev.mldeploy.python.ResolvedDependencies;
import dev.mldeploy.spi.DeployContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The resolved dependencies of layers, kept between deploys so that an unchanged {@code requirements.txt} runs no
 * pip: a {@link ResolutionCache} (keyed by the requirements' bytes, the Python version, the machine and the platform
 * tags) per pip configuration, in {@code <root>/<scope>/}, where the scope is a digest of every {@code PIP_*}
 * variable pip sees (the process's, overlaid by the target's {@code pipEnvironment}): another index or wheelhouse
 * resolves again. Not in the key, so not reused across: {@code pip.conf} (edit it and delete the cache), a
 * wheelhouse's contents under an unchanged path, and the interpreter running pip (with {@code --platform},
 * {@code --python-version} and binary wheels only, pip's choice does not depend on it).
 *
 * <p>A {@code requirements.txt} that names other files ({@code -r}, {@code -c}, {@code -e}, a local
 * {@code --find-links}, a path or {@code file:} URL) is resolved every time into a temporary directory: the key
 * covers this file's bytes only.
 *
 * <p>One resolution of a key at a time, in this JVM and across processes: a {@link StateLock} on the key in
 * {@code <root>/.locks}. Under it, what an interrupted run left ({@code <key>.partial-*}, which
 * {@link ResolutionCache} renames into place only once complete) is removed first, so it is never reused. Entries
 * are never pruned; deleting {@code <root>} (or an entry) makes the next deploy resolve again. Thread-safe.
 */
final class LayerResolutions {
    /** Bumped when what is cached, or how, changes, so older entries are not reused. */
    static final String LAYOUT = "mldeploy-layer-resolutions-1";
    static final String PHASE = "dependencies";
    private static final Pattern INCLUDE = Pattern.compile("^(-r|--requirement|-c|--constraint|-e|--editable)");
    private static final Pattern FIND_LINKS = Pattern.compile("^(-f|--find-links)(\\s+|=)?(?<value>\\S*)");

    private final Path root;
    private final Map<String, String> pipConfiguration;

    /**
     * @param root       the cache directory, {@code <home>/resolutions}
     * @param inherited  the environment pip inherits (its {@code PIP_*} keys count)
     * @param configured the target's {@code PIP_*} variables, added over the inherited ones
     */
    LayerResolutions(Path root, Map<String, String> inherited, Map<String, String> configured) {
        this.root = root.toAbsolutePath().normalize();
        Map<String, String> pip = new TreeMap<>();
        inherited.forEach((k, v) -> {
            if (k.startsWith("PIP_")) {
                pip.put(k, v);
            }
        });
        pip.putAll(configured);
        this.pipConfiguration = Map.copyOf(pip);
    }

    /** The directory of this pip configuration's cache. */
    Path directory() {
        return root.resolve(scope(pipConfiguration));
    }

    /** The scope of a pip configuration: 16 hex digits of a SHA-256 over the layout and the sorted variables. */
    static String scope(Map<String, String> pipConfiguration) {
        StringBuilder text = new StringBuilder(LAYOUT).append('\n');
        new TreeMap<>(pipConfiguration).forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The first line of {@code requirements} that names another file or directory, when one does. */
    static Optional<String> localReference(Requirements requirements) {
        for (String line : requirements.lines()) {
            String l = line.strip();
            var links = FIND_LINKS.matcher(l);
            if (links.lookingAt()) {
                String v = links.group("value").toLowerCase(Locale.ROOT);
                if (!(v.startsWith("http://") || v.startsWith("https://"))) {
                    return Optional.of(line);
                }
                continue;
            }
            if (INCLUDE.matcher(l).lookingAt() || l.startsWith(".") || l.startsWith("/") || l.startsWith("~")
                    || l.toLowerCase(Locale.ROOT).contains("file:")) {
                return Optional.of(line);
            }
        }
        return Optional.empty();
    }

    /**
     * The resolution of {@code requirements} for {@code platform}: the cached one, else resolved by
     * {@code resolver} within the context's deadline (and cached). Close the result once zipped.
     *
     * @throws dev.mldeploy.python.DependencyInstallException pip failed; nothing is cached
     * @throws dev.mldeploy.OperationTimeoutException         pip or the lock did not finish in time; nothing is cached
     */
    Resolution resolve(Requirements requirements, PythonPlatform platform, PlatformResolver resolver,
                       DeployContext ctx, Consumer<String> pipOutput) {
        Optional<String> local = localReference(requirements);
        if (local.isPresent()) {
            ctx.progress(PHASE, "", Requirements.FILE_NAME + " names other files ('" + local.get() + "'), so its "
                    + "resolution is not cached: resolving it again");
            return resolveUncached(requirements, platform, resolver, ctx, pipOutput);
        }
        Path dir = directory();
        ResolutionCache cache = new ResolutionCache(dir);
        String key = ResolutionCache.key(requirements, platform);
        String shortKey = key.substring(0, 12);
        try (StateLock lock = StateLock.acquire(root, scope(pipConfiguration) + "-" + key.substring(0, 32),
                "dependency resolution " + shortKey, ctx)) {
            removeInterrupted(dir, key, ctx);
            Optional<ResolvedDependencies> cached = cache.find(requirements, platform);
            if (cached.isPresent()) {
                ctx.progress(PHASE, "reused", "reusing cached resolution " + shortKey + " of "
                        + Requirements.FILE_NAME + " for " + platform.describe() + " (" + cached.get().directory()
                        + "): no pip run");
                return new Resolution(cached.get(), null);
            }
            ResolvedDependencies resolved = cache.resolve(resolver, requirements, platform, ctx.remaining(),
                    pipOutput);
            ctx.progress(PHASE, "resolved", "resolved " + Requirements.FILE_NAME + " for " + platform.describe()
                    + " and cached it as " + shortKey + " (" + resolved.directory() + ")");
            return new Resolution(resolved, null);
        }
    }

    private static Resolution resolveUncached(Requirements requirements, PythonPlatform platform,
                                              PlatformResolver resolver, DeployContext ctx,
                                              Consumer<String> pipOutput) {
        Path temp;
        try {
            temp = Files.createTempDirectory("mldeploy-layer-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the dependencies", e);
        }
        try {
            return new Resolution(resolver.resolve(requirements, platform, temp.resolve("t"), ctx.remaining(),
                    pipOutput), temp);
        } catch (RuntimeException e) {
            LayerPackager.deleteTree(temp);
            throw e;
        }
    }

    /** Deletes what a resolution of {@code key} cut off (killed, the machine stopped) left; the lock is held. */
    private static void removeInterrupted(Path dir, String key, DeployContext ctx) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> partial;
        try (Stream<Path> children = Files.list(dir)) {
            partial = children.filter(p -> p.getFileName().toString().startsWith(key + ".partial-")).toList();
        } catch (IOException e) {
            throw new MlDeployException("cannot read the dependency cache " + dir + ": " + e, e);
        }
        for (Path p : partial) {
            ctx.progress(PHASE, "", "removing an interrupted resolution (" + p + "); it is never reused");
            LayerPackager.deleteTree(p);
        }
    }

    /**
     * A resolution to zip the layer from.
     *
     * @param dependencies what was resolved; its directory is a cache entry (read it, never change it) or temporary
     * @param temporary    the directory to delete on {@link #close()}, or null for a cache entry
     */
    record Resolution(ResolvedDependencies dependencies, Path temporary) implements AutoCloseable {
        @Override
        public void close() {
            if (temporary != null) {
                LayerPackager.deleteTree(temporary);
            }
        }
    }
}
