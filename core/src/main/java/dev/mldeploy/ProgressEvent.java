package dev.mldeploy;

import java.time.Duration;
import java.util.Objects;

/**
 * One step of a long operation, reported while it runs.
 *
 * @param deployment the model name
 * @param target     the target's name
 * @param phase      what is being done ({@code package}, {@code upload}, {@code create-endpoint}, {@code wait}, ...)
 * @param status     the status observed, when waiting on one ({@code Creating}, {@code InService}); may be empty
 * @param elapsed    time since the operation started
 * @param message    a sentence for people
 */
public record ProgressEvent(String deployment, String target, String phase, String status, Duration elapsed,
                            String message) {
    public ProgressEvent {
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(phase, "phase");
        status = status == null ? "" : status;
        Objects.requireNonNull(elapsed, "elapsed");
        message = message == null ? "" : message;
    }

    @Override
    public String toString() {
        return String.format("[%s %s] %-16s %s%s (%ds)", target, deployment, phase,
                status.isEmpty() ? "" : status + " ", message, elapsed.toSeconds());
    }
}
