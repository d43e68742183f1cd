package dev.mldeploy.image.internal;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.JibEvent;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.ProgressListener;
import dev.mldeploy.image.BuiltImage;
import dev.mldeploy.image.ImageDestination;
import dev.mldeploy.image.ImageRecipe;
import dev.mldeploy.image.RegistryCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One build: checks the inputs ({@link RecipeCheck}), runs Jib on threads of its own under the caller's timeout
 * (Jib has no overall deadline: on timeout its threads are interrupted and the build abandoned), then reads back the
 * layer digests. A layout is written through a temporary tarball deleted before this returns.
 */
public final class JibImageBuild {
    private static final Logger LOG = LoggerFactory.getLogger(JibImageBuild.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    private final ImageRecipe recipe;
    private final ImageDestination destination;
    private final Path cacheDirectory;
    private final RegistryCredentials baseCredentials;
    private final boolean allowInsecure;
    private final Duration timeout;
    private final ProgressListener listener;

    public JibImageBuild(ImageRecipe recipe, ImageDestination destination, Path cacheDirectory,
                         RegistryCredentials baseCredentials, boolean allowInsecure, Duration timeout,
                         ProgressListener listener) {
        this.recipe = recipe;
        this.destination = destination;
        this.cacheDirectory = cacheDirectory;
        this.baseCredentials = baseCredentials;
        this.allowInsecure = allowInsecure;
        this.timeout = timeout;
        this.listener = listener;
    }

    public BuiltImage run() {
        RecipeCheck.check(recipe, destination, allowInsecure);
        if (!allowInsecure) {
            LoopbackTlsProbe.check(RecipeCheck.registries(recipe, destination));
        }
        long start = System.nanoTime();
        JibProgress progress = new JibProgress(recipe, listener, start);
        progress.emit("image-base", "building " + recipe.platform() + " on " + recipe.baseImage() + " with "
                + recipe.layers().size() + " layers for " + JibErrors.where(destination));
        ExecutorService jibPool = Executors.newCachedThreadPool(daemon("jib"));
        ExecutorService runner = Executors.newSingleThreadExecutor(daemon("build"));
        Path tar = null;
        try {
            JibContainerBuilder builder = JibPlan.containerBuilder(recipe, baseCredentials);
            Containerizer containerizer;
            if (destination instanceof ImageDestination.Registry r) {
                containerizer = Containerizer.to(RegistryImage.named(JibPlan.jibReference(r.reference()))
                        .addCredentialRetriever(JibPlan.retriever(r.credentials(), r.reference().registry())));
            } else {
                tar = Files.createTempFile("mldeploy-image-", ".tar");
                containerizer = Containerizer.to(TarImage.at(tar).named(
                        com.google.cloud.tools.jib.api.ImageReference.of(null, layoutName(), "latest")));
            }
            containerizer.setExecutorService(jibPool)
                    .setBaseImageLayersCache(cacheDirectory.resolve("base"))
                    .setApplicationLayersCache(cacheDirectory.resolve("layers"))
                    .setAllowInsecureRegistries(allowInsecure)
                    .setToolName(JibPlan.TOOL_NAME)
                    .setToolVersion(JibPlan.TOOL_VERSION)
                    .addEventHandler(JibEvent.class, progress::onEvent);
            Path tarFile = tar;
            Future<BuiltImage> f = runner.submit(() -> {
                JibContainer c = builder.containerize(containerizer);
                return result(c, tarFile, progress);
            });
            try {
                BuiltImage built = f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
                progress.emit("image-done", JibErrors.where(destination) + " is " + built.digest() + " ("
                        + built.pushedBlobs() + " blobs " + (tar != null ? "written" : "uploaded") + ", "
                        + built.skippedBlobs() + " already in the registry)");
                return built;
            } catch (TimeoutException e) {
                f.cancel(true);
                throw new OperationTimeoutException("building " + JibErrors.where(destination) + " did not finish "
                        + "within " + timeout.toSeconds() + "s (last: " + progress.lastPhase() + "); give it more time"
                        + " (--timeout) or check the registry's reachability");
            } catch (InterruptedException e) {
                f.cancel(true);
                Thread.currentThread().interrupt();
                throw new MlDeployException("interrupted while building " + JibErrors.where(destination), e);
            } catch (ExecutionException e) {
                throw JibErrors.translate(e, recipe, destination, allowInsecure);
            }
        } catch (IOException e) {
            throw JibErrors.translate(e, recipe, destination, allowInsecure);
        } finally {
            jibPool.shutdownNow();
            runner.shutdownNow();
            if (tar != null) {
                try {
                    Files.deleteIfExists(tar);
                } catch (IOException e) {
                    LOG.warn("cannot delete {}: {}", tar, e.toString());
                }
            }
        }
    }

    private BuiltImage result(JibContainer c, Path tar, JibProgress progress) throws Exception {
        String digest = c.getDigest().toString();
        if (destination instanceof ImageDestination.OciLayout l) {
            OciLayoutWriter.replace(tar, l.directory());
            LayoutManifest m = LayoutManifest.read(l.directory());
            return new BuiltImage(m.digest(), m.configDigest(), m.layers(), m.blobs(), 0);
        }
        ImageDestination.Registry r = (ImageDestination.Registry) destination;
        RegistryManifest.Read read = RegistryManifest.read(r.reference().withDigest(digest), r.credentials(),
                allowInsecure);
        return new BuiltImage(digest, c.getImageId().toString(), read.layers(), progress.pushed(),
                progress.skipped());
    }

    private String layoutName() {
        String n = recipe.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return "mldeploy/" + (n.isEmpty() ? "image" : n);
    }

    private static ThreadFactory daemon(String role) {
        return r -> {
            Thread t = new Thread(r, "mldeploy-image-" + role + "-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
