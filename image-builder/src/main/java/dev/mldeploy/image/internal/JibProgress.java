package dev.mldeploy.image.internal;

import com.google.cloud.tools.jib.api.JibEvent;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.event.events.ProgressEvent;
import com.google.cloud.tools.jib.event.progress.Allocation;
import dev.mldeploy.ProgressListener;
import dev.mldeploy.image.ImageRecipe;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Jib's events into mldeploy's {@link dev.mldeploy.ProgressEvent}s and counts blobs. Jib has no push result,
 * so the counts come from its events (jib-core 0.27.3; the test of zero uploads on an unchanged push pins them):
 * each blob Jib considers pushing opens a progress allocation {@code pushing blob <digest>}, and one the registry
 * already has logs {@code Skipping push; BLOB already exists on target registry : <digest>}. Uploaded = considered
 * minus skipped. Called on Jib's threads: thread-safe.
 */
final class JibProgress {
    static final String PUSHING = "pushing blob ";
    static final String SKIPPING = "Skipping push; BLOB already exists on target registry : ";
    /** PlatformChecker's warning: Jib would build on a base of the wrong platform. */
    static final String PLATFORM_MISMATCH = "doesn't match the platform";
    private static final Logger LOG = LoggerFactory.getLogger(JibProgress.class);
    private static final java.util.regex.Pattern DIGEST = java.util.regex.Pattern.compile("sha256:[0-9a-f]{64}");
    private static final long REPORT_EVERY_NANOS = Duration.ofSeconds(2).toNanos();

    private final ImageRecipe recipe;
    private final ProgressListener listener;
    private final long start;
    private final Set<String> considered = ConcurrentHashMap.newKeySet();
    private final Set<String> skipped = ConcurrentHashMap.newKeySet();
    private final Map<Allocation, long[]> bytes = new ConcurrentHashMap<>();
    private volatile String lastPhase = "starting";
    private volatile String platformMismatch;

    JibProgress(ImageRecipe recipe, ProgressListener listener, long startNanos) {
        this.recipe = recipe;
        this.listener = listener;
        this.start = startNanos;
    }

    void onEvent(JibEvent event) {
        if (event instanceof LogEvent log) {
            onLog(log);
        } else if (event instanceof ProgressEvent p) {
            onProgress(p);
        }
    }

    private void onLog(LogEvent log) {
        String m = log.getMessage();
        LOG.debug("jib {}: {}", log.getLevel(), m);
        if (m.startsWith(SKIPPING)) {
            String digest = digestIn(m);
            skipped.add(digest);
            emit("image-skip", "blob " + shortDigest(digest) + " already in the registry, not uploaded");
        } else if (m.startsWith("Using base image with digest: ")) {
            emit("image-base", "base " + recipe.baseImage() + " is " + m.substring(m.indexOf(':') + 2).trim());
        } else if (m.startsWith("Building ") && m.contains(" layer")) {
            emit("image-layer", m.replace("...", "").toLowerCase(Locale.ROOT));
        } else if (m.startsWith("Pulling base image layer ")) {
            emit("image-base", "pulling base layer " + shortDigest(m.substring("Pulling base image layer ".length())
                    .trim()));
        } else if (log.getLevel() == LogEvent.Level.WARN && m.contains(PLATFORM_MISMATCH)) {
            platformMismatch = m;
            throw new PlatformMismatch(m);
        }
    }

    private void onProgress(ProgressEvent p) {
        Allocation a = p.getAllocation();
        String d = a.getDescription();
        if (!d.startsWith(PUSHING)) {
            return;
        }
        String digest = digestIn(d);
        if (considered.add(digest)) {
            lastPhase = "pushing " + shortDigest(digest);
        }
        long total = a.getAllocationUnits();
        long[] state = bytes.computeIfAbsent(a, k -> new long[] {0, System.nanoTime()});
        boolean report;
        long done;
        synchronized (state) {
            state[0] += p.getUnits();
            done = state[0];
            long now = System.nanoTime();
            report = done >= total || now - state[1] >= REPORT_EVERY_NANOS;
            if (report) {
                state[1] = now;
            }
        }
        if (report && !skipped.contains(digest)) {
            emit("image-push", "blob " + shortDigest(digest) + ": " + Math.min(done, total) + " of " + total
                    + " bytes" + (done >= total ? ", done" : ""));
        }
    }

    void emit(String phase, String message) {
        lastPhase = phase + " " + message;
        listener.onProgress(new dev.mldeploy.ProgressEvent(recipe.name(), recipe.target(), phase, "",
                Duration.ofNanos(System.nanoTime() - start), message));
    }

    /** Blobs uploaded. */
    int pushed() {
        Set<String> up = new HashSet<>(considered);
        up.removeAll(skipped);
        return up.size();
    }

    /** Blobs the registry already had. */
    int skipped() {
        return skipped.size();
    }

    /** What was happening last, for a timeout's message. */
    String lastPhase() {
        return lastPhase;
    }

    String platformMismatch() {
        return platformMismatch;
    }

    /** The first {@code sha256:<hex>} in {@code text} (Jib prints a digest alone or in a blob descriptor). */
    static String digestIn(String text) {
        java.util.regex.Matcher m = DIGEST.matcher(text);
        return m.find() ? m.group() : text.trim();
    }

    static String shortDigest(String digest) {
        return digest.startsWith("sha256:") && digest.length() > 19 ? digest.substring(0, 19) : digest;
    }

    /** Thrown from the handler to stop Jib before it builds on a base of the wrong platform. */
    static final class PlatformMismatch extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PlatformMismatch(String message) {
            super(message);
        }
    }
}
