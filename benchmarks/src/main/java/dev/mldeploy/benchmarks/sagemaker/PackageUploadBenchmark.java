package dev.mldeploy.benchmarks.sagemaker;

import dev.mldeploy.sagemaker.internal.ArtifactStore;
import dev.mldeploy.sagemaker.internal.ModelPackager;
import dev.mldeploy.spi.SourceTree;
import dev.mldeploy.testsupport.MotoServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Packaging and upload of a 1 GB model directory to S3 on a local moto server: mldeploy's {@link ArtifactStore}
 * (content hash, tar, gzip and a parallel multipart upload, streamed so compression and upload overlap) against
 * {@code tar czf} followed by {@code aws s3 cp}, in the same run; plus mldeploy's uncompressed mode.
 *
 * <p>Run: {@code java -cp ... dev.mldeploy.benchmarks.sagemaker.PackageUploadBenchmark [sizeMb] [rounds]}
 * (default 1024 MB, 2 rounds). Uses {@code AWS_ENDPOINT_URL} when set, else starts moto on 127.0.0.1. The model
 * directory is generated in a temporary directory and deleted at the end.
 */
public final class PackageUploadBenchmark {
    private static final String BUCKET = "mldeploy-bench";

    private PackageUploadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int sizeMb = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        String external = System.getenv("AWS_ENDPOINT_URL");
        Path work = Files.createTempDirectory("mldeploy-bench-");
        try (MotoServer moto = external == null ? MotoServer.start() : MotoServer.attach(URI.create(external))) {
            Path model = generateModel(work.resolve("model"), sizeMb);
            URI endpoint = moto.endpoint();
            List<String[]> rows = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            List<Double> ratiosSameLevel = new ArrayList<>();
            List<Double> forcedRatios = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                moto.reset();
                try (S3Client s3 = s3(endpoint)) {
                    s3.createBucket(r -> r.bucket(BUCKET));
                    double tarSeconds = time(() -> run(List.of("tar", "czf", work.resolve("model.tar.gz").toString(),
                            "-C", model.toString(), "."), null));
                    long tarBytes = Files.size(work.resolve("model.tar.gz"));
                    double cpSeconds = time(() -> run(List.of("aws", "s3", "cp", "--only-show-errors",
                            work.resolve("model.tar.gz").toString(), "s3://" + BUCKET + "/baseline/model.tar.gz",
                            "--endpoint-url", endpoint.toString()), endpoint));
                    Files.delete(work.resolve("model.tar.gz"));
                    double baseline = tarSeconds + cpSeconds;
                    long[] bytes = new long[1];
                    double level1 = time(() -> bytes[0] = upload(s3, model, 1, "level1", false));
                    long level1Bytes = bytes[0];
                    double level6 = time(() -> bytes[0] = upload(s3, model, 6, "level6", false));
                    long level6Bytes = bytes[0];
                    double forced = time(() -> bytes[0] = upload(s3, new ModelPackager(1, false), model, "forced",
                            false));
                    long forcedBytes = bytes[0];
                    double flat = time(() -> upload(s3, model, 1, "flat", true));
                    ratios.add(level1 / baseline);
                    ratiosSameLevel.add(level6 / baseline);
                    rows.add(row(round, "tar czf (gzip -6)", tarSeconds, tarBytes, sizeMb));
                    rows.add(row(round, "aws s3 cp", cpSeconds, tarBytes, sizeMb));
                    rows.add(row(round, "baseline: tar czf + aws s3 cp", baseline, tarBytes, sizeMb));
                    rows.add(row(round, "mldeploy model.tar.gz, gzip level 1 (default)", level1, level1Bytes,
                            sizeMb));
                    rows.add(row(round, "mldeploy model.tar.gz, gzip level 6", level6, level6Bytes, sizeMb));
                    rows.add(row(round, "mldeploy model.tar.gz, gzip 1 on every file (no store)", forced,
                            forcedBytes, sizeMb));
                    forcedRatios.add(forced / baseline);
                    rows.add(row(round, "mldeploy uncompressed (CompressionType=None)", flat, (long) sizeMb << 20,
                            sizeMb));
                }
            }
            print(sizeMb, rows, ratios, ratiosSameLevel);
            System.out.printf(Locale.ROOT, "mldeploy (gzip 1 on every file, nothing stored) / baseline: %s (median "
                    + "%.2f)%n", fmt(forcedRatios), median(forcedRatios));
        } finally {
            deleteTree(work);
        }
    }

    /** One mldeploy upload from scratch: listing, content hash, packaging and upload, as a deploy does them. */
    private static long upload(S3Client s3, Path model, int level, String prefix, boolean uncompressed) {
        return upload(s3, new ModelPackager(level), model, prefix, uncompressed);
    }

    private static long upload(S3Client s3, ModelPackager packager, Path model, String prefix,
                               boolean uncompressed) {
        try (ArtifactStore store = new ArtifactStore(s3, packager)) {
            return store.upload(SourceTree.of(model), BUCKET, prefix, "model", uncompressed).bytes();
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

    private static String[] row(int round, String what, double seconds, long bytes, int sizeMb) {
        return new String[] {Integer.toString(round), what, String.format(Locale.ROOT, "%.2f", seconds),
                String.format(Locale.ROOT, "%.0f", bytes / 1048576.0),
                String.format(Locale.ROOT, "%.0f", sizeMb / seconds)};
    }

    private static void print(int sizeMb, List<String[]> rows, List<Double> ratios, List<Double> sameLevel) {
        System.out.printf(Locale.ROOT, "%nPackaging + upload of a %d MB model directory to S3 (moto on 127.0.0.1), "
                + "%d cores%n%n", sizeMb, Runtime.getRuntime().availableProcessors());
        System.out.printf("| round | what | seconds | MB uploaded | MB/s of model |%n|---|---|---:|---:|---:|%n");
        for (String[] r : rows) {
            System.out.printf("| %s | %s | %s | %s | %s |%n", (Object[]) r);
        }
        System.out.printf(Locale.ROOT, "%nmldeploy (default, gzip 1) / baseline time ratio per round: %s (median "
                + "%.2f; below 1 means mldeploy is faster)%n", fmt(ratios), median(ratios));
        System.out.printf(Locale.ROOT, "mldeploy (gzip 6, the level tar czf uses) / baseline: %s (median %.2f)%n",
                fmt(sameLevel), median(sameLevel));
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
