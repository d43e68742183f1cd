package dev.mldeploy.benchmarks.sagemaker;

import dev.mldeploy.sagemaker.SageMakerArtifacts;
import dev.mldeploy.testsupport.MotoServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Packaging and upload of a 1 GB model directory to S3 on a local moto server: mldeploy's {@link SageMakerArtifacts}
 * (content hash, tar, gzip and a parallel multipart upload, streamed so compression and upload overlap) against
 * {@code tar czf} followed by {@code aws s3 cp}, in the same run; plus mldeploy's uncompressed mode.
 *
 * <p>Run: {@code java -cp ... dev.mldeploy.benchmarks.sagemaker.PackageUploadBenchmark [sizeMb] [rounds]}
 * (default 1024 MB, 3 rounds). Uses {@code AWS_ENDPOINT_URL} when set, else starts moto on 127.0.0.1. The model
 * directory is generated in a temporary directory and deleted at the end.
 */
public final class PackageUploadBenchmark {
    private static final String BUCKET = "mldeploy-bench";

    private PackageUploadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int sizeMb = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String external = System.getenv("AWS_ENDPOINT_URL");
        Path work = Files.createTempDirectory("mldeploy-bench-");
        try (MotoServer moto = external == null ? MotoServer.start() : MotoServer.attach(URI.create(external))) {
            Path model = generateModel(work.resolve("model"), sizeMb);
            URI endpoint = moto.endpoint();
            String loadBefore = loadAverage();
            Map<String, List<Double>> seconds = new LinkedHashMap<>();
            Map<String, Long> uploaded = new LinkedHashMap<>();
            List<Double> ratios = new ArrayList<>();
            List<Double> ratiosSameLevel = new ArrayList<>();
            List<Double> forcedRatios = new ArrayList<>();
            List<String> order = new ArrayList<>(List.of(BASELINE, DEFAULT, LEVEL6, FORCED, FLAT));
            for (int round = 1; round <= rounds; round++) {
                Map<String, Double> t = new LinkedHashMap<>();
                for (String what : order) {
                    moto.reset(); // every measurement uploads into an empty emulator
                    try (S3Client s3 = s3(endpoint)) {
                        s3.createBucket(r -> r.bucket(BUCKET));
                        long[] bytes = new long[1];
                        switch (what) {
                            case BASELINE -> {
                                Path archive = work.resolve("model.tar.gz");
                                t.put(TAR, time(() -> run(List.of("tar", "czf", archive.toString(), "-C",
                                        model.toString(), "."), null)));
                                bytes[0] = Files.size(archive);
                                uploaded.put(TAR, bytes[0]);
                                uploaded.put(CP, bytes[0]);
                                t.put(CP, time(() -> run(List.of("aws", "s3", "cp", "--only-show-errors",
                                        archive.toString(), "s3://" + BUCKET + "/baseline/model.tar.gz",
                                        "--endpoint-url", endpoint.toString()), endpoint)));
                                Files.delete(archive);
                                t.put(BASELINE, t.get(TAR) + t.get(CP));
                            }
                            case DEFAULT -> t.put(what, time(() -> bytes[0] = upload(s3, 1, true,
                                    model, "default", false)));
                            case LEVEL6 -> t.put(what, time(() -> bytes[0] = upload(s3, 6, true,
                                    model, "level6", false)));
                            case FORCED -> t.put(what, time(() -> bytes[0] = upload(s3,
                                    1, false, model, "forced", false)));
                            default -> t.put(what, time(() -> bytes[0] = upload(s3, 1, true, model,
                                    "flat", true)));
                        }
                        uploaded.put(what, bytes[0]);
                    }
                }
                t.forEach((k, v) -> seconds.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
                ratios.add(t.get(DEFAULT) / t.get(BASELINE));
                ratiosSameLevel.add(t.get(LEVEL6) / t.get(BASELINE));
                forcedRatios.add(t.get(FORCED) / t.get(BASELINE));
                order.add(order.remove(0)); // rotate, so no method always runs first or last
            }
            print(sizeMb, rounds, seconds, uploaded, loadBefore, loadAverage());
            System.out.printf(Locale.ROOT, "%nmldeploy default (gzip 1, incompressible files stored) / baseline, per "
                    + "round: %s, median %.2f (below 1: mldeploy is faster)%n", fmt(ratios), median(ratios));
            System.out.printf(Locale.ROOT, "mldeploy gzip 6 (tar czf's level) / baseline: %s, median %.2f%n",
                    fmt(ratiosSameLevel), median(ratiosSameLevel));
            System.out.printf(Locale.ROOT, "mldeploy gzip 1 on every file (nothing stored) / baseline: %s, median "
                    + "%.2f%n", fmt(forcedRatios), median(forcedRatios));
        } finally {
            deleteTree(work);
        }
    }

    private static final String TAR = "tar czf (gzip -6)";
    private static final String CP = "aws s3 cp";
    private static final String BASELINE = "baseline: tar czf + aws s3 cp";
    private static final String DEFAULT = "mldeploy model.tar.gz (default: gzip 1, incompressible files stored)";
    private static final String LEVEL6 = "mldeploy model.tar.gz, compressionLevel(6)";
    private static final String FORCED = "mldeploy model.tar.gz, gzip 1 on every file (nothing stored)";
    private static final String FLAT = "mldeploy uncompressed (CompressionType=None)";

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** One mldeploy upload from scratch: listing, content hash, packaging and upload, as a deploy does them. */
    private static long upload(S3Client s3, int level, boolean storeIncompressible, Path model, String prefix,
                               boolean uncompressed) {
        try (SageMakerArtifacts store = SageMakerArtifacts.builder().s3Client(s3).compressionLevel(level)
                .storeIncompressibleFiles(storeIncompressible).build()) {
            return store.upload(model, BUCKET, prefix, "model", uncompressed).bytes();
        }
    }

    private static S3Client s3(URI endpoint) {
        return S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    /**
     * A model directory of {@code sizeMb}: an inference.py and weight shards of float32-like data (three random
     * bytes and one from a small set per word, so gzip saves a little, as it does on real weights).
     */
    public static Path generateModel(Path dir, int sizeMb) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("inference.py"), "def model_fn(model_dir):\n    return None\n\n\n"
                + "def predict_fn(data, model):\n    return data\n");
        SplittableRandom random = new SplittableRandom(42);
        int shards = Math.max(1, sizeMb / 128);
        long perShard = ((long) sizeMb << 20) / shards;
        byte[] buf = new byte[1 << 20];
        byte[] exponents = {0x3c, 0x3d, 0x3e, 0x3f, (byte) 0xbc, (byte) 0xbd, (byte) 0xbe, (byte) 0xbf};
        for (int s = 0; s < shards; s++) {
            try (OutputStream out = Files.newOutputStream(dir.resolve(String.format("weights-%02d.bin", s)))) {
                for (long written = 0; written < perShard; written += buf.length) {
                    for (int i = 0; i < buf.length; i += 8) {
                        long r = random.nextLong();
                        buf[i] = (byte) r;
                        buf[i + 1] = (byte) (r >>> 8);
                        buf[i + 2] = (byte) (r >>> 16);
                        buf[i + 3] = exponents[(int) ((r >>> 24) & 7)];
                        buf[i + 4] = (byte) (r >>> 32);
                        buf[i + 5] = (byte) (r >>> 40);
                        buf[i + 6] = (byte) (r >>> 48);
                        buf[i + 7] = exponents[(int) ((r >>> 56) & 7)];
                    }
                    out.write(buf, 0, (int) Math.min(buf.length, perShard - written));
                }
            }
        }
        return dir;
    }

    private static void run(List<String> command, URI endpoint) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT);
        if (endpoint != null) {
            pb.environment().put("AWS_ACCESS_KEY_ID", "test");
            pb.environment().put("AWS_SECRET_ACCESS_KEY", "test");
            pb.environment().put("AWS_DEFAULT_REGION", "us-east-1");
        }
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static double time(Step step) throws Exception {
        long start = System.nanoTime();
        step.run();
        return (System.nanoTime() - start) / 1e9;
    }

    private static void print(int sizeMb, int rounds, Map<String, List<Double>> seconds,
                              Map<String, Long> uploaded, String loadBefore, String loadAfter) {
        System.out.printf(Locale.ROOT, "%nPackaging + upload of a %d MB model directory to S3 (moto on 127.0.0.1), "
                + "%d rounds, %d cores, load average before %s, after %s%n%n", sizeMb, rounds,
                Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter);
        System.out.printf("| what | median s | per round s | MB uploaded | MB/s of model |%n|---|---:|---|---:|---:|%n");
        seconds.forEach((what, list) -> System.out.printf(Locale.ROOT, "| %s | %.1f | %s | %.0f | %.0f |%n", what,
                median(list), fmt(list), uploaded.getOrDefault(what, 0L) / 1048576.0, sizeMb / median(list)));
    }

    private static String fmt(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).toList().toString();
    }

    private static double median(List<Double> values) {
        List<Double> s = values.stream().sorted().toList();
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
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
