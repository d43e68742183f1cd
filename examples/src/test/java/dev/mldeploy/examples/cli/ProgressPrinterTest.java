package dev.mldeploy.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.ProgressEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ProgressPrinterTest {
    private static ProgressEvent event(String phase, String message, int seconds) {
        return new ProgressEvent("m", "local", phase, "", Duration.ofSeconds(seconds), message);
    }

    @Test
    void notLive_printsOneLinePerEvent() {
        StringWriter w = new StringWriter();
        ProgressPrinter p = new ProgressPrinter(new PrintWriter(w), false);
        p.onProgress(event("start", "starting python3", 0));
        p.onProgress(event("wait", "waiting for /ping", 2));
        p.finish();
        assertEquals(String.join(System.lineSeparator(), "[  0s] local start: starting python3",
                "[  2s] local wait: waiting for /ping", ""), w.toString());
    }

    @Test
    void live_rewritesOneLine_padsOverLongerText_andEndsItOnFinish() {
        StringWriter w = new StringWriter();
        ProgressPrinter p = new ProgressPrinter(new PrintWriter(w), true);
        p.onProgress(event("start", "starting a long step", 0));
        p.onProgress(event("ok", "done", 1));
        p.finish();
        String out = w.toString();
        assertEquals(2, out.chars().filter(c -> c == '\r').count(), out);
        assertTrue(out.endsWith(System.lineSeparator()) && out.chars().filter(c -> c == '\n').count() == 1, out);
        String last = out.substring(out.lastIndexOf('\r') + 1).stripTrailing();
        assertEquals("[  1s] local ok: done", last);
        int firstLength = "[  0s] local start: starting a long step".length();
        assertEquals(firstLength, out.substring(out.lastIndexOf('\r') + 1).replace(System.lineSeparator(), "")
                .length(), "the shorter line is padded over the longer one");
    }

    @Test
    void durations_acceptUnitsIsoAndBareSeconds_andRejectTheRest() {
        DurationConverter c = new DurationConverter();
        assertEquals(Duration.ofMillis(500), c.convert("500ms"));
        assertEquals(Duration.ofSeconds(90), c.convert("90s"));
        assertEquals(Duration.ofSeconds(45), c.convert("45"));
        assertEquals(Duration.ofMinutes(10), c.convert("10m"));
        assertEquals(Duration.ofHours(1), c.convert("1h"));
        assertEquals(Duration.ofMinutes(5), c.convert("PT5M"));
        assertThrows(CommandLine.TypeConversionException.class, () -> c.convert("0s"));
        assertThrows(CommandLine.TypeConversionException.class, () -> c.convert("soon"));
    }
}
