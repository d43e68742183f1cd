package dev.mldeploy.local;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Runs {@link SecondJvmMain} in another JVM: to the end, or until it reports a point and is killed there. */
final class SecondJvm {
    private SecondJvm() {
    }

    /** Output and status of a {@link SecondJvmMain} run. */
    record Run(int exitCode, String stdout, String stderr) {
        String line(String prefix) {
            return stdout.lines().filter(l -> l.startsWith(prefix + " ")).map(l -> l.substring(prefix.length() + 1))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + prefix + " line in: " + stdout
                            + "\nstderr: " + stderr));
        }
    }

    private static ProcessBuilder builder(Map<String, String> env, String... args) {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", classPath, SecondJvmMain.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(env);
        return pb;
    }

    /** Runs it to the end (at most 90 s). */
    static Run run(Path scratch, Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(scratch, "jvm", ".out");
        Path err = Files.createTempFile(scratch, "jvm", ".err");
        Process p = builder(env, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the second JVM did not finish within 90 s: " + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Runs it until it prints {@code AT <point>}, then kills it with SIGKILL and waits until it is gone. */
    static void killAt(Path scratch, String point, String... args) throws IOException, InterruptedException {
        Path err = Files.createTempFile(scratch, "jvm", ".err");
        Process p = builder(Map.of(), args).redirectError(err.toFile()).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException e) {
                // the process was killed
            }
            lines.add("EOF");
        });
        reader.setDaemon(true);
        reader.start();
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (true) {
                String l = lines.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (l == null || l.equals("EOF")) {
                    throw new AssertionError("the second JVM never reached " + point + ": " + l + "\n"
                            + Files.readString(err));
                }
                if (l.equals("AT " + point)) {
                    return;
                }
            }
        } finally {
            p.destroyForcibly(); // SIGKILL: no shutdown hook runs
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
