package dev.mldeploy.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a POSIX ustar archive with fixed metadata (mtime 0, uid/gid 0, no user or group names, mode 0644 or
 * 0755), so the same entries give the same bytes. Names over 100 bytes and sizes of 8 GiB or more use a PAX
 * extended header. Every name must pass {@link PackageEntryNames} (checked here too, whatever the caller checked),
 * so no entry can land outside the directory the archive is extracted to. Hand-written rather than Commons
 * Compress's, whose headers carry the writer's clock and user unless each is overridden. Not thread-safe.
 */
public final class TarWriter {
    private static final int BLOCK = 512;
    private static final long MAX_OCTAL_SIZE = 077777777777L;
    private final OutputStream out;
    private final byte[] buffer = new byte[1 << 16];

    /** A writer appending to {@code out}, which it neither buffers nor closes. */
    public TarWriter(OutputStream out) {
        this.out = out;
    }

    /** Adds a regular file of {@code size} bytes read from {@code in}. */
    public void addFile(String name, long size, boolean executable, InputStream in) throws IOException {
        writeHeader(name, size, executable);
        long left = size;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException(name + " became shorter while it was packaged; package it again");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
        pad(size);
    }

    /** Adds a regular file holding {@code content}. */
    public void addBytes(String name, byte[] content, boolean executable) throws IOException {
        writeHeader(name, content.length, executable);
        out.write(content);
        pad(content.length);
    }

    /** Writes the two zero blocks that end the archive. */
    public void finish() throws IOException {
        out.write(new byte[BLOCK * 2]);
    }

    private void writeHeader(String name, long size, boolean executable) throws IOException {
        PackageEntryNames.requireSafe(name);
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        boolean pax = nameBytes.length > 100 || size > MAX_OCTAL_SIZE;
        if (pax) {
            StringBuilder records = new StringBuilder();
            if (nameBytes.length > 100) {
                records.append(paxRecord("path", name));
            }
            if (size > MAX_OCTAL_SIZE) {
                records.append(paxRecord("size", Long.toString(size)));
            }
            byte[] body = records.toString().getBytes(StandardCharsets.UTF_8);
            out.write(header("PaxHeaders/" + shortName(name), body.length, 0644, (byte) 'x'));
            out.write(body);
            pad(body.length);
        }
        String headerName = nameBytes.length > 100 ? shortName(name) : name;
        out.write(header(headerName, size > MAX_OCTAL_SIZE ? 0 : size, executable ? 0755 : 0644, (byte) '0'));
    }

    private static String shortName(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        return b.length <= 80 ? name : new String(Arrays.copyOfRange(b, b.length - 80, b.length),
                StandardCharsets.UTF_8).replaceAll("^[^/]*/?", "");
    }

    /** A PAX record "LEN key=value\n" where LEN counts itself. */
    static String paxRecord(String key, String value) {
        int payload = key.getBytes(StandardCharsets.UTF_8).length + value.getBytes(StandardCharsets.UTF_8).length + 3;
        int len = payload + Integer.toString(payload).length();
        if (Integer.toString(len).length() != Integer.toString(payload).length()) {
            len++;
        }
        return len + " " + key + "=" + value + "\n";
    }

    private static byte[] header(String name, long size, int mode, byte type) {
        byte[] h = new byte[BLOCK];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, h, 0, Math.min(100, n.length));
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, 0);
        Arrays.fill(h, 148, 156, (byte) ' ');
        h[156] = type;
        byte[] magic = "ustar\u000000".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, h, 257, magic.length);
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        h[155] = ' ';
        return h;
    }

    /** Writes {@code value} as zero-padded octal in {@code len - 1} digits plus a NUL. */
    private static void octal(byte[] h, int offset, int len, long value) {
        String s = Long.toOctalString(value);
        int digits = len - 1;
        for (int i = 0; i < digits; i++) {
            int from = s.length() - digits + i;
            h[offset + i] = (byte) (from < 0 ? '0' : s.charAt(from));
        }
        h[offset + digits] = 0;
    }

    private void pad(long size) throws IOException {
        int rest = (int) (size % BLOCK);
        if (rest != 0) {
            out.write(ZEROS, 0, BLOCK - rest);
        }
    }

    private static final byte[] ZEROS = new byte[BLOCK];
}
