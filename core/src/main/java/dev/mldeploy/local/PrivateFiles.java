package dev.mldeploy.local;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files of the local target's state, readable by their owner only: directories 0700, files 0600 (on file systems
 * with POSIX permissions; elsewhere the defaults). Writes are atomic: a temporary file, then a rename.
 */
final class PrivateFiles {
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    private static boolean posix(Path p) {
        Path existing = p.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && existing.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Creates {@code dir} (and missing parents) 0700; returns whether {@code dir} itself was created. */
    static boolean createDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return false;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            Files.createDirectories(parent);
        }
        try {
            if (posix(dir)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR));
                Files.setPosixFilePermissions(dir, DIR); // the umask may have removed more than we asked
            } else {
                Files.createDirectory(dir);
            }
            return true;
        } catch (FileAlreadyExistsException e) {
            return false; // another process made it meanwhile
        }
    }

    /** Makes {@code dir} 0700 (for directories mldeploy owns by definition, like {@code <home>/local}). */
    static void restrict(Path dir) throws IOException {
        if (posix(dir)) {
            Files.setPosixFilePermissions(dir, DIR);
        }
    }

    /** Creates {@code file} empty, 0600, replacing any file there. */
    static void createEmpty(Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, attrs(file));
    }

    /** Writes {@code bytes} to {@code file} atomically, 0600: a reader sees the old file or the new one. */
    static void write(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, attrs(tmp));
        Files.write(tmp, bytes, StandardOpenOption.TRUNCATE_EXISTING);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static FileAttribute<?>[] attrs(Path file) {
        return posix(file) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
                : new FileAttribute<?>[0];
    }
}
