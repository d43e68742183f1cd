package dev.mldeploy.bundle;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes a zip whose bytes depend only on its entries' names, contents and modes: entries sorted by name, every
 * timestamp 1980-01-01 00:00, no extra fields, UTF-8 names, and the POSIX mode in the external attributes (made by
 * Unix), which {@link java.util.zip.ZipOutputStream} cannot write. Lambda extracts files with these modes, so a
 * file is readable by the runtime user. Same input, same bytes, same CodeSha256. Every name must pass
 * {@link PackageEntryNames} (checked when an entry is made, whatever the caller checked), so no entry can land
 * outside the directory the zip is extracted to. Not thread-safe.
 */
public final class DeterministicZip {
    /** rw-r--r-- regular file. */
    public static final int MODE_FILE = 0100644;
    /** rwxr-xr-x regular file. */
    public static final int MODE_EXECUTABLE = 0100755;

    private static final int DOS_TIME = 0;
    private static final int DOS_DATE = (1 << 5) | 1; // 1980-01-01
    private static final int FLAG_UTF8 = 0x0800;
    private static final int VERSION = 20;
    private static final int MADE_BY_UNIX = (3 << 8) | VERSION;
    private static final int MAX_ENTRIES = 0xFFFF;
    private static final long MAX_SIZE = 0xFFFFFFFFL;

    /** One entry: its path in the zip ('/'-separated), its content (a file or bytes), and its mode. */
    public record Entry(String name, Path file, byte[] bytes, int mode) {
        public Entry {
            Objects.requireNonNull(name, "name");
            PackageEntryNames.requireSafe(name);
            if ((file == null) == (bytes == null)) {
                throw new IllegalArgumentException("an entry has a file or bytes");
            }
        }

        public static Entry ofFile(String name, Path file, boolean executable) {
            return new Entry(name, file, null, executable ? MODE_EXECUTABLE : MODE_FILE);
        }

        public static Entry ofBytes(String name, byte[] bytes) {
            return new Entry(name, null, bytes.clone(), MODE_FILE);
        }

        InputStream open() throws IOException {
            return file != null ? Files.newInputStream(file) : new ByteArrayInputStream(bytes);
        }
    }

    private record Written(byte[] name, int mode, long crc, long compressed, long size, long offset) {
    }

    private DeterministicZip() {
    }

    /** Writes {@code entries} (in name order whatever the list's order) to {@code out}, replacing it. */
    public static void write(List<Entry> entries, Path out) throws IOException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(Entry::name));
        Set<String> seen = new HashSet<>();
        for (Entry e : sorted) {
            if (!seen.add(e.name())) {
                throw new IllegalArgumentException("two zip entries are named " + e.name());
            }
        }
        if (sorted.size() > MAX_ENTRIES) {
            throw new IOException(sorted.size() + " files; a zip without ZIP64 holds at most " + MAX_ENTRIES);
        }
        Files.deleteIfExists(out);
        List<Written> written = new ArrayList<>();
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try (RandomAccessFile raf = new RandomAccessFile(out.toFile(), "rw")) {
            for (Entry e : sorted) {
                written.add(writeEntry(raf, e, deflater));
            }
            long cdStart = raf.getFilePointer();
            for (Written w : written) {
                ByteBuffer b = le(46 + w.name().length);
                b.putInt(0x02014b50).putShort((short) MADE_BY_UNIX).putShort((short) VERSION)
                        .putShort((short) FLAG_UTF8).putShort((short) Deflater.DEFLATED)
                        .putShort((short) DOS_TIME).putShort((short) DOS_DATE)
                        .putInt((int) w.crc()).putInt((int) w.compressed()).putInt((int) w.size())
                        .putShort((short) w.name().length).putShort((short) 0).putShort((short) 0)
                        .putShort((short) 0).putShort((short) 0).putInt(w.mode() << 16).putInt((int) w.offset())
                        .put(w.name());
                raf.write(b.array());
            }
            long cdSize = raf.getFilePointer() - cdStart;
            checkSize(raf.getFilePointer(), out);
            ByteBuffer end = le(22);
            end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) written.size())
                    .putShort((short) written.size()).putInt((int) cdSize).putInt((int) cdStart).putShort((short) 0);
            raf.write(end.array());
            raf.setLength(raf.getFilePointer());
        } finally {
            deflater.end();
        }
    }

    private static Written writeEntry(RandomAccessFile raf, Entry e, Deflater deflater) throws IOException {
        byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
        long offset = raf.getFilePointer();
        checkSize(offset, null);
        ByteBuffer header = le(30 + name.length);
        header.putInt(0x04034b50).putShort((short) VERSION).putShort((short) FLAG_UTF8)
                .putShort((short) Deflater.DEFLATED).putShort((short) DOS_TIME).putShort((short) DOS_DATE)
                .putInt(0).putInt(0).putInt(0) // crc and sizes, patched below
                .putShort((short) name.length).putShort((short) 0).put(name);
        raf.write(header.array());
        CRC32 crc = new CRC32();
        deflater.reset();
        byte[] in = new byte[1 << 16];
        byte[] outBuf = new byte[1 << 16];
        long size = 0;
        long compressed = 0;
        try (InputStream is = e.open()) {
            int n;
            while ((n = is.read(in)) > 0) {
                crc.update(in, 0, n);
                size += n;
                deflater.setInput(in, 0, n);
                while (!deflater.needsInput()) {
                    int c = deflater.deflate(outBuf);
                    raf.write(outBuf, 0, c);
                    compressed += c;
                }
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            int c = deflater.deflate(outBuf);
            raf.write(outBuf, 0, c);
            compressed += c;
        }
        if (size > MAX_SIZE || compressed > MAX_SIZE) {
            throw new IOException(e.name() + " is over 4 GB; a zip without ZIP64 cannot hold it");
        }
        long end = raf.getFilePointer();
        ByteBuffer patch = le(12);
        patch.putInt((int) crc.getValue()).putInt((int) compressed).putInt((int) size);
        raf.seek(offset + 14);
        raf.write(patch.array());
        raf.seek(end);
        return new Written(name, e.mode(), crc.getValue(), compressed, size, offset);
    }

    private static void checkSize(long position, Path out) throws IOException {
        if (position > MAX_SIZE) {
            throw new IOException("the zip " + (out == null ? "" : out + " ") + "is over 4 GB");
        }
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
