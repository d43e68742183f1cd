package dev.mldeploy;

/** Receives progress while a deploy or undeploy waits. Called on the deploying thread; keep it quick. */
@FunctionalInterface
public interface ProgressListener {

    void onProgress(ProgressEvent event);

    /** A listener that ignores every event. */
    static ProgressListener none() {
        return event -> { };
    }
}
