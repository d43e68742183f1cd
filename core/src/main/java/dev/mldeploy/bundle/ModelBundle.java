package dev.mldeploy.bundle;

import dev.mldeploy.ModelSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model's packaged files ({@link SourceTree}) plus mldeploy's serving adapter ({@link AdapterFiles}), laid out for
 * one contract ({@link Layout}): which file goes where, refusing a model file that would take an adapter file's
 * place, and how big the result is. The SageMaker archive, the Lambda zip and the local target are built from it, so
 * the three agree on what a model ships with. Immutable and thread-safe once built (it reads the model's files only
 * when an entry is opened).
 */
public final class ModelBundle {

    /** Where a contract puts the model's files and the adapter's. */
    public enum Layout {
        /**
         * SageMaker's {@code model.tar.gz} (or its uncompressed S3 prefix): the model's files and the adapter under
         * {@code code/}, where the serving adapter looks for them below {@code /opt/ml/model}.
         */
        SAGEMAKER_ARCHIVE("code/", "the SageMaker archive"),
        /** The Lambda zip: the model's files and the adapter at the root, which Lambda puts on the Python path. */
        LAMBDA_ZIP("", "the Lambda zip"),
        /**
         * The local target: the model runs from its own directory and the adapter from one of its own, both on the
         * Python path, so the names share one space as in the zip.
         */
        LOCAL_DIRECTORY("", "the local target's Python path");

        private final String prefix;
        private final String description;

        Layout(String prefix, String description) {
            this.prefix = prefix;
            this.description = description;
        }

        /** The directory, inside the bundle, holding the model's files and the adapter's ({@code ""} or {@code code/}). */
        public String prefix() {
            return prefix;
        }

        /** For messages: {@code the Lambda zip}. */
        public String description() {
            return description;
        }
    }

    /**
     * One file of the bundle.
     *
     * @param path       its path inside the bundle ({@code code/inference.py}), a safe entry name
     * @param file       the model's file on disk, or null for an adapter file
     * @param bytes      the adapter file's bytes, or null for a model file
     * @param size       its size in bytes
     * @param executable whether it is executable
     */
    public record Entry(String path, Path file, byte[] bytes, long size, boolean executable) {
        public Entry {
            Objects.requireNonNull(path, "path");
            if ((file == null) == (bytes == null)) {
                throw new IllegalArgumentException("an entry has a file or bytes");
            }
        }

        /** Whether it is one of mldeploy's adapter files rather than the model's. */
        public boolean isAdapter() {
            return bytes != null;
        }

        /** Opens the entry's content. */
        public InputStream open() throws IOException {
            return bytes != null ? new ByteArrayInputStream(bytes) : Files.newInputStream(file);
        }
    }

    private final SourceTree tree;
    private final Layout layout;
    private final List<Entry> entries;
    private final long packagedBytes;

    private ModelBundle(SourceTree tree, Layout layout, List<Entry> entries) {
        this.tree = tree;
        this.layout = layout;
        this.entries = List.copyOf(entries);
        this.packagedBytes = entries.stream().mapToLong(Entry::size).sum();
    }

    /** Lists {@code spec}'s model directory (every exclude applied) and lays it out for {@code layout}. */
    public static ModelBundle of(ModelSpec spec, Layout layout) {
        return of(SourceTree.of(spec), layout);
    }

    /**
     * Lays {@code tree} out for {@code layout}, with every adapter file.
     *
     * @throws AdapterNameCollisionException when a model file would land where an adapter file goes
     * @throws dev.mldeploy.InvalidSpecException when a path inside the bundle is not a safe entry name
     */
    public static ModelBundle of(SourceTree tree, Layout layout) {
        Objects.requireNonNull(tree, "tree");
        Objects.requireNonNull(layout, "layout");
        Map<String, byte[]> adapter = AdapterFiles.files();
        List<Entry> entries = new ArrayList<>(tree.entries().size() + adapter.size());
        for (SourceTree.Entry e : tree.entries()) {
            String path = layout.prefix() + e.path();
            if (AdapterFiles.claims(e.path())) {
                throw new AdapterNameCollisionException(e.file(), path, layout);
            }
            // SourceTree checked the name; checked again with the prefix, since these paths also become S3 keys
            // that SageMaker downloads under /opt/ml/model (the uncompressed artifact)
            entries.add(new Entry(PackageEntryNames.requireSafe(path), e.file(), null, e.size(), e.executable()));
        }
        adapter.forEach((name, bytes) -> entries.add(new Entry(layout.prefix() + name, null, bytes, bytes.length,
                false)));
        entries.sort(Comparator.comparing(Entry::path));
        return new ModelBundle(tree, layout, entries);
    }

    /**
     * The adapter's files as {@code layout} places them: path inside the bundle to bytes (copies), in
     * {@link AdapterFiles#NAMES} order. For the local target, which writes them to a directory of their own.
     */
    public static Map<String, byte[]> adapterFiles(Layout layout) {
        Map<String, byte[]> placed = new LinkedHashMap<>();
        AdapterFiles.files().forEach((name, bytes) -> placed.put(layout.prefix() + name, bytes));
        return Collections.unmodifiableMap(placed);
    }

    /** The size of the adapter files every bundle adds to the model's, in bytes. */
    public static long adapterBytes() {
        return AdapterFiles.files().values().stream().mapToLong(b -> b.length).sum();
    }

    /** The model's files, as listed. */
    public SourceTree tree() {
        return tree;
    }

    public Layout layout() {
        return layout;
    }

    /** Every file, the model's and the adapter's, sorted by path inside the bundle. */
    public List<Entry> entries() {
        return entries;
    }

    /** The sum of every file's size: the bundle unpacked ({@code SourceTree.totalBytes()} plus the adapter). */
    public long packagedBytes() {
        return packagedBytes;
    }

    /** How many files the bundle holds, the adapter's included. */
    public int fileCount() {
        return entries.size();
    }

    /**
     * Writes the bundle as a deterministic zip ({@link DeterministicZip}) to {@code zip}, replacing it: the same
     * files give the same bytes.
     */
    public void writeZip(Path zip) throws IOException {
        List<DeterministicZip.Entry> zipEntries = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            zipEntries.add(e.isAdapter() ? DeterministicZip.Entry.ofBytes(e.path(), e.bytes())
                    : DeterministicZip.Entry.ofFile(e.path(), e.file(), e.executable()));
        }
        DeterministicZip.write(zipEntries, zip);
    }
}
