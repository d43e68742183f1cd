package dev.mldeploy.benchmarks.local;

import dev.mldeploy.DeployResult;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Throughput of {@link InferenceClient#invoke} against a plain {@link HttpClient} POST to the same local model
 * server (the sample sentiment model deployed to the local target), at concurrency 1 and 8, with the same request,
 * both measured in the same run, reported as a ratio (target: at least 0.9).
 *
 * <p>A program, not a library: its static methods are called from {@code main} on one thread.
 *
 * <p>A control row measures the plain client against itself the same way, so the table shows how far apart two
 * identical clients come out on the machine at that moment (the noise a ratio should be read against).
 *
 * <p>A plain harness rather than JMH: the model server must be deployed once and shared by both clients, and
 * JMH's forked JVMs would each deploy their own. Each round runs the two clients one after the other for the same
 * time (alternating which goes first), after a warm-up of each; the ratio is of the summed request counts.
 *
 * <p>Time comes from a nanosecond clock ({@link System#nanoTime()} by default) that the harness's tests replace
 * with one they advance themselves, so that they check its arithmetic without depending on how busy the machine is.
 * A run's elapsed time is from its start to the last worker's last reading, on that clock.
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl benchmarks -am dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) \
 *     dev.mldeploy.benchmarks.local.InferenceClientBenchmark [--rounds 5] [--seconds 3] [--warmup 3] [--control true]
 * </pre>
 */
public final class InferenceClientBenchmark {
    static final String BODY = "{\"text\": \"The food was delicious and the staff were friendly\"}";
    static final int[] CONCURRENCY = {1, 8};

    private InferenceClientBenchmark() {
    }

    /** One client under test: sends the request once, throws when the answer is not the model's. */
    interface Caller {
        void call() throws Exception;
    }

    /** Requests completed in one timed run, and their mean latency. */
    record Run(long requests, Duration elapsed, long totalNanos) {
        double perSecond() {
            return requests / (elapsed.toNanos() / 1e9);
        }

        double meanMillis() {
            return requests == 0 ? 0 : totalNanos / 1e6 / requests;
        }
    }

    /**
     * One concurrency level: the summed runs of each client, and the control ratio (the baseline against itself,
     * measured the same way: how far apart two identical clients come out on this machine), NaN when not measured.
     */
    record Row(int concurrency, Run baseline, Run mldeploy, double controlRatio) {
        double ratio() {
            return mldeploy.perSecond() / baseline.perSecond();
        }

        Row withControl(double ratio) {
            return new Row(concurrency, baseline, mldeploy, ratio);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "5"));
        Duration round = Duration.ofMillis((long) (Double.parseDouble(opts.getOrDefault("seconds", "3")) * 1000));
        Duration warmup = Duration.ofMillis((long) (Double.parseDouble(opts.getOrDefault("warmup", "3")) * 1000));
        Path model = Path.of(opts.getOrDefault("model", defaultModel().toString()));
        boolean control = Boolean.parseBoolean(opts.getOrDefault("control", "true"));

        Path home = Files.createTempDirectory("mldeploy-bench-home");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("MLDEPLOY_HOME", home.toString());
        ModelSpec spec = ModelSpec.builder("sentiment-bench").source(model).build();
        try (ModelDeployer deployer = ModelDeployer.builder().environment(env).build()) {
            DeployResult deployed = deployer.deploy(spec);
            try {
                URI uri = URI.create(deployed.deployment().endpoint() + "/invocations");
                List<Row> rows = measure(deployer, uri, rounds, round, warmup, control);
                System.out.print(table(rows, rounds, round));
            } finally {
                deployer.undeploy(spec.name());
            }
        } finally {
            deleteTree(home);
        }
    }

    static List<Row> measure(ModelDeployer deployer, URI uri, int rounds, Duration round, Duration warmup,
                             boolean control) throws Exception {
        // the baseline is configured as the local target's own client is (HTTP/1.1, no proxy lookup, the body as
        // bytes), so the ratio measures what mldeploy adds, not a difference in client settings. It builds its
        // request per call, as mldeploy does (one HttpRequest shared by 8 threads came out slower in a trial run).
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER)
                .proxy(HttpClient.Builder.NO_PROXY).build();
        byte[] bytes = BODY.getBytes(StandardCharsets.UTF_8);
        String auth = authorization(deployer);
        Caller baseline = () -> {
            HttpResponse<byte[]> r;
            try {
                r = http.send(plainRequest(uri, bytes, auth), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                if (!closedLocally(e)) {
                    throw e;
                }
                // the JDK's pool closed a kept-alive connection as it handed it out, before the request left;
                // the local target's client resends once on a fresh connection, and so does the baseline
                r = http.send(plainRequest(uri, bytes, auth), HttpResponse.BodyHandlers.ofByteArray());
            }
            check(r.statusCode() == 200 ? new String(r.body(), StandardCharsets.UTF_8) : "HTTP " + r.statusCode());
        };
        InferenceRequest request = InferenceRequest.json(BODY);
        List<Row> rows = new ArrayList<>();
        try (InferenceClient client = deployer.client("sentiment-bench")) {
            Caller sdk = () -> {
                InferenceResponse r = client.invoke(request);
                check(r.bodyAsString());
            };
            for (int c : CONCURRENCY) {
                run(baseline, c, warmup);
                run(sdk, c, warmup);
                Row row = compare(baseline, sdk, c, rounds, round);
                rows.add(control ? row.withControl(compare(baseline, baseline, c, rounds, round).ratio()) : row);
            }
        }
        return rows;
    }

    /**
     * The X-Mldeploy-Auth header the local model server requires (see mldeploy_serve.py), made once from the token in
     * the deployment's state: the baseline sends it on every request without checking the answer's proof.
     */
    private static String authorization(ModelDeployer deployer) throws Exception {
        Path state = Path.of(deployer.describe("sentiment-bench").attributes().get("stateDir"), "state.json");
        String token = (String) dev.mldeploy.spi.Json.parseObject(Files.readString(state)).get("token");
        String nonce = "00000000000000000000000000000000";
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(token.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        return nonce + " " + java.util.HexFormat.of().formatHex(mac.doFinal(("request\n" + nonce)
                .getBytes(StandardCharsets.US_ASCII)));
    }

    private static HttpRequest plainRequest(URI uri, byte[] body, String auth) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("X-Mldeploy-Auth", auth)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    /** Rounds of {@code a} then {@code b} (alternating which goes first); the summed runs of each. */
    static Row compare(Caller a, Caller b, int threads, int rounds, Duration round) throws InterruptedException {
        return compare(a, b, threads, rounds, round, System::nanoTime);
    }

    /** {@link #compare(Caller, Caller, int, int, Duration)} timed by {@code nanoTime}. */
    static Row compare(Caller a, Caller b, int threads, int rounds, Duration round, LongSupplier nanoTime)
            throws InterruptedException {
        Run sumA = new Run(0, Duration.ZERO, 0);
        Run sumB = new Run(0, Duration.ZERO, 0);
        for (int i = 0; i < rounds; i++) {
            boolean aFirst = i % 2 == 0;
            Run first = run(aFirst ? a : b, threads, round, nanoTime);
            Run second = run(aFirst ? b : a, threads, round, nanoTime);
            sumA = add(sumA, aFirst ? first : second);
            sumB = add(sumB, aFirst ? second : first);
        }
        return new Row(threads, sumA, sumB, Double.NaN);
    }

    private static boolean closedLocally(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException && "connection closed locally".equals(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    private static void check(String answer) {
        if (!answer.contains("\"label\"")) {
            throw new IllegalStateException("unexpected answer: " + answer);
        }
    }

    private static Run add(Run a, Run b) {
        return new Run(a.requests + b.requests, a.elapsed.plus(b.elapsed), a.totalNanos + b.totalNanos);
    }

    /** Runs {@code caller} on {@code threads} threads, each calling in a loop, for {@code length}. */
    static Run run(Caller caller, int threads, Duration length) throws InterruptedException {
        return run(caller, threads, length, System::nanoTime);
    }

    /** {@link #run(Caller, int, Duration)} timed by {@code nanoTime}, read on the calling and the worker threads. */
    static Run run(Caller caller, int threads, Duration length, LongSupplier nanoTime) throws InterruptedException {
        long[] counts = new long[threads];
        long[] nanos = new long[threads];
        long[] finished = new long[threads];
        Throwable[] failure = new Throwable[1];
        long start = nanoTime.getAsLong();
        long end = start + length.toNanos();
        java.util.Arrays.fill(finished, start);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                try {
                    long now = nanoTime.getAsLong();
                    while (now < end) {
                        caller.call();
                        long after = nanoTime.getAsLong();
                        nanos[id] += after - now;
                        counts[id]++;
                        now = after;
                    }
                    finished[id] = now;
                } catch (Throwable e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            }, "bench-" + t);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        if (failure[0] != null) {
            throw new IllegalStateException("a request failed: " + failure[0], failure[0]);
        }
        long total = 0;
        long totalNanos = 0;
        long last = start;
        for (int t = 0; t < threads; t++) {
            total += counts[t];
            totalNanos += nanos[t];
            last = Math.max(last, finished[t]);
        }
        long elapsed = last - start;
        return new Run(total, Duration.ofNanos(elapsed), totalNanos);
    }

    static String table(List<Row> rows, int rounds, Duration round) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "InferenceClient.invoke vs java.net.http POST, same local model server "
                        + "(sample sentiment model), %d rounds x %.1f s each, %d cores, Java %s, %s %s%n",
                rounds, round.toMillis() / 1000.0, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), System.getProperty("os.name"), System.getProperty("os.arch")));
        sb.append(String.format(Locale.ROOT, "| concurrency | java.net.http req/s | mldeploy req/s | ratio | "
                + "control ratio (java.net.http vs itself) | mean latency ms (java.net.http / mldeploy) |%n"));
        sb.append("|---:|---:|---:|---:|---:|---:|").append(System.lineSeparator());
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %d | %.0f | %.0f | %.3f | %s | %.3f / %.3f |%n", r.concurrency(),
                    r.baseline().perSecond(), r.mldeploy().perSecond(), r.ratio(),
                    Double.isNaN(r.controlRatio()) ? "-" : String.format(Locale.ROOT, "%.3f", r.controlRatio()),
                    r.baseline().meanMillis(), r.mldeploy().meanMillis()));
        }
        return sb.toString();
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: [--rounds N] [--seconds S] [--warmup S] [--model DIR] "
                        + "[--control true|false]");
            }
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }

    /** The sample model under the current directory or its parent (run from the repository or benchmarks/). */
    static Path defaultModel() {
        for (Path p : List.of(Path.of("examples/models/sentiment"), Path.of("../examples/models/sentiment"))) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        return Path.of("examples/models/sentiment");
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
