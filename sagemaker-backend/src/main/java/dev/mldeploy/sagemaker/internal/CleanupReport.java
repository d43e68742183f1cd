package dev.mldeploy.sagemaker.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the cleanup after a failed deploy removed and what it could not, so the error says "removed" only for
 * what was removed and names the rest. Not thread-safe. Not API.
 */
final class CleanupReport {
    private static final Logger LOG = LoggerFactory.getLogger(CleanupReport.class);
    private final List<String> removed = new ArrayList<>();
    private final List<String> left = new ArrayList<>();

    /**
     * Runs {@code delete} for {@code what} (true: deleted, false: it was not there); a failure is recorded, not
     * thrown (the deploy's failure matters more). Returns whether {@code what} is gone.
     */
    boolean remove(String what, BooleanSupplier delete) {
        try {
            if (delete.getAsBoolean()) {
                removed.add(what);
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warn("could not remove {} after a failed deploy: {}", what, e.toString());
            left.add(what + " (" + e.getMessage() + ")");
            return false;
        }
    }

    /** Records something the cleanup leaves on purpose or cannot remove. */
    void leave(String what) {
        left.add(what);
    }

    boolean clean() {
        return left.isEmpty();
    }

    /** One sentence: what was removed, and what is left with how to remove it; empty when there was nothing. */
    String note(String name) {
        if (removed.isEmpty() && left.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        if (!removed.isEmpty()) {
            b.append("removed the ").append(String.join(", ", removed)).append(" this deploy created");
        }
        if (left.isEmpty()) {
            b.append("; nothing is left, so a retry starts clean");
        } else {
            b.append(removed.isEmpty() ? "" : "; ").append("left: ").append(String.join(", ", left))
                    .append(" (tagged mldeploy:name=").append(name).append("; 'undeploy ").append(name)
                    .append("' removes them)");
        }
        return b.toString();
    }
}
