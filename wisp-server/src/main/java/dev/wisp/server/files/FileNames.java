package dev.wisp.server.files;

import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.PercentEncoding;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;

/**
 * Turns names from URLs into file names and back, as UTF-8 bytes whatever the locale: the bytes of a decoded URL
 * segment are the bytes of the file name, as nginx and python's http.server have it.
 *
 * <p>Why not plain strings: a Linux file name is bytes, and Java converts between them and strings with the
 * platform's file-name encoding ({@code sun.jnu.encoding}), which follows the locale when the JVM starts. Under
 * {@code LANG=C} or with no locale at all (as in most containers) it is ASCII: every non-ASCII name reads as
 * {@code ?}s and no string names the file again. The JDK offers no supported way to change it ({@code
 * -Dsun.jnu.encoding} is ignored, {@code -Dfile.encoding} does not apply to paths). But a default file system path
 * turns into a {@code file:} URI and back byte for byte, with the bytes percent-encoded ({@link Path#toUri},
 * {@link Path#of(URI)}), so when strings cannot carry UTF-8 names this class goes through URIs instead. When they
 * can, it uses strings, the shorter way to the same bytes.
 *
 * <p>Stateless and thread-safe.
 */
final class FileNames {
    /** Whether {@link Path#resolve(String)} and {@link Path#toString()} encode and decode names as UTF-8. */
    private static final boolean STRINGS_ARE_UTF_8 = isUtf8(System.getProperty("sun.jnu.encoding"));

    /**
     * The longest file name the server takes, in bytes of UTF-8: the NAME_MAX of Linux's file systems (ext4, XFS,
     * Btrfs, tmpfs) and of the BSDs', which refuse a longer one only when it is created (after an upload).
     */
    static final int MAX_NAME_BYTES = 255;

    private FileNames() {
    }

    /**
     * The entry of a directory with this name, encoded as UTF-8.
     *
     * @throws IllegalArgumentException if the name cannot be a file name here (a NUL byte, say, or longer than
     *     {@link #MAX_NAME_BYTES})
     */
    static Path child(Path directory, String name) {
        // Three bytes of UTF-8 a char at most: a name of up to 85 chars is never too long.
        if (name.length() > MAX_NAME_BYTES / 3 && name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("a file name longer than " + MAX_NAME_BYTES + " bytes");
        }
        return usesStrings(directory) ? directory.resolve(name) : childByUri(directory, name);
    }

    /** {@link #child} through a {@code file:} URI, whatever the locale; on the default file system only. */
    static Path childByUri(Path directory, String name) {
        String directoryUri = directory.toUri().getRawPath();
        String separator = directoryUri.endsWith("/") ? "" : "/";
        return Path.of(URI.create("file://" + directoryUri + separator + PercentEncoding.encodePathSegment(name)));
    }

    /**
     * The name of a directory entry, its bytes decoded as UTF-8; {@code null} if they are not UTF-8, since no URL
     * could then name the entry.
     */
    static String nameOf(Path entry) {
        if (usesStrings(entry)) {
            String name = entry.getFileName().toString();
            // Bytes that are not UTF-8 decode to replacement characters, which encode to other bytes.
            return entry.resolveSibling(name).equals(entry) ? name : null;
        }
        return nameByUri(entry);
    }

    /** {@link #nameOf} through a {@code file:} URI, whatever the locale; on the default file system only. */
    static String nameByUri(Path entry) {
        String uri = entry.toUri().getRawPath();
        int end = uri.endsWith("/") ? uri.length() - 1 : uri.length();
        try {
            return PercentEncoding.decode(uri.substring(uri.lastIndexOf('/', end - 1) + 1, end), false);
        } catch (MalformedMessageException e) {
            return null;
        }
    }

    private static boolean usesStrings(Path path) {
        return STRINGS_ARE_UTF_8 || path.getFileSystem() != FileSystems.getDefault();
    }

    private static boolean isUtf8(String charsetName) {
        try {
            return charsetName != null && Charset.forName(charsetName).equals(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
