package dev.mldeploy.image.internal;

import dev.mldeploy.image.ImageBuildException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks the OCI tarball Jib writes ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/<hex>}) into a
 * directory: first into a sibling directory, then moved into place, so a failed write leaves an earlier layout as it
 * was. Jib writes a layout only as a tarball, hence the unpacking. Entry names outside that shape are refused.
 */
final class OciLayoutWriter {
    private static final Pattern NAME = Pattern.compile("oci-layout|index\\.json|manifest\\.json|blobs/|blobs/sha256/|"
            + "blobs/sha256/[0-9a-f]{64}");

    private OciLayoutWriter() {
    }

    /** Replaces {@code dir} (checked by {@link RecipeCheck#layoutDirectory}) with the layout in {@code tar}. */
    static void replace(Path tar, Path dir) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path staging = Files.createTempDirectory(parent, "." + target.getFileName() + ".writing-");
        try {
            unpack(tar, staging);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                deleteTree(target);
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging, target);
            }
        } finally {
            if (Files.exists(staging, LinkOption.NOFOLLOW_LINKS)) {
                deleteTree(staging);
            }
        }
    }

    private static void unpack(Path tar, Path into) throws IOException {
        try (InputStream in = Files.newInputStream(tar); TarArchiveInputStream t = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = t.getNextEntry()) != null) {
                String name = e.getName();
                if (!NAME.matcher(name).matches()) {
                    throw new ImageBuildException("Jib's OCI tarball holds an unexpected entry '" + name + "'", null,
                            false);
                }
                if (name.equals("manifest.json")) {
                    continue; // Docker's loader file, not part of an OCI layout
                }
                Path out = into.resolve(name);
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(t, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
