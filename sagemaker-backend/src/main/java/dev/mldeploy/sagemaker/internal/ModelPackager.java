package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.bundle.AdapterFiles;
import dev.mldeploy.bundle.ModelBundle;
import dev.mldeploy.bundle.SourceTree;
import dev.mldeploy.bundle.TarWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Packages a model directory for SageMaker: its {@link ModelBundle} (the user's files and the serving adapter under
 * {@code code/}) as a deterministic {@code model.tar.gz} (sorted entries, fixed metadata, gzip header without a
 * timestamp) or as the list of files for an uncompressed S3 prefix. The same content gives the same bytes. Thread-safe. Not API.
 */
public final class ModelPackager {
    /** Where user code and the adapter go inside the artifact (the serving adapter's default model dir). */
    public static final String CODE_DIR = ModelBundle.Layout.SAGEMAKER_ARCHIVE.prefix();
    public static final String ARCHIVE_NAME = "model.tar.gz";
    /** Bumped when the archive layout changes, so new layouts get new keys. */
    private static final String FORMAT = "mldeploy-sagemaker-tar/2";

    /** Files at least this large are sampled to decide whether compressing them is worth it. */
    static final long SAMPLE_FROM_BYTES = 1 << 20;
    static final int SAMPLE_BYTES = 256 * 1024;
    /** A sample that gzip shrinks by less than this fraction is stored, not compressed. */
    static final double STORE_ABOVE_RATIO = 0.9;

    private final int compressionLevel;
    private final boolean adaptive;
    private final int threads;

    /** A packager compressing at {@code compressionLevel} that stores files gzip cannot shrink (model weights). */
    public ModelPackager(int compressionLevel) {
        this(compressionLevel, true);
    }

    /**
     * @param compressionLevel the gzip level (0 to 9)
     * @param adaptive         whether files that gzip shrinks by less than 10% in a sample are stored instead
     */
    public ModelPackager(int compressionLevel, boolean adaptive) {
        this(compressionLevel, adaptive, Runtime.getRuntime().availableProcessors());
    }

    /**
     * @param threads how many threads compress (the output is the same for any number)
     */
    public ModelPackager(int compressionLevel, boolean adaptive, int threads) {
        this.compressionLevel = compressionLevel;
        this.adaptive = adaptive;
        this.threads = threads;
    }

    /** The artifact's files, sorted by path: the model directory's and the adapter's, all under {@code code/}. */
    public List<ModelBundle.Entry> entries(SourceTree tree) {
        return bundle(tree).entries();
    }

    /** The artifact's files laid out as {@code layout}, sorted by path. */
    public List<ModelBundle.Entry> entries(SourceTree tree, ArtifactLayout layout) {
        return layout.entries(tree);
    }

    /** {@code tree} laid out as SageMaker's artifact ({@link ModelBundle.Layout#SAGEMAKER_ARCHIVE}). */
    public static ModelBundle bundle(SourceTree tree) {
        return ModelBundle.of(tree, ModelBundle.Layout.SAGEMAKER_ARCHIVE);
    }

    /**
     * A key for the artifact's content: the same model files, adapter, layout and compression give the same key,
     * so an upload can be skipped when an object under it exists. 32 hex characters.
     */
    public String contentKey(SourceTree tree, boolean uncompressed) {
        return contentKey(tree, uncompressed, ArtifactLayout.CONTAINER);
    }

    /** {@link #contentKey(SourceTree, boolean)} for {@code layout} (the layouts never share a key). */
    public String contentKey(SourceTree tree, boolean uncompressed, ArtifactLayout layout) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        // the container layout keeps its key of before; the framework layout has no adapter but its own name
        String format = layout == ArtifactLayout.CONTAINER ? FORMAT : FORMAT + "+" + layout.name().toLowerCase(
                java.util.Locale.ROOT);
        String parts = format + "\0" + tree.sha256() + "\0" + AdapterFiles.sha256() + "\0"
                + (uncompressed ? "none" : "gzip" + compressionLevel + (adaptive ? "a" : ""));
        return HexFormat.of().formatHex(md.digest(parts.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
    }

    /** Writes {@code model.tar.gz} for {@code tree} to {@code out} (not closed). */
    public void writeTarGz(SourceTree tree, OutputStream out) throws IOException {
        writeTarGz(bundle(tree), out);
    }

    /** Writes {@code model.tar.gz} for {@code bundle} (laid out for SageMaker) to {@code out} (not closed). */
    public void writeTarGz(ModelBundle bundle, OutputStream out) throws IOException {
        writeTarGz(bundle.entries(), out);
    }

    /** Writes {@code model.tar.gz} for {@code tree} laid out as {@code layout} to {@code out} (not closed). */
    public void writeTarGz(SourceTree tree, ArtifactLayout layout, OutputStream out) throws IOException {
        writeTarGz(layout.entries(tree), out);
    }

    /** Writes {@code model.tar.gz} of {@code entries} (sorted by path) to {@code out} (not closed). */
    public void writeTarGz(List<ModelBundle.Entry> entries, OutputStream out) throws IOException {
        ParallelGzipOutputStream gzip = new ParallelGzipOutputStream(out, compressionLevel, threads);
        BufferedOutputStream buffered = new BufferedOutputStream(gzip, 1 << 18);
        TarWriter tar = new TarWriter(buffered);
        int level = compressionLevel;
        for (ModelBundle.Entry e : entries) {
            int wanted = levelFor(e);
            if (wanted != level) {
                buffered.flush(); // the new level starts at this entry, whatever the buffer held
                gzip.level(wanted);
                level = wanted;
            }
            try (InputStream in = e.open()) {
                tar.addFile(e.path(), e.size(), e.executable(), in);
            }
        }
        try {
            tar.finish();
            buffered.flush();
        } finally {
            gzip.finish();
        }
    }

    /** Writes {@code model.tar.gz} into {@code dir}; returns its path. */
    public Path writeTarGz(SourceTree tree, Path dir) {
        return writeTarGz(bundle(tree), dir);
    }

    /** Writes {@code model.tar.gz} for {@code bundle} into {@code dir}; returns its path. */
    public Path writeTarGz(ModelBundle bundle, Path dir) {
        return writeTarGz(bundle.entries(), dir);
    }

    /** Writes {@code model.tar.gz} of {@code entries} into {@code dir}; returns its path. */
    public Path writeTarGz(List<ModelBundle.Entry> entries, Path dir) {
        Path file = dir.resolve(ARCHIVE_NAME);
        try (OutputStream out = Files.newOutputStream(file)) {
            writeTarGz(entries, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    /**
     * The level for one entry: 0 (stored) for a large file whose first {@value #SAMPLE_BYTES} bytes gzip shrinks by
     * less than 10% (float weights, already-compressed files), else the configured level. Depends only on the
     * content, so the archive stays deterministic.
     */
    int levelFor(ModelBundle.Entry e) throws IOException {
        if (!adaptive || compressionLevel == 0 || e.size() < SAMPLE_FROM_BYTES) {
            return compressionLevel;
        }
        byte[] sample;
        try (InputStream in = e.open()) {
            sample = in.readNBytes(SAMPLE_BYTES);
        }
        java.util.zip.Deflater d = new java.util.zip.Deflater(1, true);
        try {
            d.setInput(sample);
            d.finish();
            byte[] out = new byte[64 * 1024];
            long compressed = 0;
            while (!d.finished()) {
                compressed += d.deflate(out);
            }
            return compressed > STORE_ABOVE_RATIO * sample.length ? 0 : compressionLevel;
        } finally {
            d.end();
        }
    }
}
