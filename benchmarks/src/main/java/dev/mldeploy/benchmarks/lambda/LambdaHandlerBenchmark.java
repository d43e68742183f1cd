package dev.mldeploy.benchmarks.lambda;

import dev.mldeploy.bundle.AdapterFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cold start and warm latency of the Lambda handler, run through the local Lambda contract
 * ({@code mldeploy_lambda.py serve}: each request becomes the event a Lambda invocation carries and goes through
 * {@code handler()}), against baselines measured in the same run: the SageMaker-contract server
 * ({@code mldeploy_serve.py serve}) on the same model, and a bare {@code python3 -c pass} for process start.
 *
 * <p>Cold start = from process start to the first 200 answer of {@code POST /invocations}. Warm = sequential
 * requests over one keep-alive connection after a warm-up, alternating between the two servers. An in-process row times {@code handler(event, None)}
 * against {@code ModelHooks.invoke} directly (the envelope's own cost, without HTTP).
 *
 * <pre>
 * java -cp benchmarks/target/classes:... dev.mldeploy.benchmarks.lambda.LambdaHandlerBenchmark [modelDir] [coldRuns]
 *      [warmRequests]
 * </pre>
 * Defaults: {@code examples/models/sentiment} when it exists (else a built-in echo model), 10 cold runs, 2000 warm
 * requests. Not thread-safe; a program.
 */
public final class LambdaHandlerBenchmark {
    private static final String FALLBACK_MODEL = """
            def model_fn(model_dir):
                return {"version": "1"}


            def predict_fn(data, model):
                return {"echo": data, "version": model["version"]}
            """;
    private static final String REQUEST = "{\"text\": \"what a lovely day, I really enjoyed the film\"}";
    private static final String IN_PROCESS = """
            import json, sys, time
            sys.path.insert(0, sys.argv[1])
            import mldeploy_lambda as h
            import mldeploy_hooks
            n = int(sys.argv[2]); body = sys.argv[3]
            hooks = mldeploy_hooks.ModelHooks.load(sys.argv[1])
            event = h.make_event(body.encode(), "application/json", "application/json")
            h.handler(event, None)
            def timed(f):
                for _ in range(n // 10):
                    f()
                t = []
                for _ in range(n):
                    s = time.perf_counter_ns(); f(); t.append(time.perf_counter_ns() - s)
                t.sort(); return t[len(t) // 2], t[int(len(t) * 0.99)]
            hm, hp = timed(lambda: h.handler(event, None))
            bm, bp = timed(lambda: hooks.invoke(body.encode(), "application/json", "application/json"))
            print(json.dumps({"handler": [hm, hp], "hooks": [bm, bp]}))
            """;

    private final String python;
    private final Path task;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private LambdaHandlerBenchmark(String python, Path task) {
        this.python = python;
        this.task = task;
    }

    public static void main(String[] args) throws Exception {
        Path model = args.length > 0 ? Path.of(args[0]) : Path.of("examples/models/sentiment");
        int coldRuns = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int warm = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        Path task = Files.createTempDirectory("mldeploy-lambda-bench");
        String modelName = prepare(model, task);
        LambdaHandlerBenchmark b = new LambdaHandlerBenchmark(System.getenv().getOrDefault("MLDEPLOY_PYTHON",
                "python3"), task);

        List<Double> bare = new ArrayList<>();
        List<Double> coldLambda = new ArrayList<>();
        List<Double> coldSageMaker = new ArrayList<>();
        for (int i = 0; i < coldRuns; i++) { // interleaved, so drift hits every series alike
            bare.add(b.bareStartMs());
            coldLambda.add(b.coldStartMs("mldeploy_lambda.py"));
            coldSageMaker.add(b.coldStartMs(AdapterFiles.SERVE_MODULE));
        }
        double[][] warmBoth = b.warm(List.of("mldeploy_lambda.py", AdapterFiles.SERVE_MODULE), warm);
        double[] warmLambda = warmBoth[0];
        double[] warmSageMaker = warmBoth[1];
        Map<String, double[]> inProcess = b.inProcess(Math.max(1000, warm * 5));

        System.out.printf(Locale.ROOT, "model: %s; %d cold runs, %d warm requests; python: %s%n", modelName,
                coldRuns, warm, b.pythonVersion());
        System.out.printf(Locale.ROOT, "%-52s %12s %12s %10s%n", "measure", "median", "p99/max", "ratio");
        row("cold start, python3 -c pass (baseline)", median(bare), max(bare), "1.00");
        row("cold start, SageMaker contract (mldeploy_serve)", median(coldSageMaker), max(coldSageMaker),
                ratio(median(coldSageMaker), median(bare)) + " x bare");
        row("cold start, Lambda contract (mldeploy_lambda)", median(coldLambda), max(coldLambda),
                ratio(median(coldLambda), median(coldSageMaker)) + " x SM");
        row("warm HTTP invoke, SageMaker contract (baseline)", warmSageMaker[0], warmSageMaker[1], "1.00");
        row("warm HTTP invoke, Lambda contract", warmLambda[0], warmLambda[1],
                ratio(warmLambda[0], warmSageMaker[0]) + " x SM");
        row("in-process, ModelHooks.invoke (baseline)", inProcess.get("hooks")[0], inProcess.get("hooks")[1],
                "1.00");
        row("in-process, handler(event) with envelope", inProcess.get("handler")[0], inProcess.get("handler")[1],
                ratio(inProcess.get("handler")[0], inProcess.get("hooks")[0]) + " x");
    }

    private static void row(String what, double medianMs, double tailMs, String ratio) {
        System.out.printf(Locale.ROOT, "%-52s %9.3f ms %9.3f ms %10s%n", what, medianMs, tailMs, ratio);
    }

    private static String ratio(double a, double b) {
        return String.format(Locale.ROOT, "%.2f", a / b);
    }

    private static String prepare(Path model, Path task) throws IOException {
        for (Map.Entry<String, byte[]> f : AdapterFiles.files().entrySet()) {
            Files.write(task.resolve(f.getKey()), f.getValue());
        }
        if (Files.isRegularFile(model.resolve("inference.py"))) {
            try (var files = Files.walk(model)) {
                for (Path p : files.filter(Files::isRegularFile).toList()) {
                    Path to = task.resolve(model.relativize(p).toString());
                    Files.createDirectories(to.getParent());
                    Files.copy(p, to);
                }
            }
            return model.toString();
        }
        Files.writeString(task.resolve("inference.py"), FALLBACK_MODEL);
        return "built-in echo model (" + model + " not found)";
    }

    private String pythonVersion() throws Exception {
        Process p = new ProcessBuilder(python, "--version").redirectErrorStream(true).start();
        String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return v;
    }

    private double bareStartMs() throws Exception {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(python, "-c", "pass").start();
        p.waitFor();
        return (System.nanoTime() - start) / 1e6;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Process start(String module, int port) throws IOException {
        return new ProcessBuilder(python, task.resolve(module).toString(), "serve", "--model-dir", task.toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(port))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private HttpRequest invocation(int port) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/invocations"))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(REQUEST)).build();
    }

    /** Process start to the first 200 answer. */
    private double coldStartMs(String module) throws Exception {
        int port = freePort();
        long start = System.nanoTime();
        Process p = start(module, port);
        try {
            HttpRequest req = invocation(port);
            long deadline = start + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                try {
                    if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return (System.nanoTime() - start) / 1e6;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(2);
            }
            throw new IllegalStateException(module + " did not answer within 60 s");
        } finally {
            stop(p);
        }
    }

    /**
     * Median and p99 in ms of sequential requests after a warm-up, for each module; both servers run at once and the
     * requests alternate between them, so drift in the machine's load hits both series alike.
     */
    private double[][] warm(List<String> modules, int n) throws Exception {
        List<Process> procs = new ArrayList<>();
        List<HttpRequest> reqs = new ArrayList<>();
        try {
            for (String module : modules) {
                int port = freePort();
                procs.add(start(module, port));
                reqs.add(invocation(port));
            }
            for (HttpRequest req : reqs) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (true) {
                    try {
                        if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                            break;
                        }
                    } catch (IOException e) {
                        if (System.nanoTime() > deadline) {
                            throw e;
                        }
                        Thread.sleep(10);
                    }
                }
                for (int i = 0; i < n / 5; i++) {
                    http.send(req, HttpResponse.BodyHandlers.discarding());
                }
            }
            double[][] t = new double[modules.size()][n];
            for (int i = 0; i < n; i++) {
                for (int m = 0; m < modules.size(); m++) {
                    long s = System.nanoTime();
                    HttpResponse<byte[]> r = http.send(reqs.get(m), HttpResponse.BodyHandlers.ofByteArray());
                    t[m][i] = (System.nanoTime() - s) / 1e6;
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException(modules.get(m) + " answered " + r.statusCode());
                    }
                }
            }
            double[][] out = new double[modules.size()][];
            for (int m = 0; m < modules.size(); m++) {
                Arrays.sort(t[m]);
                out[m] = new double[] {t[m][n / 2], t[m][(int) (n * 0.99)]};
            }
            return out;
        } finally {
            for (Process p : procs) {
                stop(p);
            }
        }
    }

    private Map<String, double[]> inProcess(int n) throws Exception {
        Path script = task.resolve("bench_in_process.py");
        Files.writeString(script, IN_PROCESS);
        Process p = new ProcessBuilder(python, script.toString(), task.toString(), Integer.toString(n), REQUEST)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("in-process benchmark failed");
        }
        Map<String, Object> m = dev.mldeploy.spi.Json.parseObject(out);
        return Map.of("handler", ms(m.get("handler")), "hooks", ms(m.get("hooks")));
    }

    private static double[] ms(Object pair) {
        List<?> l = (List<?>) pair;
        return new double[] {((Number) l.get(0)).doubleValue() / 1e6, ((Number) l.get(1)).doubleValue() / 1e6};
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        return s.get(s.size() / 2);
    }

    private static double max(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
