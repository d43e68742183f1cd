package dev.mldeploy.examples.cli;

import dev.mldeploy.ProgressEvent;
import dev.mldeploy.ProgressListener;
import java.io.PrintWriter;

/**
 * Shows progress on stderr: one line rewritten in place on a terminal, one line per event otherwise (logs, CI).
 * Called on the deploying thread only.
 */
final class ProgressPrinter implements ProgressListener {
    private final PrintWriter err;
    private final boolean live;
    private int lastWidth;

    ProgressPrinter(PrintWriter err, boolean live) {
        this.err = err;
        this.live = live;
    }

    /** Live when the process has a terminal (stdin and stdout; Java cannot ask about stderr alone). */
    static ProgressPrinter forConsole(PrintWriter err) {
        return new ProgressPrinter(err, System.console() != null);
    }

    @Override
    public void onProgress(ProgressEvent e) {
        String text = String.format("[%3ds] %s %s: %s%s", e.elapsed().toSeconds(), e.target(), e.phase(),
                e.status().isEmpty() ? "" : e.status() + " ", e.message());
        if (live) {
            int pad = Math.max(0, lastWidth - text.length());
            err.print("\r" + text + " ".repeat(pad));
            lastWidth = text.length();
        } else {
            err.println(text);
        }
        err.flush();
    }

    /** Ends the live line, if one is showing. */
    void finish() {
        if (live && lastWidth > 0) {
            err.println();
            err.flush();
            lastWidth = 0;
        }
    }
}
