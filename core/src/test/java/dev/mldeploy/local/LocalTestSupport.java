package dev.mldeploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Helpers for the local target's tests: find and kill model processes started under a test's home. */
final class LocalTestSupport {
    private LocalTestSupport() {
    }

    /** Running processes whose command line mentions {@code home} (their adapter lives there). */
    static List<ProcessHandle> processesUnder(Path home) {
        String h = home.toAbsolutePath().normalize().toString();
        List<ProcessHandle> all = ProcessHandle.allProcesses()
                .filter(ProcessControl::running)
                .filter(p -> p.info().commandLine().map(c -> c.contains(h)).orElse(false)
                        || p.info().arguments().map(a -> String.join(" ", a).contains(h)).orElse(false))
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .toList();
        // a model server's workers are its children: count the servers, not their workers
        java.util.Set<Long> pids = all.stream().map(ProcessHandle::pid).collect(java.util.stream.Collectors.toSet());
        return all.stream().filter(p -> p.parent().map(parent -> !pids.contains(parent.pid())).orElse(true))
                .toList();
    }

    /** Kills every process under {@code home}; returns how many there were. */
    static int killAllUnder(Path home) {
        List<ProcessHandle> left = processesUnder(home);
        for (ProcessHandle p : left) {
            p.destroyForcibly();
            ProcessControl.waitForExit(p, Duration.ofSeconds(5));
        }
        return left.size();
    }

    /** Fails (after killing them) if model processes are left under {@code home}. */
    static void assertNoProcessUnder(Path home) {
        List<String> left = processesUnder(home).stream()
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
        killAllUnder(home);
        assertEquals(List.of(), left, "model processes left behind");
    }

    /** Whether {@code pid} runs. */
    static boolean running(long pid) {
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        return p.isPresent() && ProcessControl.running(p.get());
    }
}
