package dev.mldeploy.image;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * One regular file of a layer: where its bytes come from, its absolute path in the image, its Unix mode and its
 * modification time. The defaults ({@link #of}) are fixed so that the same bytes give the same layer digest on any
 * machine: mode {@code 0644} ({@code 0755} when the source is executable) and {@link #DEFAULT_MODIFICATION_TIME}.
 * Directories are not listed: the image gets each parent directory with mode {@code 0755}.
 *
 * @param source           the file to copy (checked to exist when the image is built)
 * @param pathInImage      absolute Unix path, no {@code .} or {@code ..} component, no empty component, no
 *                         backslash or control character
 * @param mode             Unix permission bits, {@code 0} to {@code 0777}
 * @param modificationTime the time recorded in the layer
 */
public record LayerFile(Path source, String pathInImage, int mode, Instant modificationTime) {
    /** One second after the epoch: Jib's default, and what {@link #of} records. */
    public static final Instant DEFAULT_MODIFICATION_TIME = Instant.ofEpochSecond(1);

    public LayerFile {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(pathInImage, "pathInImage");
        Objects.requireNonNull(modificationTime, "modificationTime");
        checkPath(pathInImage);
        if (mode < 0 || mode > 0777) {
            throw new InvalidImageException("mode " + Integer.toOctalString(mode) + " of " + pathInImage
                    + " is not Unix permission bits (0 to 0777 octal)");
        }
    }

    /** {@code source} at {@code pathInImage} with the default mode and time. */
    public static LayerFile of(Path source, String pathInImage) {
        return new LayerFile(source, pathInImage, Files.isExecutable(source) ? 0755 : 0644, DEFAULT_MODIFICATION_TIME);
    }

    /**
     * Refuses what a layer must not hold: a relative path, {@code .} or {@code ..}, empty components, backslashes,
     * control characters.
     *
     * @throws InvalidImageException naming the path
     */
    public static void checkPath(String pathInImage) {
        String p = pathInImage;
        String why = null;
        if (!p.startsWith("/")) {
            why = "is not absolute";
        } else if (p.equals("/")) {
            why = "is the root, not a file";
        } else if (p.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '\\')) {
            why = "holds a control character or a backslash";
        } else {
            for (String c : p.substring(1).split("/", -1)) {
                if (c.isEmpty() || c.equals(".") || c.equals("..")) {
                    why = "has an empty, '.' or '..' component";
                    break;
                }
            }
        }
        if (why != null) {
            throw new InvalidImageException("path in image '" + p.replaceAll("\\p{Cntrl}", "?") + "' " + why
                    + "; use an absolute path such as /var/task/model.py");
        }
    }
}
